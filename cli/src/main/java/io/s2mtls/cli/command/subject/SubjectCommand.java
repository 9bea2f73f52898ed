package io.s2mtls.cli.command.subject;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.dn.SubjectProblem;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.x509.Pem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;

/** {@code s2mtls subject FILE}: the subject string exactly as the server compares it. */
@Command(name = "subject", header = "Print a certificate's subject exactly as the server compares it (REQUIRE SUBJECT).", description = {
        "Print a certificate's subject exactly as the server compares it for REQUIRE SUBJECT: OpenSSL 3's",
        "oneline form, i.e. 'openssl x509 -noout -subject -nameopt compat' without 'subject='.",
        "--sql prints it as the SQL string literal, with each backslash doubled and quotes escaped.",
        "Warnings about subjects a server cannot tell apart from another go to standard error."},
        footer = {"", "Examples:",
                "  s2mtls subject client-cert.pem",
                "  echo \"CREATE USER 's2user'@'%%' REQUIRE SUBJECT $(s2mtls subject --sql client-cert.pem);\""})
public final class SubjectCommand extends BaseCommand {
    @Parameters(paramLabel = "FILE", description = "A certificate or CSR (PEM, TRUSTED CERTIFICATE or DER), as openssl reads it.")
    String file;
    @Option(names = "--sql", description = "Print the SQL string literal for REQUIRE SUBJECT.")
    boolean sql;
    @Option(names = "--openssl11", description = "Print the OpenSSL 1.1 rendering used by older MySQL/MariaDB builds.")
    boolean openssl11;

    record SubjectView(String subject, String sql, String openssl11, List<String> problems) {
    }

    @Override
    protected int run() {
        Path path = console().path(file);
        byte[] data = Files2.read(path, "FILE");
        // read from the ASN.1 structure alone: the subject never depends on understanding the key
        DistinguishedName subject = Pem.readSubject(data, path.toString());
        if (sql && openssl11) {
            throw S2mtlsException.badInput("--sql and --openssl11 cannot be combined");
        }
        List<String> problems = subject.problems().stream().map(SubjectProblem::message).toList();
        SubjectView view = new SubjectView(subject.oneline(), subject.sqlLiteral(), subject.onelineOpenSsl11(), problems);
        printer.data(view, () -> {
            printer.line(sql ? view.sql() : openssl11 ? view.openssl11() : view.subject());
            problems.forEach(p -> printer.note("warning: " + p));
        });
        return OK;
    }
}
