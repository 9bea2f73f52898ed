package io.s2mtls.cli.command.ca;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.x509.Pem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code s2mtls ca export}: the CA certificate (and its chain) to a PEM file. */
@Command(name = "export", description = {
        "Write the CA certificate (PEM), for the server's ssl_ca_for_client_cert and clients' --ssl-ca.",
        "An intermediate CA is followed by its chain, up to and including the root.",
        "Only certificates: the CA key never leaves the store."},
        footer = {"", "Example:", "  s2mtls ca export --out ca-cert.pem"})
public final class CaExportCommand extends BaseCommand {
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write ca-cert.pem.")
    String out;
    @Option(names = "--force", description = "Overwrite the file if it exists.")
    boolean force;

    @Override
    protected int run() {
        Path file = console().path(out);
        Files2.refuseOverwrite(file, force);
        CaMaterial ca = core().authority().show();
        // an intermediate CA is followed by its chain, up to and including the root
        Files2.writePublic(file, ca.bundle().stream().map(Pem::certificate).collect(java.util.stream.Collectors.joining()), force);
        record Written(String file, String subject) {
        }
        Written written = new Written(file.toString(), io.s2mtls.core.x509.Certificates.subjectOf(ca.certificate()).oneline());
        printer.data(written, () -> printer.line("Wrote " + file));
        return OK;
    }
}
