package io.s2mtls.cli.command.cert;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.command.Views;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.usecase.IssuedCertificate;
import io.s2mtls.core.x509.Pem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** {@code s2mtls cert sign}: a certificate for a CSR, its subject kept byte for byte. */
@Command(name = "sign", header = "Sign a CSR, keeping its subject exactly as the requester made it.", description = {
        "Sign a CSR (the client made its own key). The subject is kept exactly as the CSR has it (its DER),",
        "so the server compares the same string the requester saw. The CSR's signature must verify.",
        "The certificate is recorded in the store's inventory."},
        footer = {"", "Example:", "  s2mtls cert sign --csr client-req.pem --out client-cert.pem"})
public final class CertSignCommand extends BaseCommand {
    @Option(names = "--csr", required = true, paramLabel = "FILE", description = "The PKCS#10 request (PEM or DER).")
    String csr;
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the certificate (PEM).")
    String out;
    @Option(names = "--days", defaultValue = "365", description = "Validity in days (default: ${DEFAULT-VALUE}).")
    int days;
    @Option(names = "--name", paramLabel = "NAME", description = "Inventory name (default: the CN made file-safe).")
    String name;
    @Option(names = "--server", description = "Sign a server certificate (serverAuth).")
    boolean server;
    @Option(names = "--force", description = "Overwrite --out if it exists.")
    boolean force;
    @Option(names = "--allow-unsafe-subject", description = "Sign even a subject a server cannot tell apart from another.")
    boolean allowUnsafeSubject;

    @Override
    protected int run() {
        Path csrFile = console().path(csr);
        Path outFile = console().path(out);
        byte[] request = Files2.read(csrFile, "--csr");
        Files2.refuseOverwrite(outFile, force);
        IssuedCertificate issued = core().issuance().sign(request, csrFile.toString(), days,
                server ? CertificateProfile.SERVER : CertificateProfile.CLIENT, Optional.ofNullable(name), allowUnsafeSubject);
        Files2.writePublic(outFile, Pem.certificate(issued.certificate()), force);
        CertIssueCommand.IssuedView view = new CertIssueCommand.IssuedView(issued.name(), Views.hex(issued.certificate()), issued.entry().subject(),
                issued.entry().notAfter().toString(), null);
        printer.data(view, () -> printer.line("Signed " + issued.entry().subject() + "  serial " + view.serial()
                + "  until " + view.notAfter() + "  -> " + outFile));
        return OK;
    }
}
