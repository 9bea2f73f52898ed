package io.s2mtls.cli.command.cert;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.command.CredentialFiles;
import io.s2mtls.cli.command.P12PasswordOption;
import io.s2mtls.core.usecase.InventoryUseCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@code s2mtls cert export}: a stored credential's files. */
@Command(name = "export", header = "Write a stored credential's key, certificate, .p12 and CA files.", description = {
        "Write a stored credential's files: NAME-key.pem (0600), NAME-cert.pem, NAME.p12 (0600) and ca-cert.pem.",
        "Under an intermediate CA, NAME-cert.pem and NAME.p12 carry the intermediate(s) after the certificate (not the root).",
        "NAME.p12 never carries the store password: it takes --p12-password-file (or S2MTLS_P12_PASSWORD),",
        "else a random password of its own, written to NAME.p12.pass (0600)."},
        footer = {"", "Example:", "  s2mtls cert export app_reader --out-dir creds"})
public final class CertExportCommand extends BaseCommand {
    @Parameters(paramLabel = "NAME", description = "The credential's name in the store.")
    String name;
    @Option(names = "--out-dir", required = true, paramLabel = "DIR", description = "Where to write the files.")
    String outDir;
    @Mixin
    P12PasswordOption p12Password;
    @Option(names = "--force", description = "Overwrite existing files.")
    boolean force;

    @Override
    protected int run() {
        InventoryUseCase.CredentialExport export = core().inventory().export(name);
        Path directory = console().path(outDir);
        boolean withKey = export.credential().privateKey().isPresent();
        Optional<char[]> p12 = withKey ? p12Password.password(secrets()) : Optional.empty();
        CredentialFiles.checkWritable(directory, name, withKey, force, export.caCertificate(), p12);
        CredentialFiles.Written written = CredentialFiles.write(directory, name, export.credential().certificate(),
                export.credential().privateKey(), true, export.caCertificate(), p12, force);
        printer.data(written, () -> printer.line("Wrote " + name + " to " + directory + ": " + String.join(", ", written.fileNames())));
        CredentialFiles.noteP12Passwords(printer, List.of(written));
        return OK;
    }
}
