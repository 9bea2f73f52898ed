package io.s2mtls.cli.command.ca.rotate;

import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.usecase.RotationStatus;
import io.s2mtls.core.x509.Certificates;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;

/**
 * How every {@code ca rotate} command prints a {@link RotationStatus}: the phase, the CAs (the one being
 * retired, the one taking over, the root above an intermediate), the credential counts, each server bundle
 * file given, the server-side steps of the phase and the next command. Text for people; with
 * {@code --output json} the {@link Json} record.
 */
final class RotationView {
    /** How many credentials still to reissue the text lists by name. */
    private static final int LISTED = 20;

    private RotationView() {
    }

    /** A CA as a rotation shows it; {@code keyLocation}: "in the store", a key reference, or "offline" (a root whose key the store does not hold). */
    record CaSummary(String subject, String serial, String notAfter, String sha256, String keyLocation) {
        static CaSummary of(X509Certificate certificate, String keyLocation) {
            return new CaSummary(Certificates.subjectOf(certificate).oneline(), hex(certificate.getSerialNumber()),
                    certificate.getNotAfter().toInstant().toString(), Certificates.sha256Fingerprint(certificate), keyLocation);
        }

        static CaSummary of(CaCertificates ca) {
            return of(ca.certificate(), ca.keyReference().orElse("in the store"));
        }
    }

    /** The CAs: {@code current} issues now; {@code old} is retired by finish, {@code next} takes over (null outside a rotation). */
    record CasView(CaSummary current, CaSummary old, CaSummary next, CaSummary root) {
    }

    /**
     * @param total      the named credentials of the store
     * @param stillOnOld how many that are neither expired nor revoked the old CA signed (what finish waits for)
     * @param ready      how many need nothing more for the next phase
     */
    record CountsView(int total, int stillOnOld, int ready) {
    }

    record CredentialView(String name, String serial, String issuerSerial, boolean onOldCa, String status, String notAfter, boolean ready) {
    }

    record BundleView(String file, boolean ready, List<String> missing, List<String> extra) {
    }

    /**
     * {@code --output json} of every {@code ca rotate} command.
     *
     * @param action      what the command did: begin, switch, finish, rollback, or status
     * @param phase       none, begun or switched (after the command)
     * @param ready       whether the next phase may go ahead ({@link #readyForNextPhase})
     * @param serverSteps what to do on the servers now, in order
     * @param next        the command of the next phase (null when no rotation runs)
     * @param warnings    what the operator should know about the CAs themselves (an intermediate that ends with its root)
     */
    record Json(String action, String phase, CasView authorities, CountsView credentials, List<CredentialView> credentialStates,
                List<BundleView> bundles, boolean ready, List<String> serverSteps, String next, List<String> warnings) {
    }

    static Json json(String action, RotationStatus status) {
        Authorities authorities = status.authorities();
        CaSummary current = CaSummary.of(authorities.issuing());
        CaSummary old = status.phase() == RotationPhase.NONE ? null : CaSummary.of(authorities.old());
        CaSummary next = authorities.next().map(CaSummary::of).orElse(status.phase() == RotationPhase.SWITCHED ? current : null);
        List<CredentialView> credentials = status.credentials().stream().map(c -> new CredentialView(c.name(), hex(c.serial()),
                hex(c.issuerSerial()), c.onOldCa(), c.status().name().toLowerCase(Locale.ROOT), c.notAfter().toString(), c.ready())).toList();
        int ready = (int) status.credentials().stream().filter(RotationStatus.CredentialState::ready).count();
        List<BundleView> bundles = status.bundles().stream().map(b -> new BundleView(b.source(), b.ready(), b.missing(), b.extra())).toList();
        boolean allReady = readyForNextPhase(status);
        return new Json(action, status.phase().label(), new CasView(current, old, next, root(authorities)),
                new CountsView(status.credentials().size(), status.stillOnOld(), ready), credentials, bundles, allReady,
                status.serverSteps(), nextCommand(status.phase()), status.warnings());
    }

    /**
     * Whether the next phase may go ahead: every given bundle holds what the phase needs, and once switched no
     * credential that is neither expired nor revoked is still signed by the old CA (before the switch the old CA
     * still issues, so its credentials hold nothing up).
     */
    static boolean readyForNextPhase(RotationStatus status) {
        return status.bundles().stream().allMatch(RotationStatus.BundleState::ready)
                && (status.phase() != RotationPhase.SWITCHED || status.stillOnOld() == 0);
    }

    /** The root above an intermediate: with its key in the store (or at a reference), or offline; null for a root CA. */
    private static CaSummary root(Authorities authorities) {
        if (authorities.root().isPresent()) {
            return CaSummary.of(authorities.root().get());
        }
        List<X509Certificate> chain = authorities.issuing().chain();
        return chain.isEmpty() ? null : CaSummary.of(chain.get(chain.size() - 1), "offline (not in the store)");
    }

    static String nextCommand(RotationPhase phase) {
        return switch (phase) {
            case NONE -> null;
            case BEGUN -> "s2mtls ca rotate switch";
            case SWITCHED -> "s2mtls ca rotate finish";
        };
    }

    /** Prints {@code status} after {@code headline} (text), or as {@link Json}. */
    static void print(Printer printer, String action, String headline, RotationStatus status) {
        Json json = json(action, status);
        printer.data(json, () -> {
            printer.line(headline);
            printer.line("phase:        " + json.phase());
            CasView cas = json.authorities();
            if (cas.old() == null) {
                printer.line("CA:           " + describe(cas.current()) + " (issues)");
            } else {
                printer.line("old CA:       " + describe(cas.old()) + (json.phase().equals("begun") ? " (issues until the switch)" : " (retired by finish)"));
                printer.line("new CA:       " + describe(cas.next()) + (json.phase().equals("begun") ? " (issues after the switch)" : " (issues)"));
            }
            if (cas.root() != null) {
                printer.line("root:         " + cas.root().subject() + "  serial " + cas.root().serial() + "  key " + cas.root().keyLocation());
            }
            CountsView counts = json.credentials();
            printer.line("credentials:  " + counts.total() + " named, " + counts.stillOnOld() + " still signed by the old CA (neither expired nor revoked)");
            if (status.phase() == RotationPhase.SWITCHED) {
                List<CredentialView> pending = json.credentialStates().stream().filter(c -> !c.ready()).toList();
                pending.stream().limit(LISTED).forEach(c -> printer.line("  to reissue: " + c.name() + "  serial " + c.serial()
                        + "  (s2mtls cert renew " + c.name() + ")"));
                if (pending.size() > LISTED) {
                    printer.line("  ... and " + (pending.size() - LISTED) + " more (--output json lists them all; s2mtls cert renew --rotation reissues them)");
                }
            }
            for (BundleView bundle : json.bundles()) {
                printer.line("bundle:       " + bundle.file() + ": " + (bundle.ready() ? "ready"
                        : "not ready" + (bundle.missing().isEmpty() ? "" : "; missing " + String.join(", ", bundle.missing()))
                        + (bundle.extra().isEmpty() ? "" : "; must no longer hold " + String.join(", ", bundle.extra()))));
            }
            json.warnings().forEach(warning -> printer.line("warning:      " + warning));
            if (!json.serverSteps().isEmpty()) {
                printer.line("");
                printer.line("On the servers:");
                for (int i = 0; i < json.serverSteps().size(); i++) {
                    printer.line("  " + (i + 1) + ". " + json.serverSteps().get(i));
                }
            }
            if (json.next() != null && json.serverSteps().stream().noneMatch(step -> step.contains(json.next()))) {
                printer.line("");
                printer.line("Next: " + json.next() + (json.ready() ? "" : " (once the above is done)"));
            }
        });
    }

    private static String describe(CaSummary ca) {
        return ca.subject() + "  serial " + ca.serial() + "  until " + ca.notAfter();
    }

    static String hex(BigInteger serial) {
        return serial.toString(16).toUpperCase(Locale.ROOT);
    }
}
