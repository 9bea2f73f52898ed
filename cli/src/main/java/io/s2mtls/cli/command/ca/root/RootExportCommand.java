package io.s2mtls.cli.command.ca.root;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.Pkcs12Files;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Optional;

/** {@code s2mtls ca root export}: the root CA with its key, to a password-protected PKCS#12 file. */
@Command(name = "export", header = "Write the root CA and its key to a password-protected PKCS#12 file.", description = {
        "Write the root CA's key and certificate to a PKCS#12 file (mode 0600; keys and certificates encrypted",
        "with AES-256-CBC under PBKDF2-HMAC-SHA256, integrity by HMAC-SHA256), for keeping offline. The key is",
        "never printed. The password comes from --password-file, else env " + RootExportCommand.ROOT_PASSWORD_ENV
                + ", else a prompt",
        "(typed twice); at least " + RootExportCommand.MIN_PASSWORD + " characters. An existing file is not overwritten"
                + " without --force.",
        "The export is recorded in the audit trail; 'ca root remove' then takes the key out of the store.",
        "Refused (exit 2) when the store holds no root key (a root CA alone is exported with 'ca export')."},
        footer = {"", "Examples:",
                "  s2mtls ca root export --out root.p12 --password-file root.pass",
                "  openssl pkcs12 -info -noout -in root.p12 -passin file:root.pass"})
public final class RootExportCommand extends BaseCommand {
    /** The password of a root PKCS#12 file, for export and for 'ca rotate begin --root-file'. */
    public static final String ROOT_PASSWORD_ENV = "S2MTLS_ROOT_PASSWORD";
    static final int MIN_PASSWORD = 12;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the PKCS#12 file (mode 0600).")
    String out;
    @Option(names = "--password-file", paramLabel = "FILE", description = "The file's password (else env " + ROOT_PASSWORD_ENV + ", else a prompt).")
    String passwordFile;
    @Option(names = "--force", description = "Overwrite the file if it exists.")
    boolean force;

    record Written(String file, String subject, String serial, String sha256) {
    }

    @Override
    protected int run() {
        Path file = console().path(out);
        Files2.refuseOverwrite(file, force);
        char[] password = password();
        try {
            if (password.length < MIN_PASSWORD) {
                throw S2mtlsException.badInput("the root file's password is shorter than " + MIN_PASSWORD
                        + " characters; choose a longer one (--password-file FILE or " + ROOT_PASSWORD_ENV + ")");
            }
            // the file is written before the export is recorded: a failed write records nothing
            CaMaterial root = core().authority().exportRoot(material -> {
                PrivateKey key = material.privateKey().orElseThrow(() -> S2mtlsException.badInput("the root key is held at "
                        + material.keyReference().orElse("a remote signer") + ", not in the store: there is no key to export"
                        + " ('ca root remove' forgets the reference)"));
                Files2.write(file, Pkcs12Files.write("s2mtls-root", key, material.bundle(), password), true, force);
            });
            Written written = new Written(file.toString(), Certificates.subjectOf(root.certificate()).oneline(),
                    root.certificate().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT),
                    Certificates.sha256Fingerprint(root.certificate()));
            printer.data(written, () -> {
                printer.line("Wrote the root CA " + written.subject() + " with its key to " + file + " (mode 0600).");
                printer.line("Keep it offline, with its password apart from it. Next: s2mtls ca root remove");
            });
            return OK;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private char[] password() {
        Optional<char[]> given = secrets().optional(Optional.ofNullable(passwordFile), "--password-file", ROOT_PASSWORD_ENV);
        if (given.isPresent()) {
            return given.get();
        }
        if (console().terminal().isPresent()) {
            java.io.Console terminal = console().terminal().get();
            char[] first = terminal.readPassword("Password for %s: ", out);
            char[] second = terminal.readPassword("Password for %s again: ", out);
            boolean same = first != null && second != null && Arrays.equals(first, second);
            if (second != null) {
                Arrays.fill(second, '\0');
            }
            if (!same) {
                throw S2mtlsException.badInput("the two passwords typed differ; nothing was written, try again");
            }
            return first;
        }
        throw S2mtlsException.badInput("no password for " + out + ": pass --password-file FILE, set " + ROOT_PASSWORD_ENV
                + ", or run on a terminal to be prompted");
    }
}
