package io.s2mtls.cli.command.csr;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.usecase.IssuanceUseCase;
import io.s2mtls.core.x509.Pem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code s2mtls csr create}: a private key and a CSR for it. */
@Command(name = "create", header = "Generate a private key and a CSR for it.", description = {
        "Generate a private key and a CSR for it. The key file is written 0600 and is never printed.",
        "The default key is RSA 2048; choose another with --key."},
        footer = {"", "Example:",
                "  s2mtls csr create --subject '/C=US/O=ExampleOrg/OU=Client/CN=client.example.com' \\",
                "      --key-out client-key.pem --out client-req.pem"})
public final class CsrCreateCommand extends BaseCommand {
    @Option(names = "--subject", required = true, paramLabel = "DN", description = "The subject, in slash form or RFC 2253.")
    String subject;
    @Option(names = "--key", defaultValue = "rsa:2048", paramLabel = "TYPE", description = "rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384, ed25519 (default: ${DEFAULT-VALUE}).")
    String key;
    @Option(names = "--key-out", required = true, paramLabel = "FILE", description = "Where to write the private key (PKCS#8 PEM, mode 0600).")
    String keyOut;
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the CSR (PEM).")
    String out;
    @Option(names = "--force", description = "Overwrite existing files.")
    boolean force;
    @Option(names = "--allow-unsafe-subject", description = "Allow a subject a server cannot tell apart from another.")
    boolean allowUnsafeSubject;

    @Override
    protected int run() {
        Path keyFile = console().path(keyOut);
        Path csrFile = console().path(out);
        Files2.refuseOverwrite(keyFile, force);
        Files2.refuseOverwrite(csrFile, force);
        DistinguishedName dn = DistinguishedName.parse(subject);
        IssuanceUseCase.KeyAndRequest made = core().issuance().createRequest(dn, KeySpec.parse(key), allowUnsafeSubject);
        Files2.writeSecret(keyFile, Pem.privateKey(made.privateKey()), force);
        Files2.writePublic(csrFile, made.request().pem(), force);
        record Made(String subject, String key, String csr) {
        }
        Made result = new Made(dn.oneline(), keyFile.toString(), csrFile.toString());
        printer.data(result, () -> printer.line("Wrote " + keyFile + " (0600) and " + csrFile + " for " + dn.oneline()));
        return OK;
    }
}
