package io.s2mtls.core.usecase;

import io.s2mtls.core.doctor.Doctor;
import io.s2mtls.core.doctor.DoctorReport;
import io.s2mtls.core.doctor.DoctorRequest;
import io.s2mtls.core.doctor.PresentedCredential;
import io.s2mtls.core.doctor.TrustBundle;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.port.DoctorServer;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.Pem;

import java.security.cert.X509Certificate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Why can't this user log in? Gathers what the {@link Doctor} needs: the presented credential (from the store
 * or from files), the client CAs to check the chain against (the server's own bundle when it can be read,
 * and the store's CA), the store's record of the account and its inventory; then runs the checks at the
 * environment's clock against the server.
 */
public final class DoctorUseCase {
    private final Environment environment;

    DoctorUseCase(Environment environment) {
        this.environment = environment;
    }

    /**
     * What to diagnose: the account and either a credential stored under {@code storedCredential}, or {@code files}.
     */
    public record Request(UserAccount account, Optional<String> storedCredential, Optional<PresentedCredential.Files> files) {
        public Request {
            requireNonNull(account, "account is null");
            if (requireNonNull(storedCredential, "storedCredential is null").isPresent() == requireNonNull(files, "files is null").isPresent()) {
                throw new IllegalArgumentException("a stored credential or files, one of them");
            }
        }

        public static Request stored(UserAccount account, String credential) {
            return new Request(account, Optional.of(credential), Optional.empty());
        }

        public static Request files(UserAccount account, PresentedCredential.Files files) {
            return new Request(account, Optional.empty(), Optional.of(files));
        }
    }

    /** The report, and where the presented credential came from (for messages). */
    public record Diagnosis(DoctorReport report, String presented) {
    }

    /** Diagnoses against {@code server}. */
    public Diagnosis diagnose(Request request, DoctorServer server) {
        return diagnose(request, () -> server);
    }

    /**
     * Reads the store (a store that cannot be read is fatal only when the credential is to come from it; otherwise
     * a note says its CA and records are not used), resolves the presented credential, then asks {@code server}
     * (called once, after that) for its client CA bundle and runs the checks.
     */
    public Diagnosis diagnose(Request request, Supplier<? extends DoctorServer> server) {
        requireNonNull(request, "request is null");
        requireNonNull(server, "server is null");
        List<String> trustNotes = new ArrayList<>();
        Optional<StoreIndex> index = readStore(request, trustNotes);
        PresentedCredential credential = presented(request, index);
        DoctorServer doctorServer = requireNonNull(server.get(), "no doctor server");

        List<TrustBundle> trust = new ArrayList<>();
        DoctorServer.ClientCaBundle serverBundle = doctorServer.clientCaBundle();
        trustNotes.addAll(serverBundle.notes());
        if (!serverBundle.certificates().isEmpty()) {
            trust.add(new TrustBundle(serverBundle.source(), TrustBundle.Origin.SERVER, serverBundle.certificates()));
        }
        // the CA of the server's own certificate is not a client CA: never a candidate here
        index.flatMap(StoreIndex::authorities).ifPresent(cas -> trust.addAll(storeTrust(cas)));
        index.flatMap(i -> retiredIssuer(i, credential)).ifPresent(trustNotes::add);
        Optional<ManagedUser> recorded = index.flatMap(i -> Optional.ofNullable(i.managedUsers().get(ManagedUsers.key(request.account()))));
        DoctorReport report = new Doctor(environment.clock()).diagnose(new DoctorRequest(request.account(), credential, trust, trustNotes,
                recorded, index.map(i -> List.copyOf(i.inventory())).orElse(List.of())), doctorServer);
        return new Diagnosis(report, credential.source());
    }

    /**
     * What the store's CAs tell servers to trust, one bundle per CA (its certificate and chain) so the check names
     * the one the certificate chains to: the CA alone outside a rotation; during one, the issuing CA and the other
     * (next or previous) CA, each with its serial.
     */
    static List<TrustBundle> storeTrust(Authorities authorities) {
        if (authorities.phase() == RotationPhase.NONE) {
            CaCertificates ca = authorities.issuing();
            return List.of(new TrustBundle("the store's CA " + Certificates.subjectOf(ca.certificate()).oneline(), TrustBundle.Origin.STORE,
                    ca.bundle()));
        }
        String phase = "rotation " + authorities.phase().label();
        List<TrustBundle> trust = new ArrayList<>();
        trust.add(storeBundle(authorities.issuing(), "issuing, " + phase));
        authorities.next().ifPresent(next -> trust.add(storeBundle(next, "next, " + phase)));
        authorities.previous().ifPresent(previous -> trust.add(storeBundle(previous, "previous, " + phase)));
        return List.copyOf(trust);
    }

    private static TrustBundle storeBundle(CaCertificates ca, String role) {
        return new TrustBundle("the store's CA " + Certificates.subjectOf(ca.certificate()).oneline() + " (serial "
                + ca.serial().toString(16).toUpperCase(Locale.ROOT) + ", " + role + ")", TrustBundle.Origin.STORE, ca.bundle());
    }

    /**
     * A note when the store records the presented certificate as signed by a CA it no longer holds (a finished
     * rotation retired it, or the CA was replaced): why it does not chain, and the fix.
     */
    static Optional<String> retiredIssuer(StoreIndex index, PresentedCredential credential) {
        Optional<X509Certificate> certificate;
        if (credential instanceof PresentedCredential.Loaded loaded) {
            certificate = Optional.of(loaded.certificate());
        } else {
            PresentedCredential.Files files = (PresentedCredential.Files) credential;
            try {
                certificate = Optional.of(Pem.readCertificates(files.certificate(), files.source()).get(0));
            } catch (RuntimeException e) {
                certificate = Optional.empty(); // the doctor's first step reports an unreadable certificate
            }
        }
        if (certificate.isEmpty() || index.authorities().isEmpty()) {
            return Optional.empty();
        }
        InventoryEntry entry = index.entries().get(certificate.get().getSerialNumber());
        if (entry == null || entry.issuer().isEmpty()
                || !entry.sha256Fingerprint().equalsIgnoreCase(Certificates.sha256Fingerprint(certificate.get()))
                || InventoryUseCase.signingCa(index.authorities().get(), entry).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("the store records serial " + entry.serialHex() + " ('" + entry.name() + "') as signed by the CA with serial "
                + entry.issuer().get().toString(16).toUpperCase(Locale.ROOT) + ", which it no longer holds (a CA rotation retired it,"
                + " or the CA was replaced): renew it with 's2mtls cert renew " + entry.name() + "'");
    }

    private Optional<StoreIndex> readStore(Request request, List<String> notes) {
        try {
            return Optional.of(environment.store().index());
        } catch (S2mtlsException e) {
            if (request.storedCredential().isPresent()) {
                throw e;
            }
            notes.add("the store " + environment.store().describe() + " was not read (" + e.getMessage() + "): its CA and records are not used");
            return Optional.empty();
        }
    }

    private PresentedCredential presented(Request request, Optional<StoreIndex> index) {
        if (request.files().isPresent()) {
            return request.files().get();
        }
        String name = request.storedCredential().orElseThrow();
        Credential stored = environment.store().credential(name).orElseThrow(() -> S2mtlsException.badInput(
                "--credential: no credential named '" + name + "' in " + environment.store().describe() + "; see 's2mtls cert list'"));
        // the client presents its CA's intermediates (up to, not including, the root) after its certificate
        List<X509Certificate> intermediates = index.flatMap(i -> i.authorities()
                .flatMap(cas -> Optional.ofNullable(i.entries().get(stored.certificate().getSerialNumber()))
                        .flatMap(entry -> InventoryUseCase.signingCa(cas, entry))))
                .map(IssuedCertificate::clientChain).orElse(List.of());
        return new PresentedCredential.Loaded("credential " + name, stored.certificate(), intermediates, stored.privateKey());
    }
}
