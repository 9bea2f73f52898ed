package io.s2mtls.cli.command.ca;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.command.Views;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.usecase.AuthorityUseCase;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** {@code s2mtls ca import}: an existing CA (PEM files, PKCS#12 or a remote key) into the store. */
@Command(name = "import", header = "Bring an existing CA (PEM files or PKCS#12) into the store.", description = {
        "Bring an existing CA into the store: a PEM certificate with its key (PKCS#1, SEC1, PKCS#8,",
        "encrypted PKCS#8), or a PKCS#12 file. The key must match the certificate, the certificate must",
        "be a CA that can sign client certificates (basicConstraints CA:TRUE, keyCertSign when it has a",
        "keyUsage, clientAuth or anyExtendedKeyUsage when it has an extendedKeyUsage), currently valid, with",
        "an RSA (2048+ bits, exponent 65537), EC P-256/P-384/P-521 or Ed25519 key. An intermediate CA needs",
        "--chain: the certificates above it up to and including the root, which 'ca export' then writes too."},
        footer = {"", "Examples:",
                "  s2mtls ca import --cert ca-cert.pem --key ca-key.pem",
                "  s2mtls ca import --cert intermediate-cert.pem --key intermediate-key.pem --chain root-cert.pem",
                "  s2mtls ca import --cert ca-cert.pem --key ca-key.enc.pem --key-password-file ca-key.pass",
                "  S2MTLS_PKCS12_PASSWORD=... s2mtls ca import --pkcs12 ca.p12",
                "  s2mtls ca import --cert ca-cert.pem --key vault-transit:s2mtls-ca --store vault:secret/s2mtls"})
public final class CaImportCommand extends BaseCommand {
    static final String PKCS12_PASSWORD_ENV = "S2MTLS_PKCS12_PASSWORD";
    static final String KEY_PASSWORD_ENV = "S2MTLS_KEY_PASSWORD";

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @ArgGroup(exclusive = false)
        PemFiles pem;
        @Option(names = "--pkcs12", paramLabel = "FILE", description = "A PKCS#12 file with the CA key and certificate.")
        String pkcs12;
    }

    static final class PemFiles {
        @Option(names = "--cert", required = true, paramLabel = "FILE", description = "The CA certificate (PEM).")
        String cert;
        @Option(names = "--key", required = true, paramLabel = "FILE|REF",
                description = "The CA private key (PEM), or a remote key reference such as vault-transit:NAME.")
        String key;
    }

    @Option(names = "--key-password-file", paramLabel = "FILE", description = "Password of an encrypted key (else env " + KEY_PASSWORD_ENV + ").")
    String keyPasswordFile;
    @Option(names = "--pkcs12-password-file", paramLabel = "FILE", description = "Password of the PKCS#12 file (else env " + PKCS12_PASSWORD_ENV + ", else a prompt).")
    String pkcs12PasswordFile;
    @Option(names = "--chain", paramLabel = "FILE",
            description = "For an intermediate CA: the certificates above it (PEM), up to and including the root.")
    String chain;
    @Option(names = "--force", description = "Replace a CA the store already holds.")
    boolean force;

    @Override
    protected int run() {
        session().allowStoreCreation();
        Optional<AuthorityUseCase.ChainFile> chainFile = Optional.ofNullable(chain).map(console()::path)
                .map(file -> new AuthorityUseCase.ChainFile(Files2.read(file, "--chain"), file.toString()));
        AuthorityUseCase.ImportSource from;
        if (source.pkcs12 != null) {
            Path file = console().path(source.pkcs12);
            byte[] data = Files2.read(file, "--pkcs12");
            char[] password = secrets().optional(Optional.ofNullable(pkcs12PasswordFile), "--pkcs12-password-file", PKCS12_PASSWORD_ENV)
                    .or(() -> console().terminal().map(t -> t.readPassword("PKCS#12 password for %s: ", file)))
                    .orElseThrow(() -> S2mtlsException.badInput("--pkcs12 " + file + ": no password; pass --pkcs12-password-file FILE or set " + PKCS12_PASSWORD_ENV));
            from = new AuthorityUseCase.Pkcs12File(data, file.toString(), password);
        } else {
            Path certFile = console().path(source.pem.cert);
            byte[] cert = Files2.read(certFile, "--cert");
            if (isReference(source.pem.key)) {
                session().remoteSigner(source.pem.key, false, "");
                from = new AuthorityUseCase.RemoteKey(cert, certFile.toString(), source.pem.key);
            } else {
                Path keyFile = console().path(source.pem.key);
                byte[] key = Files2.read(keyFile, "--key");
                Optional<char[]> password = secrets().optional(Optional.ofNullable(keyPasswordFile), "--key-password-file", KEY_PASSWORD_ENV);
                from = new AuthorityUseCase.PemFiles(cert, certFile.toString(), key, keyFile.toString(), password);
            }
        }
        CaMaterial ca = core().authority().importCa(new AuthorityUseCase.ImportRequest(from, chainFile, force));
        Views.CaView view = Views.CaView.of(ca, session().storeUri());
        printer.data(view, () -> {
            printer.line("Imported CA " + view.certificate().subject());
            view.print(printer);
        });
        return OK;
    }

    /** SCHEME:NAME names a remote key when no such file exists and a plugin serves the scheme. */
    private boolean isReference(String key) {
        int colon = key.indexOf(':');
        return colon > 0 && !java.nio.file.Files.exists(console().path(key))
                && session().plugins().hasSigner(key.substring(0, colon));
    }
}
