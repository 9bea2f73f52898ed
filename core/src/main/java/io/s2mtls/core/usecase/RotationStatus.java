package io.s2mtls.core.usecase;

import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.x509.Certificates;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Where a CA rotation stands and what each part of the fleet still needs before the next phase.
 *
 * @param phase        the phase after the command
 * @param authorities  every CA the store holds
 * @param credentials  every named credential: which CA signed it, and whether it is ready for the next phase
 * @param bundles      each server bundle file the operator gave, and whether it holds what the phase needs
 * @param stillOnOld   how many credentials that are neither expired nor revoked are still signed by the old CA
 * @param serverSteps  what the operator must do on the servers for this phase, in order (one line each)
 */
public record RotationStatus(RotationPhase phase, Authorities authorities, List<CredentialState> credentials,
                             List<BundleState> bundles, int stillOnOld, List<String> serverSteps) {
    public RotationStatus {
        requireNonNull(phase, "phase is null");
        requireNonNull(authorities, "authorities is null");
        credentials = List.copyOf(credentials);
        bundles = List.copyOf(bundles);
        serverSteps = List.copyOf(serverSteps);
    }

    /**
     * Warnings about the CAs themselves: an intermediate (issuing, or next in the rotation) whose validity ends with
     * its root's, because an intermediate cannot outlive the root that signed it. Every rotation under that root
     * ends there too, so the root must be replaced before that date.
     */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        List<CaCertificates> cas = new ArrayList<>(List.of(authorities.issuing()));
        authorities.next().ifPresent(cas::add);
        for (CaCertificates ca : cas) {
            if (ca.chain().isEmpty()) {
                continue;
            }
            X509Certificate root = ca.chain().get(ca.chain().size() - 1);
            if (!ca.certificate().getNotAfter().before(root.getNotAfter())) {
                warnings.add("the CA '" + Certificates.subjectOf(ca.certificate()).oneline() + "' ends with its root '"
                        + Certificates.subjectOf(root).oneline() + "' on " + root.getNotAfter().toInstant()
                        + ": no intermediate under this root can be valid past that date; replace the root before then");
            }
        }
        return List.copyOf(warnings);
    }

    /** One named credential during a rotation. {@code onOldCa}: signed by the CA being retired; {@code ready}: nothing to do for the next phase. */
    public record CredentialState(String name, BigInteger serial, BigInteger issuerSerial, boolean onOldCa,
                                  CertificateStatus status, Instant notAfter, boolean ready) {
        public CredentialState {
            requireNonNull(name, "name is null");
            requireNonNull(serial, "serial is null");
            requireNonNull(issuerSerial, "issuerSerial is null");
            requireNonNull(status, "status is null");
            requireNonNull(notAfter, "notAfter is null");
        }
    }

    /** A server bundle file: whether it holds every CA certificate the phase needs ({@code missing}) and none it must not ({@code extra}). */
    public record BundleState(String source, boolean ready, List<String> missing, List<String> extra) {
        public BundleState {
            requireNonNull(source, "source is null");
            missing = List.copyOf(missing);
            extra = List.copyOf(extra);
        }
    }
}
