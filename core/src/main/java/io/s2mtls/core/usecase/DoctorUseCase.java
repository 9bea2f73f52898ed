package io.s2mtls.core.usecase;

import io.s2mtls.core.doctor.Doctor;
import io.s2mtls.core.doctor.DoctorReport;
import io.s2mtls.core.doctor.DoctorRequest;
import io.s2mtls.core.doctor.PresentedCredential;
import io.s2mtls.core.doctor.TrustBundle;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.port.DoctorServer;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.x509.Certificates;

import java.util.ArrayList;
import java.util.List;
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
        PresentedCredential credential = presented(request);
        DoctorServer doctorServer = requireNonNull(server.get(), "no doctor server");

        List<TrustBundle> trust = new ArrayList<>();
        DoctorServer.ClientCaBundle serverBundle = doctorServer.clientCaBundle();
        trustNotes.addAll(serverBundle.notes());
        if (!serverBundle.certificates().isEmpty()) {
            trust.add(new TrustBundle(serverBundle.source(), TrustBundle.Origin.SERVER, serverBundle.certificates()));
        }
        // the CA of the server's own certificate is not a client CA: never a candidate here
        index.flatMap(StoreIndex::authority).ifPresent(ca -> trust.add(new TrustBundle("the store's CA "
                + Certificates.subjectOf(ca.certificate()).oneline(), TrustBundle.Origin.STORE, ca.bundle())));
        Optional<ManagedUser> recorded = index.flatMap(i -> Optional.ofNullable(i.managedUsers().get(ManagedUsers.key(request.account()))));
        DoctorReport report = new Doctor(environment.clock()).diagnose(new DoctorRequest(request.account(), credential, trust, trustNotes,
                recorded, index.map(i -> List.copyOf(i.inventory())).orElse(List.of())), doctorServer);
        return new Diagnosis(report, credential.source());
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

    private PresentedCredential presented(Request request) {
        if (request.files().isPresent()) {
            return request.files().get();
        }
        String name = request.storedCredential().orElseThrow();
        Credential stored = environment.store().credential(name).orElseThrow(() -> S2mtlsException.badInput(
                "--credential: no credential named '" + name + "' in " + environment.store().describe() + "; see 's2mtls cert list'"));
        return new PresentedCredential.Loaded("credential " + name, stored.certificate(), List.of(), stored.privateKey());
    }
}
