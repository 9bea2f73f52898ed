package io.s2mtls.cli.command.ca;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.Pem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Collectors;

/** {@code s2mtls ca export}: the CA certificate (and its chain), or the servers' trust bundle, to a PEM file. */
@Command(name = "export", description = {
        "Write the CA certificate (PEM), for the server's ssl_ca_for_client_cert and clients' --ssl-ca.",
        "An intermediate CA is followed by its chain, up to and including the root.",
        "With --bundle: every CA certificate the servers must trust now (ssl_ca_for_client_cert): during a CA",
        "rotation both CAs, each with its chain, each certificate once; outside a rotation the same as without it.",
        "Deploy it after 'ca rotate begin' and after 'ca rotate finish' (see 'ca rotate status --bundle FILE').",
        "Only certificates: no CA key ever leaves the store. The file is written atomically (a temporary file renamed)."},
        footer = {"", "Examples:", "  s2mtls ca export --out ca-cert.pem",
                "  s2mtls ca export --bundle --out ca-bundle.pem --force"})
public final class CaExportCommand extends BaseCommand {
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write ca-cert.pem (or the bundle).")
    String out;
    @Option(names = "--bundle", description = "Write the trust bundle for the servers: both CAs during a rotation.")
    boolean bundle;
    @Option(names = "--force", description = "Overwrite the file if it exists.")
    boolean force;

    /** {@code certificates}: the subjects written, in order. */
    record Written(String file, String subject, List<String> certificates) {
    }

    @Override
    protected int run() {
        Path file = console().path(out);
        Files2.refuseOverwrite(file, force);
        Authorities authorities = core().authority().authorities();
        List<X509Certificate> certificates = bundle ? authorities.trustBundle() : authorities.issuing().bundle();
        Files2.writePublic(file, certificates.stream().map(Pem::certificate).collect(Collectors.joining()), force);
        Written written = new Written(file.toString(), Certificates.subjectOf(authorities.issuing().certificate()).oneline(),
                certificates.stream().map(c -> Certificates.subjectOf(c).oneline()).toList());
        printer.data(written, () -> printer.line("Wrote " + file + (bundle ? " (" + certificates.size() + (certificates.size() == 1 ? " CA certificate: " : " CA certificates: ")
                + String.join("; ", written.certificates()) + ")" : "")));
        return OK;
    }
}
