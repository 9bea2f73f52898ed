package io.s2mtls.core.usecase;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.pki.SubjectAltName;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.port.StoredCredential;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.Crls;
import io.s2mtls.core.x509.KeyPairs;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;

/** The days after issuance: renewal that keeps the subject, revocation, the CRL, the audit trail. */
public final class LifecycleUseCase {
    /** How long a CRL is valid for before servers want a new one. */
    static final Duration CRL_VALIDITY = Duration.ofDays(7);

    private final Environment environment;
    private final IssuanceUseCase issuance;

    LifecycleUseCase(Environment environment, IssuanceUseCase issuance) {
        this.environment = environment;
        this.issuance = issuance;
    }

    /** A renewal: the entry it replaced and the new certificate. */
    public record Renewal(InventoryEntry replaced, IssuedCertificate renewed) {
    }

    /**
     * What the caller checks before anything is renewed (the files it will write, say): the credential names the
     * renewal writes, resolved as the renewal resolves them, and the store's CA certificates, read from the index
     * without decrypting the CA key. Throwing refuses the renewal; nothing has been changed then.
     */
    @FunctionalInterface
    public interface BeforeRenewal {
        void check(List<String> names, CaCertificates ca);
    }

    /**
     * Renews what {@code request} selects: the credentials it names (see
     * {@link #renew(List, Optional, Optional, int, IntConsumer)}), every current credential that expires within
     * {@link RenewRequest#dueWithin()}, every current credential ({@link RenewRequest.Selection#ALL}), or every one a
     * CA rotation still has to reissue ({@link RenewRequest.Selection#ROTATION}). Every renewal is signed by the
     * store's issuing CA (after {@code ca rotate switch}, the new one) and keeps the subject's DER byte for byte. With
     * {@code beforeRenewal}, the names it resolves to are handed to it first (when there are any), with the CA
     * certificates of the same store index the renewal then works from; a reference that does not resolve is
     * refused before that, with the renewal's message.
     */
    public List<Renewal> renew(RenewRequest request, Optional<BeforeRenewal> beforeRenewal) {
        StoreIndex index = environment.store().index();
        Instant now = environment.clock().instant();
        List<InventoryEntry> selected = switch (request.selection()) {
            case NAMED -> null;
            case DUE -> due(index, now.plus(request.dueWithin().orElseThrow()));
            case ALL -> renewable(index).toList();
            case ROTATION -> onOldCa(index, now);
        };
        if (selected != null) {
            beforeRenewal.ifPresent(check -> beforeRenewing(index, selected.stream().map(InventoryEntry::name).distinct().toList(), check));
            return renewEntries(index, selected, request.key(), request.days(), request.parallelism(), request.progress(), request.alsoAudited());
        }
        if (beforeRenewal.isPresent()) {
            References resolver = new References(index);
            beforeRenewing(index, request.references().stream().map(r -> resolver.resolve(r).name()).distinct().toList(), beforeRenewal.get());
        }
        return renewEntries(index, renewalTargets(index, request.references()), request.key(), request.days(), request.parallelism(),
                request.progress(), request.alsoAudited());
    }

    /**
     * The current credentials a rotation still has to reissue: valid, unexpired, signed by the CA the rotation
     * retires, not a CA, with a stored key; none outside a rotation. Refused while the rotation is only begun: the
     * old CA still issues then, so renewing would not move a credential.
     */
    static List<InventoryEntry> onOldCa(StoreIndex index, Instant now) {
        Optional<Authorities> authorities = index.authorities();
        if (authorities.isEmpty() || authorities.get().phase() == RotationPhase.NONE) {
            return List.of();
        }
        if (authorities.get().phase() == RotationPhase.BEGUN) {
            throw S2mtlsException.badInput("the CA rotation is begun, not switched: the old CA still signs, so a renewal now would"
                    + " stay on it; run 's2mtls ca rotate switch' first, then renew");
        }
        Authorities cas = authorities.get();
        return renewable(index).filter(cas::onOldCa).filter(e -> e.notAfter().isAfter(now)).toList();
    }

    /**
     * Reissues under the issuing CA, as a renewal does (same key kind unless {@code key}, same validity unless
     * {@code days}, the subject's DER kept), those credentials of {@code names} that a rotation still has to reissue
     * now (see {@link RenewRequest.Selection#ROTATION}); the others are left alone. All in one store update.
     */
    List<Renewal> reissueOnOldCa(java.util.Collection<String> names, Optional<KeySpec> key, Optional<Integer> days, int parallelism,
                                 IntConsumer progress) {
        Set<String> wanted = new HashSet<>(names);
        StoreIndex index = environment.store().index();
        List<InventoryEntry> targets = onOldCa(index, environment.clock().instant()).stream().filter(e -> wanted.contains(e.name())).toList();
        return renewEntries(index, targets, key, days, parallelism, progress, Optional.empty());
    }

    /** The current, non-CA certificates with a stored key, in inventory order. */
    private static java.util.stream.Stream<InventoryEntry> renewable(StoreIndex index) {
        return current(index).stream()
                .filter(e -> e.profile() != CertificateProfile.CA)
                .filter(e -> index.credential(e.name()).map(StoredCredential::hasKey).orElse(false));
    }

    private static void beforeRenewing(StoreIndex index, List<String> names, BeforeRenewal check) {
        if (!names.isEmpty()) {
            check.check(names, index.requireAuthority());
        }
    }

    /**
     * Renews credentials named by name or serial: a new key (same type unless {@code key} says otherwise)
     * and a certificate with exactly the old subject DER, so REQUIRE SUBJECT keeps matching; the old entry
     * becomes SUPERSEDED. All are recorded in one store update.
     */
    public List<Renewal> renew(List<String> namesOrSerials, Optional<KeySpec> key, Optional<Integer> days, int parallelism, IntConsumer progress) {
        return renew(new RenewRequest(namesOrSerials, Optional.empty(), key, days, parallelism, progress), Optional.empty());
    }

    /** The current entries {@code namesOrSerials} name, each checked to be renewable, in the order given. */
    private static List<InventoryEntry> renewalTargets(StoreIndex index, List<String> namesOrSerials) {
        References references = new References(index);
        Set<InventoryEntry> targets = new LinkedHashSet<>();
        for (String reference : namesOrSerials) {
            InventoryEntry entry = references.resolve(reference);
            Optional<StoredCredential> credential = index.credential(entry.name()).filter(c -> c.serial().equals(entry.serial()));
            if (entry.status() != CertificateStatus.VALID || credential.isEmpty()) {
                throw S2mtlsException.badInput("'" + reference + "' (serial " + entry.serialHex() + ") is "
                        + (entry.status() != CertificateStatus.VALID ? entry.status().name().toLowerCase(Locale.ROOT)
                        : "a certificate signed from a CSR, whose key s2mtls never had")
                        + "; renew the current credential by name, or sign a new CSR with 'cert sign'");
            }
            if (!credential.get().hasKey()) {
                throw S2mtlsException.badInput("'" + reference + "' has no private key in the store; ask its owner for a new CSR and run 'cert sign'");
            }
            targets.add(entry);
        }
        return List.copyOf(targets);
    }

    /** Renews every valid credential that expires within {@code window} (the renewal window). */
    public List<Renewal> renewDue(Duration window, Optional<KeySpec> key, Optional<Integer> days, int parallelism, IntConsumer progress) {
        return renew(new RenewRequest(List.of(), Optional.of(window), key, days, parallelism, progress), Optional.empty());
    }

    /** The current, non-CA certificates with a stored key whose notAfter is not after {@code limit}, in inventory order. */
    static List<InventoryEntry> due(StoreIndex index, Instant limit) {
        return renewable(index)
                .filter(e -> !e.notAfter().isAfter(limit))
                .toList();
    }

    /**
     * Signs the renewals (each old credential is read, and so decrypted, once, on the worker threads), then
     * records them in one batch: each old entry VALID to SUPERSEDED, the credential replaced expecting the old
     * serial, the new entry, the audit event (and the {@code alsoAudited} one).
     */
    private List<Renewal> renewEntries(StoreIndex index, List<InventoryEntry> targets, Optional<KeySpec> key,
                                       Optional<Integer> days, int parallelism, IntConsumer progress, Optional<String> alsoAudited) {
        if (targets.isEmpty()) {
            return List.of();
        }
        CredentialStore store = environment.store();
        IssuanceUseCase.Issuer issuer = issuance.issuer(index);
        List<IssuedCertificate> renewed = IssuanceUseCase.inParallel(targets, parallelism, progress, entry -> {
            Credential old = store.credential(entry.name())
                    .filter(c -> c.certificate().getSerialNumber().equals(entry.serial()))
                    .orElseThrow(() -> replacedMeanwhile(entry));
            X509Certificate oldCertificate = old.certificate();
            KeySpec spec = key.orElseGet(() -> sameKind(oldCertificate.getPublicKey()));
            days.ifPresent(Validity::checkDays);
            Duration validity = days.map(d -> Duration.ofDays(d)).orElseGet(() -> Validity.lifetimeOf(oldCertificate, entry.recordedAt()));
            KeyPair keys = KeyPairs.generate(spec, environment.random());
            DistinguishedName subject = Certificates.subjectOf(oldCertificate);
            return issuance.sign(issuer, subject, keys.getPublic(), Optional.of(keys.getPrivate()), validity, entry.profile(),
                    alternativeNames(oldCertificate), entry.name());
        });
        List<Renewal> renewals = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            renewals.add(new Renewal(targets.get(i), renewed.get(i)));
        }
        return StoreCommits.commit(store, index, current -> {
            issuer.requireCurrent(current, store);
            StoreBatch.Builder batch = StoreBatch.builder();
            Set<BigInteger> serials = new HashSet<>();
            for (Renewal renewal : renewals) {
                InventoryEntry old = current.entries().get(renewal.replaced().serial());
                if (old == null) {
                    throw S2mtlsException.badInput("serial " + renewal.replaced().serialHex()
                            + " vanished from the store while renewing; run the renewal again");
                }
                if (old.status() != CertificateStatus.VALID) {
                    throw S2mtlsException.badInput(old.name() + " (serial " + old.serialHex() + ") was " + old.status().name().toLowerCase(Locale.ROOT)
                            + " by someone else meanwhile; nothing was renewed");
                }
                if (!current.credential(old.name()).map(c -> c.serial().equals(old.serial())).orElse(false)) {
                    throw replacedMeanwhile(old);
                }
                IssuedCertificate fresh = renewal.renewed();
                IssuanceUseCase.requireNewSerial(current, serials, fresh.entry());
                batch.write(new StoreWrite.UpdateEntry(old.withStatus(CertificateStatus.SUPERSEDED), CertificateStatus.VALID));
                batch.write(new StoreWrite.PutCredential(new Credential(fresh.name(), fresh.certificate(), fresh.privateKey()),
                        Optional.of(old.serial())));
                batch.write(new StoreWrite.AddEntry(fresh.entry()));
                for (String action : alsoAudited.map(a -> List.of("cert.renew", a)).orElse(List.of("cert.renew"))) {
                    batch.audit(AuditEvent.certificate(fresh.entry().recordedAt(), environment.actor(), action, fresh.entry(),
                            Optional.of("replaces serial " + old.serialHex())));
                }
            }
            return new StoreCommits.Prepared<>(batch.build(), List.copyOf(renewals));
        }).result();
    }

    private static S2mtlsException replacedMeanwhile(InventoryEntry entry) {
        return S2mtlsException.badInput("credential '" + entry.name() + "' no longer holds serial " + entry.serialHex()
                + ": another command replaced or removed it meanwhile; nothing was renewed, run the renewal again");
    }

    /**
     * Revokes {@code nameOrSerial} (see {@link #revoke(String, Optional, String)}) without narrowing to one serial.
     */
    public Revocation revoke(String nameOrSerial, String reason) {
        return revoke(nameOrSerial, Optional.empty(), reason);
    }

    /**
     * Marks certificates revoked and returns them with the new CRL (PEM). A credential name revokes every
     * unexpired certificate ever issued under that name that is not revoked yet: the current one and those
     * a renewal superseded (they still log in until they expire). A serial, given as the reference or as
     * {@code serial}, revokes only that certificate. The database is not touched here: SingleStore reads no
     * CRL for client certificates, so callers lock or drop the user as well.
     */
    public Revocation revoke(String nameOrSerial, Optional<String> serial, String reason) {
        CredentialStore store = environment.store();
        StoreIndex index = store.index();
        Instant now = environment.clock().instant();
        List<InventoryEntry> targets = revocationTargets(index, nameOrSerial, serial, now);
        String why = reason.isBlank() ? "unspecified" : reason;
        List<AuditEvent> events = targets.stream().map(t -> AuditEvent.certificate(now, environment.actor(), "cert.revoke", t,
                Optional.of(why))).toList();
        StoreCommits.Committed<List<InventoryEntry>> committed = StoreCommits.commit(store, index, current -> {
            StoreBatch.Builder batch = StoreBatch.builder();
            List<InventoryEntry> revoked = new ArrayList<>();
            for (InventoryEntry target : targets) {
                InventoryEntry latest = current.entries().get(target.serial());
                if (latest == null) {
                    throw S2mtlsException.badInput("serial " + target.serialHex() + " vanished from the store while revoking; run the revocation again");
                }
                if (latest.status() == CertificateStatus.REVOKED) {
                    throw S2mtlsException.badInput(target.name() + " (serial " + target.serialHex() + ") was revoked by someone else"
                            + " meanwhile; nothing was changed, run the revocation again");
                }
                InventoryEntry next = latest.withStatus(CertificateStatus.REVOKED);
                batch.write(new StoreWrite.UpdateEntry(next, latest.status()));
                revoked.add(next);
            }
            events.forEach(batch::audit);
            return new StoreCommits.Prepared<>(batch.build(), List.copyOf(revoked));
        });
        return new Revocation(committed.result(), crl(committed.after()));
    }

    /**
     * What {@link #revoke(String, Optional, String)} would revoke, most recent first, without changing anything;
     * a bad-input error when there is nothing to revoke.
     */
    public List<InventoryEntry> revocationTargets(String nameOrSerial, Optional<String> serial) {
        return revocationTargets(environment.store().index(), nameOrSerial, serial, environment.clock().instant());
    }

    static List<InventoryEntry> revocationTargets(StoreIndex index, String nameOrSerial, Optional<String> serial, Instant now) {
        if (serial.isPresent()) {
            InventoryEntry entry = bySerial(index, serial.get()).orElseThrow(() -> S2mtlsException.badInput(
                    "--serial: '" + serial.get() + "' is not a serial in the store's inventory; see 's2mtls cert list'"));
            if (nameOrSerial != null && !nameOrSerial.isBlank() && !entry.name().equals(nameOrSerial)
                    && !(nameOrSerial.replace(":", "").trim().matches("[0-9A-Fa-f]{1,64}")
                    && bySerial(index, nameOrSerial).map(e -> e.serial().equals(entry.serial())).orElse(false))) {
                throw S2mtlsException.badInput("--serial: serial " + entry.serialHex() + " belongs to '" + entry.name() + "', not to '"
                        + nameOrSerial + "'; give the name it was issued under, or only --serial");
            }
            return List.of(notRevoked(entry));
        }
        if (nameOrSerial == null || nameOrSerial.isBlank()) {
            throw S2mtlsException.badInput("name what to revoke: a credential NAME, or --serial SERIAL");
        }
        boolean isName = index.credential(nameOrSerial).isPresent()
                || index.inventory().stream().anyMatch(e -> e.name().equals(nameOrSerial));
        if (!isName) {
            return List.of(notRevoked(new References(index).resolve(nameOrSerial)));
        }
        List<InventoryEntry> all = index.inventory().stream().filter(e -> e.name().equals(nameOrSerial))
                .sorted(Comparator.comparing(InventoryEntry::recordedAt).reversed()).toList();
        List<InventoryEntry> open = all.stream().filter(e -> e.status() != CertificateStatus.REVOKED)
                .filter(e -> e.notAfter().isAfter(now)).toList();
        if (open.isEmpty()) {
            boolean anyUnexpired = all.stream().anyMatch(e -> e.notAfter().isAfter(now));
            throw S2mtlsException.badInput("'" + nameOrSerial + "' is already " + (anyUnexpired ? "revoked" : "expired")
                    + ": none of its " + all.size() + " certificate(s) in the inventory is unexpired and not revoked; see 's2mtls cert list'");
        }
        return open;
    }

    private static Optional<InventoryEntry> bySerial(StoreIndex index, String text) {
        String hex = text.replace(":", "").trim();
        if (!hex.matches("[0-9A-Fa-f]{1,64}")) {
            throw S2mtlsException.badInput("--serial: '" + text + "' is not a serial in hex (as 's2mtls cert list' prints it)");
        }
        return index.entry(new BigInteger(hex, 16));
    }

    private static InventoryEntry notRevoked(InventoryEntry entry) {
        if (entry.status() == CertificateStatus.REVOKED) {
            throw S2mtlsException.badInput(entry.name() + " (serial " + entry.serialHex() + ") is already revoked");
        }
        return entry;
    }

    /**
     * The database accounts the store records as logging in with credential {@code name}: managed-user
     * records that name the credential, and records without one whose REQUIRE SUBJECT is the subject of
     * one of {@code certificates}.
     */
    public List<UserAccount> recordedAccounts(String name, List<InventoryEntry> certificates) {
        return RevocationUseCase.recordedAccounts(environment.store().index(), name, certificates);
    }

    /**
     * Why the store says {@code account} does not log in with credential {@code name} (another recorded
     * credential, or a REQUIRE SUBJECT none of {@code certificates} has), or empty when it agrees or has no record.
     */
    public Optional<String> boundElsewhere(UserAccount account, String name, List<InventoryEntry> certificates) {
        return RevocationUseCase.boundElsewhere(environment.store().index(), account, name, certificates);
    }

    /** The revoked entries (most recent first) and the CRL that lists them. */
    public record Revocation(List<InventoryEntry> entries, String crlPem) {
        public Revocation {
            entries = List.copyOf(entries);
            if (entries.isEmpty()) {
                throw new IllegalArgumentException("a revocation revokes at least one certificate");
            }
        }

        /** The most recent certificate revoked. */
        public InventoryEntry entry() {
            return entries.get(0);
        }
    }

    /**
     * The CRL (PEM) listing every revoked certificate of the store's CA; during a CA rotation, one CRL per CA (the
     * issuing CA's first), each listing the revoked certificates that CA signed, so a server checking CRLs finds
     * each revocation under the CA that signed it.
     */
    public String crl() {
        return crl(environment.store().index());
    }

    /**
     * The CRL of the revoked entries of {@code index}, each with the time of its first {@code cert.revoke}
     * event (its recording time when the trail has none); the audit trail is read once, and only when
     * something is revoked. During a rotation, the other CA's revocations go into a CRL of its own, signed with its
     * key (when the store cannot give that key, they stay in the issuing CA's CRL, as outside a rotation).
     */
    private String crl(StoreIndex index) {
        IssuanceUseCase.Issuer issuer = issuance.issuer(index);
        List<InventoryEntry> revokedEntries = index.inventory().stream().filter(e -> e.status() == CertificateStatus.REVOKED).toList();
        Map<String, Instant> revokedAt = new HashMap<>();
        if (!revokedEntries.isEmpty()) {
            for (AuditEvent event : environment.store().recentAudit(Integer.MAX_VALUE)) {
                if (event.action().equals("cert.revoke") && event.serial().isPresent()) {
                    revokedAt.putIfAbsent(event.serial().get(), event.time());
                }
            }
        }
        Optional<IssuanceUseCase.Issuer> other = otherIssuer(index);
        Optional<Authorities> authorities = index.authorities();
        List<Crls.Revoked> issuing = new ArrayList<>();
        List<Crls.Revoked> byOther = new ArrayList<>();
        for (InventoryEntry entry : revokedEntries) {
            Crls.Revoked revoked = new Crls.Revoked(entry.serial(), revokedAt.getOrDefault(entry.serialHex(), entry.recordedAt()));
            boolean signedByOther = other.isPresent() && authorities.flatMap(Authorities::other)
                    .map(ca -> entry.signedBy(ca.serial(), authorities.get().old().serial())).orElse(false);
            (signedByOther ? byOther : issuing).add(revoked);
        }
        Instant now = environment.clock().instant();
        BigInteger number = BigInteger.valueOf(now.getEpochSecond());
        String pem = Crls.pem(Crls.build(issuer.certificate(), issuer.key(), issuing, now, now.plus(CRL_VALIDITY), number));
        if (other.isPresent()) {
            pem += Crls.pem(Crls.build(other.get().certificate(), other.get().key(), byOther, now, now.plus(CRL_VALIDITY), number));
        }
        return pem;
    }

    /** During a rotation, the other CA as a signer (its key from the store or its remote signer); empty otherwise. */
    private Optional<IssuanceUseCase.Issuer> otherIssuer(StoreIndex index) {
        if (index.authorities().map(Authorities::phase).orElse(RotationPhase.NONE) == RotationPhase.NONE) {
            return Optional.empty();
        }
        return environment.store().authorities().flatMap(io.s2mtls.core.pki.AuthoritySet::other).map(ca -> new IssuanceUseCase.Issuer(ca.certificate(),
                ca.privateKey().map(key -> io.s2mtls.core.x509.SigningKey.local(key, ca.certificate().getPublicKey()))
                        .orElseGet(() -> io.s2mtls.core.x509.SigningKey.remote(environment.remoteSigners().apply(ca.keyReference().orElseThrow())))));
    }

    /** A change to a database account, as the audit trail names it. */
    public enum UserEvent {
        CREATE("user.create"), ALTER("user.alter"), DROP("user.drop"), LOCK("user.lock");

        private final String action;

        UserEvent(String action) {
            this.action = action;
        }

        public String action() {
            return action;
        }
    }

    /**
     * Records a database account change in the store, in one update: the audit event and the managed-user
     * record (what s2mtls set up, which SingleStore cannot report back). CREATE and ALTER record
     * {@code requirement} (an ALTER without grants keeps the grants recorded before, and both keep the
     * recorded credential); DROP forgets the account; LOCK leaves the record as it is. A CREATE is owned by
     * no policy (no apply ever drops it); an ALTER keeps the owner recorded before.
     *
     * @param certificate the certificate the change was about (a revocation), if any
     * @param detail      what was run, for the audit trail
     */
    public void recordUserChange(UserEvent event, UserAccount account, Optional<TlsRequirement> requirement,
                                 List<PrivilegeGrant> grants, Optional<InventoryEntry> certificate, String detail) {
        if ((event == UserEvent.CREATE || event == UserEvent.ALTER) && requirement.isEmpty()) {
            throw new IllegalArgumentException(event + " records the requirement that was set up");
        }
        Instant now = environment.clock().instant();
        String key = ManagedUsers.key(account);
        Optional<String> subject = certificate.map(InventoryEntry::subject).or(() -> requirement.flatMap(ManagedUsers::subject));
        AuditEvent audit = new AuditEvent(now, environment.actor(), event.action(), certificate.map(InventoryEntry::serialHex),
                subject, Optional.of(account.toString()), Optional.of(detail));
        StoreCommits.commit(environment.store(), current -> {
            Optional<ManagedUser> before = Optional.ofNullable(current.managedUsers().get(key));
            StoreBatch.Builder batch = StoreBatch.builder();
            switch (event) {
                case CREATE, ALTER -> batch.write(new StoreWrite.PutManagedUser(key, Optional.of(ManagedUsers.record(account, requirement.orElseThrow(),
                        event == UserEvent.ALTER && grants.isEmpty() ? before.map(ManagedUser::grants).orElse(List.of())
                                : grants.stream().map(PrivilegeGrant::toString).toList(),
                        before.flatMap(ManagedUser::credential), now,
                        event == UserEvent.ALTER ? before.flatMap(ManagedUser::policy) : Optional.empty())), before));
                case DROP -> before.ifPresent(user -> batch.write(new StoreWrite.PutManagedUser(key, Optional.empty(), before)));
                case LOCK -> {
                }
                default -> throw new IllegalArgumentException("unknown user event " + event);
            }
            batch.audit(audit);
            return new StoreCommits.Prepared<>(batch.build(), null);
        });
    }

    /** The audit trail, oldest first (read on demand; it costs the length of the trail). */
    public List<AuditEvent> audit() {
        return environment.store().recentAudit(Integer.MAX_VALUE);
    }

    /** The last {@code limit} events of the audit trail, oldest first; the cost does not grow with the trail. */
    public List<AuditEvent> audit(int limit) {
        if (limit < 0) {
            throw S2mtlsException.badInput("asked for the last " + limit + " audit events; give zero or more");
        }
        return environment.store().recentAudit(limit);
    }

    /** Valid entries that are each name's current certificate, in inventory order. */
    private static List<InventoryEntry> current(StoreIndex index) {
        return index.inventory().stream().filter(e -> e.status() == CertificateStatus.VALID)
                .filter(e -> index.credential(e.name()).map(c -> c.serial().equals(e.serial())).orElse(false))
                .toList();
    }

    /** A credential name (its current certificate) or a serial in hex (colons allowed). */
    static InventoryEntry resolve(StoreIndex index, String reference) {
        return new References(index).resolve(reference);
    }

    /**
     * Resolves references against one index: a credential name (its current certificate), a serial in hex
     * (colons allowed), or a name only the inventory knows (its latest certificate). Map look-ups; the map of
     * latest certificates by name is built once, on the first reference that needs it, so resolving many
     * references stays linear.
     */
    static final class References {
        private final StoreIndex index;
        private Map<String, InventoryEntry> latestByName;

        References(StoreIndex index) {
            this.index = index;
        }

        InventoryEntry resolve(String reference) {
            Optional<StoredCredential> credential = index.credential(reference);
            if (credential.isPresent()) {
                return index.entry(credential.get().serial()).orElseThrow(() -> S2mtlsException.badInput(
                        "credential '" + reference + "' has no inventory entry; the store is inconsistent"));
            }
            String hex = reference.replace(":", "").trim();
            if (hex.matches("[0-9A-Fa-f]{1,64}")) {
                Optional<InventoryEntry> bySerial = index.entry(new BigInteger(hex, 16));
                if (bySerial.isPresent()) {
                    return bySerial.get();
                }
            }
            InventoryEntry byName = latestByName().get(reference);
            if (byName != null) {
                return byName;
            }
            throw S2mtlsException.badInput("'" + reference + "' is neither a credential name nor a serial in "
                    + "the store's inventory; see 's2mtls cert list'");
        }

        private Map<String, InventoryEntry> latestByName() {
            if (latestByName == null) {
                latestByName = new HashMap<>();
                for (InventoryEntry entry : index.inventory()) {
                    InventoryEntry seen = latestByName.get(entry.name());
                    if (seen == null || entry.recordedAt().isAfter(seen.recordedAt())) {
                        latestByName.put(entry.name(), entry);
                    }
                }
            }
            return latestByName;
        }
    }

    static KeySpec sameKind(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            return bits > 3072 ? KeySpec.RSA_4096 : bits > 2048 ? KeySpec.RSA_3072 : KeySpec.RSA_2048;
        }
        if (key instanceof ECPublicKey ec) {
            return ec.getParams().getCurve().getField().getFieldSize() > 256 ? KeySpec.EC_P384 : KeySpec.EC_P256;
        }
        return KeySpec.ED25519;
    }

    private static List<SubjectAltName> alternativeNames(X509Certificate certificate) {
        List<SubjectAltName> names = new ArrayList<>();
        try {
            if (certificate.getSubjectAlternativeNames() != null) {
                for (List<?> name : certificate.getSubjectAlternativeNames()) {
                    int type = (Integer) name.get(0);
                    if (type == 2) {
                        names.add(new SubjectAltName(SubjectAltName.Type.DNS, String.valueOf(name.get(1))));
                    } else if (type == 7) {
                        names.add(new SubjectAltName(SubjectAltName.Type.IP, String.valueOf(name.get(1))));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw S2mtlsException.badInput("the certificate being renewed has unreadable alternative names", e);
        }
        return names;
    }
}
