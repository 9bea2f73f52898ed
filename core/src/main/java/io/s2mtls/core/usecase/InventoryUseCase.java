package io.s2mtls.core.usecase;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreIndex;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reading what was issued: the inventory, and stored credentials for export. */
public final class InventoryUseCase {
    private final Environment environment;

    InventoryUseCase(Environment environment) {
        this.environment = environment;
    }

    /** Every recorded certificate, oldest first. */
    public List<InventoryEntry> list() {
        return environment.store().index().inventory().stream()
                .sorted(Comparator.comparing(InventoryEntry::recordedAt)).toList();
    }

    /** Valid certificates whose notAfter falls within {@code window} from now (already expired ones included). */
    public List<InventoryEntry> expiringWithin(Duration window) {
        Instant limit = environment.clock().instant().plus(window);
        return list().stream()
                .filter(e -> e.status() == CertificateStatus.VALID)
                .filter(e -> !e.notAfter().isAfter(limit))
                .toList();
    }

    /** The shortest store password {@link #changeStorePassword} accepts. */
    public static final int MIN_STORE_PASSWORD_LENGTH = 12;

    /**
     * Re-protects the store under {@code newPassword} and records {@code store.passwd} in the audit
     * trail, in the same atomic write (the event holds no secret). The caller checks that the new
     * password differs from the old; the store checks the old one.
     */
    public void changeStorePassword(char[] newPassword) {
        if (newPassword == null || newPassword.length == 0) {
            throw S2mtlsException.badInput("the new store password is empty; an empty password protects nothing");
        }
        if (newPassword.length < MIN_STORE_PASSWORD_LENGTH) {
            throw S2mtlsException.badInput("the new store password is too short (" + newPassword.length + " characters); use at least "
                    + MIN_STORE_PASSWORD_LENGTH + " characters, e.g. a passphrase of several words");
        }
        AuditEvent event = new AuditEvent(environment.clock().instant(), environment.actor(), "store.passwd",
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("store password changed"));
        environment.store().changePassword(newPassword, List.of(event));
    }

    /** How a recorded certificate stands now: its recorded status, with EXPIRED for a valid one past its notAfter. */
    public enum Standing {
        VALID, EXPIRED, SUPERSEDED, REVOKED;

        /** {@code valid}, {@code expired}, ...: the word 'cert list' prints and --status takes. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The standing of {@code entry} at the store's clock. */
    public Standing standing(InventoryEntry entry) {
        return switch (entry.status()) {
            case SUPERSEDED -> Standing.SUPERSEDED;
            case REVOKED -> Standing.REVOKED;
            case VALID -> entry.notAfter().isBefore(environment.clock().instant()) ? Standing.EXPIRED : Standing.VALID;
        };
    }

    /**
     * What 'cert list' narrows to; every part that is given must hold (an empty set or window: no narrowing).
     *
     * @param name           a glob on the credential name ({@code *} any run of characters, {@code ?} one; else exact)
     * @param standings      the standings to keep
     * @param profiles       the profiles to keep
     * @param expiringWithin valid certificates (expired ones included) whose notAfter falls within this window from now
     */
    public record Query(Optional<String> name, Set<Standing> standings, Set<CertificateProfile> profiles, Optional<Duration> expiringWithin) {
        public Query {
            standings = Set.copyOf(standings);
            profiles = Set.copyOf(profiles);
        }
    }

    /** The recorded certificates that match {@code query}, oldest first. */
    public List<InventoryEntry> list(Query query) {
        Optional<Pattern> name = query.name().map(InventoryUseCase::glob);
        Optional<Instant> limit = query.expiringWithin().map(w -> environment.clock().instant().plus(w));
        return list().stream()
                .filter(e -> name.isEmpty() || name.get().matcher(e.name()).matches())
                .filter(e -> query.standings().isEmpty() || query.standings().contains(standing(e)))
                .filter(e -> query.profiles().isEmpty() || query.profiles().contains(e.profile()))
                .filter(e -> limit.isEmpty() || e.status() == CertificateStatus.VALID && !e.notAfter().isAfter(limit.get()))
                .toList();
    }

    /** A recorded certificate with its standing now: one row of 'cert list'. */
    public record Row(InventoryEntry entry, Standing standing) {
        public Row {
            java.util.Objects.requireNonNull(entry, "entry is null");
            java.util.Objects.requireNonNull(standing, "standing is null");
        }
    }

    /** The recorded certificates that match {@code query}, oldest first, each with its {@link #standing standing}. */
    public List<Row> rows(Query query) {
        return list(query).stream().map(entry -> new Row(entry, standing(entry))).toList();
    }

    /** {@code *} any run of characters, {@code ?} exactly one, everything else itself. */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /**
     * The certificate of the credential stored under {@code name} (it reads that one credential: the port has no
     * certificate without its key); without one, whether the inventory records the name (read from the index);
     * and where the store is, for messages.
     */
    public StoredLookup lookUp(String name) {
        CredentialStore store = environment.store();
        Optional<X509Certificate> certificate = store.credential(name).map(Credential::certificate);
        return new StoredLookup(name, certificate, certificate.isPresent() || recorded(name), store.describe());
    }

    /** Whether the inventory records a certificate under {@code name} (a CSR-signed one has no stored credential). */
    public boolean recorded(String name) {
        StoreIndex index = environment.store().index();
        return index.credentials().containsKey(name) || index.inventory().stream().anyMatch(e -> e.name().equals(name));
    }

    /**
     * The credential names a renewal of {@code references} (names or serials) writes files for, resolved as
     * the renewal resolves them; a reference that does not resolve is refused here with the renewal's message.
     */
    public List<String> renewalNames(List<String> references) {
        LifecycleUseCase.References resolver = new LifecycleUseCase.References(environment.store().index());
        return references.stream().map(r -> resolver.resolve(r).name()).distinct().toList();
    }

    /** The credential names 'renew --due' would renew now: current, non-CA, with a stored key, ending within {@code window}. */
    public List<String> dueForRenewal(Duration window) {
        return LifecycleUseCase.due(environment.store().index(), environment.clock().instant().plus(window)).stream()
                .map(InventoryEntry::name).distinct().toList();
    }

    /**
     * A stored credential with the CA that signed it and its chain, for writing its files: the CA among the store's
     * CAs (issuing, or during a rotation the other one) whose serial the credential's entry records as its issuer
     * (an entry without one counts as signed by the CA a rotation retires, see
     * {@link io.s2mtls.core.pki.Authorities#onOldCa}); when the store no longer holds that CA (a finished rotation or
     * a replaced CA), the issuing CA, as before. The trust bundle is what servers must trust now.
     */
    public CredentialExport export(String name) {
        CredentialStore store = environment.store();
        Optional<Credential> credential = store.credential(name);
        StoreIndex index = store.index();
        if (credential.isEmpty()) {
            throw S2mtlsException.badInput("no credential named '" + name + "' in " + store.describe()
                    + (index.credentials().isEmpty() ? "" : "; known: " + String.join(", ", index.credentials().keySet().stream().sorted().limit(20).toList())));
        }
        index.requireAuthority();
        Authorities authorities = index.authorities().orElseThrow();
        X509Certificate certificate = credential.get().certificate();
        CaCertificates ca = Optional.ofNullable(index.entries().get(certificate.getSerialNumber()))
                .flatMap(entry -> signingCa(authorities, entry))
                .orElse(authorities.issuing());
        return new CredentialExport(credential.get(), ca.certificate(), ca.bundle(), IssuedCertificate.clientChain(ca), authorities.trustBundle(),
                authorities.phase());
    }

    /**
     * The CA among the store's CAs that signed the credential stored under {@code name} now (see {@link #export}),
     * with its chain, read from the index (no key is decrypted); empty when there is no such credential or the
     * store no longer holds its CA.
     */
    public Optional<CaCertificates> signingCa(String name) {
        StoreIndex index = environment.store().index();
        return index.authorities().flatMap(authorities -> index.currentEntry(name).flatMap(entry -> signingCa(authorities, entry)));
    }

    /**
     * The CA of {@code authorities} that signed {@code entry}: the one whose serial the entry records as its issuer;
     * for an entry without one, the CA that issued before the rotation ({@link Authorities#old()}). Empty when the
     * store no longer holds it.
     */
    static Optional<CaCertificates> signingCa(Authorities authorities, InventoryEntry entry) {
        List<CaCertificates> held = new java.util.ArrayList<>();
        held.add(authorities.issuing());
        authorities.other().ifPresent(held::add);
        BigInteger issuer = entry.issuer().orElse(authorities.old().serial());
        return held.stream().filter(ca -> ca.serial().equals(issuer)).findFirst();
    }

    /**
     * A credential and the CA certificate that signed it.
     *
     * @param caBundle    that CA certificate followed by its chain (an intermediate's), up to and including the root
     * @param clientChain what the client presents after its own certificate: that CA and the intermediates above
     *                    it, without the self-signed root; empty when a root signed it
     * @param trustBundle what servers must trust ({@code ssl_ca_for_client_cert}): every CA of the store with its
     *                    chain, both CAs during a rotation
     * @param phase       the store's rotation phase, which says what the servers' trust bundle must become next
     */
    public record CredentialExport(Credential credential, X509Certificate caCertificate, List<X509Certificate> caBundle,
                                   List<X509Certificate> clientChain, List<X509Certificate> trustBundle, RotationPhase phase) {
        public CredentialExport {
            caBundle = List.copyOf(caBundle);
            clientChain = List.copyOf(clientChain);
            trustBundle = List.copyOf(trustBundle);
            Objects.requireNonNull(phase, "phase");
        }

        /** A credential signed by {@code caCertificate} and the chain of {@code caBundle}, which servers trust alone. */
        public CredentialExport(Credential credential, X509Certificate caCertificate, List<X509Certificate> caBundle) {
            this(credential, caCertificate, caBundle, IssuedCertificate.clientChain(caCertificate, caBundle.subList(Math.min(1, caBundle.size()),
                    caBundle.size())), caBundle, RotationPhase.NONE);
        }

        public CredentialExport(Credential credential, X509Certificate caCertificate) {
            this(credential, caCertificate, List.of(caCertificate));
        }
    }
}
