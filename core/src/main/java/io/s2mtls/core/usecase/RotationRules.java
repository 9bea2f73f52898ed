package io.s2mtls.core.usecase;

import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoredCredential;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.Pem;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The rules of a rotation read off a store's index: which credentials still need reissue, what each server bundle
 * must hold, and what the operator does next. Pure functions of the index and the time.
 */
final class RotationRules {
    /** How many credential names a refusal lists before it only counts. */
    static final int NAMED = 5;

    private RotationRules() {
    }

    /** A server's bundle file, parsed. */
    record ParsedBundle(String source, List<X509Certificate> certificates) {
    }

    static ParsedBundle parse(RotationUseCase.BundleFile file) {
        return new ParsedBundle(file.source(), Pem.readCertificates(file.data(), file.source()));
    }

    /** Whether {@code entry} still works: recorded as valid (not superseded or revoked) and not expired at {@code now}. */
    static boolean live(InventoryEntry entry, Instant now) {
        return entry.status() == CertificateStatus.VALID && entry.notAfter().isAfter(now);
    }

    /** The live entries the rotation still has to reissue (signed by the CA it retires); none outside a rotation. */
    static List<InventoryEntry> stillOnOld(StoreIndex index, Instant now) {
        return stillOnOld(index, index.authorities().orElseThrow(AuthorityUseCase::noAuthority), now);
    }

    /** As {@link #stillOnOld(StoreIndex, Instant)} with the CAs {@code authorities} (e.g. the ones a phase is about to store). */
    static List<InventoryEntry> stillOnOld(StoreIndex index, Authorities authorities, Instant now) {
        return index.inventory().stream().filter(entry -> live(entry, now) && authorities.onOldCa(entry)).toList();
    }

    /** Whether the store keeps the key of {@code entry} (it is its name's current credential): renewal can reissue it. */
    static boolean keyKept(StoreIndex index, InventoryEntry entry) {
        return index.credential(entry.name()).filter(c -> c.serial().equals(entry.serial())).map(StoredCredential::hasKey).orElse(false);
    }

    /** The live entries signed by the CA with serial {@code caSerial} (never counting an entry without a recorded issuer). */
    static List<InventoryEntry> signedBy(StoreIndex index, BigInteger caSerial, Instant now) {
        return index.inventory().stream()
                .filter(entry -> live(entry, now) && entry.issuer().equals(Optional.of(caSerial))).toList();
    }

    /** Up to {@link #NAMED} names, then how many more. */
    static String names(List<InventoryEntry> entries) {
        List<String> names = entries.stream().map(InventoryEntry::name).distinct().toList();
        String listed = names.stream().limit(NAMED).map(name -> "'" + name + "'").collect(Collectors.joining(", "));
        return names.size() > NAMED ? listed + " and " + (names.size() - NAMED) + " more" : listed;
    }

    /** The s2mtls command that comes next in {@code phase}. */
    static String nextCommand(RotationPhase phase) {
        return switch (phase) {
            case NONE -> "'s2mtls ca rotate begin' starts a rotation";
            case BEGUN -> "the next command is 's2mtls ca rotate switch' once every server trusts both CAs (or 's2mtls ca rotate rollback')";
            case SWITCHED -> "the next command is 's2mtls ca rotate finish' once 's2mtls cert renew --all' (or 'apply') has reissued"
                    + " every credential (or 's2mtls ca rotate rollback')";
        };
    }

    private static final String BUNDLE = "write the servers' CA bundle: s2mtls ca export --bundle --out FILE";
    private static final String POINT = "on every aggregator, point ssl_ca_for_client_cert at FILE";
    private static final String RELOAD = "on every aggregator, run SSL_RELOAD, or restart it (sdb-admin restart-node --all):"
            + " whether SSL_RELOAD re-reads ssl_ca_for_client_cert is unconfirmed";

    /** What the operator does on the servers in {@code phase}, in order. */
    static List<String> serverSteps(RotationPhase phase) {
        return switch (phase) {
            case NONE -> List.of(BUNDLE + " (it holds the issuing CA only; after a rotation the old CA is gone)",
                    POINT, RELOAD,
                    "check: s2mtls ca rotate status --bundle FILE reports the bundle ready (no CA it must not hold)",
                    "next: 's2mtls ca rotate begin' starts the next rotation");
            case BEGUN -> List.of(BUNDLE + " (it holds the current and the next CA)",
                    POINT, RELOAD,
                    "check: s2mtls ca rotate status --bundle FILE reports the bundle ready on every server",
                    "next: s2mtls ca rotate switch");
            case SWITCHED -> List.of("keep the bundle with both CAs on every aggregator (s2mtls ca export --bundle --out FILE writes it again)",
                    "reissue every credential under the new CA: s2mtls cert renew --all (or s2mtls apply), and give each client its new files",
                    "check: s2mtls ca rotate status shows no credential still on the old CA",
                    "next: s2mtls ca rotate finish, then write the bundle again (new CA only), point ssl_ca_for_client_cert at it"
                            + " and run SSL_RELOAD or restart on every aggregator");
        };
    }

    /** Where the rotation stands in {@code index} at {@code now}, with each given bundle checked. */
    static RotationStatus status(StoreIndex index, List<ParsedBundle> bundles, Instant now) {
        Authorities authorities = index.authorities().orElseThrow(AuthorityUseCase::noAuthority);
        List<RotationStatus.CredentialState> credentials = new ArrayList<>();
        for (StoredCredential credential : index.credentials().values()) {
            Optional<InventoryEntry> current = index.entry(credential.serial());
            if (current.isEmpty()) {
                continue;
            }
            InventoryEntry entry = current.get();
            boolean onOld = authorities.onOldCa(entry);
            credentials.add(new RotationStatus.CredentialState(credential.name(), entry.serial(),
                    entry.issuer().orElse(authorities.old().serial()), onOld, entry.status(), entry.notAfter(),
                    !(live(entry, now) && onOld)));
        }
        List<X509Certificate> needed = authorities.trustBundle();
        List<RotationStatus.BundleState> bundleStates = new ArrayList<>();
        for (ParsedBundle bundle : bundles) {
            List<String> missing = needed.stream().filter(c -> !contains(bundle.certificates(), c)).map(RotationRules::describe).toList();
            List<String> extra = bundle.certificates().stream().filter(c -> !contains(needed, c)).map(RotationRules::describe).toList();
            boolean ready = missing.isEmpty() && (authorities.phase() != RotationPhase.NONE || extra.isEmpty());
            bundleStates.add(new RotationStatus.BundleState(bundle.source(), ready, missing, extra));
        }
        return new RotationStatus(authorities.phase(), authorities, credentials, bundleStates, stillOnOld(index, now).size(),
                serverSteps(authorities.phase()));
    }

    private static boolean contains(List<X509Certificate> certificates, X509Certificate wanted) {
        byte[] der = AuthorityUseCase.der(wanted);
        return certificates.stream().anyMatch(c -> Arrays.equals(AuthorityUseCase.der(c), der));
    }

    /** {@code 'subject' serial HEX}. */
    static String describe(X509Certificate certificate) {
        return "'" + Certificates.subjectOf(certificate).oneline() + "' serial " + AuthorityUseCase.hex(certificate);
    }
}
