package io.s2mtls.cli.command.user;

import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.dn.SubjectProblem;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.Pem;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** The TLS requirement of {@code user create} and {@code user alter}: exactly one of four options. */
public final class RequirementOptions {
    @Option(names = "--x509", order = 20, description = "REQUIRE X509: any client certificate that chains to the server's client CA.")
    boolean x509;

    @Option(names = "--subject", paramLabel = "DN", order = 21,
            description = "REQUIRE SUBJECT for this subject, slash form (/O=Org/CN=app) or RFC 2253 (CN=app,O=Org).")
    String subject;

    @Option(names = "--from-cert", paramLabel = "FILE", order = 22,
            description = "REQUIRE SUBJECT taken from this certificate's own subject, byte for byte as the server compares it.")
    String fromCert;

    @Option(names = "--ssl", order = 23,
            description = "REQUIRE SSL: an encrypted connection, no certificate (the account has no password either).")
    boolean ssl;

    /** The requirement; refuses empty, ambiguous or unmatchable subjects unless {@code allowUnsafe}. */
    TlsRequirement requirement(Console console, Printer printer, boolean allowUnsafe) {
        if (x509) {
            return TlsRequirement.x509();
        }
        if (ssl) {
            printer.note("warning: REQUIRE SSL binds no certificate: anyone with a TLS connection can log in to an account"
                    + " without a password; prefer --from-cert or --x509");
            return TlsRequirement.ssl();
        }
        DistinguishedName name;
        String source;
        if (subject != null) {
            name = DistinguishedName.parse(subject);
            source = "--subject";
        } else {
            Path path = console.path(fromCert);
            name = Certificates.subjectOf(Pem.readCertificates(Files2.read(path, "--from-cert"), path.toString()).get(0));
            source = "--from-cert " + path;
        }
        List<SubjectProblem> problems = name.problems();
        String reasons = String.join("; ", problems.stream().map(SubjectProblem::message).toList());
        boolean empty = problems.stream().anyMatch(p -> p.kind() == SubjectProblem.Kind.EMPTY);
        if (empty) {
            throw S2mtlsException.badInput(source + ": " + reasons);
        }
        if (!problems.isEmpty() && !allowUnsafe) {
            throw S2mtlsException.badInput(source + ": " + reasons + " (pass --allow-unsafe-subject to bind it anyway)");
        }
        if (!problems.isEmpty()) {
            printer.note("warning: " + reasons);
        }
        boolean ambiguous = problems.stream().anyMatch(p -> p.kind() == SubjectProblem.Kind.AMBIGUOUS);
        return new TlsRequirement.Subject(name.oneline(), ambiguous);
    }
}
