package io.s2mtls.cli.command;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.cli.support.Secrets;
import io.s2mtls.cli.support.Session;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.usecase.AuthorityUseCase;
import io.s2mtls.core.x509.Pem;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** {@code s2mtls ca ...}: the certificate authority. */
@Command(name = "ca", description = "Create, import, show and export the certificate authority that signs client certificates.",
        subcommands = {CaCommands.Create.class, CaCommands.Import.class, CaCommands.Show.class, CaCommands.Export.class,
                io.s2mtls.cli.command.ca.CaCrlCommand.class})
public final class CaCommands {

    @Command(name = "create", description = {
            "Create the CA in the store: a new key and a self-signed certificate.",
            "Defaults: an RSA 4096 key, SHA-256 signatures, 3650 days of validity (see --key and --days).",
            "The server trusts it through ssl_ca_for_client_cert (see 'ca export')."},
            footer = {"", "Examples:",
                    "  s2mtls ca create --subject '/C=US/O=ExampleOrg/CN=Example-CA'",
                    "  s2mtls ca create --subject '/O=ExampleOrg/CN=DB CA' --key ec:p256 --days 1825",
                    "  s2mtls ca create --subject '/CN=Vault CA' --key vault-transit:s2mtls-ca --remote-key-type ec:p256 --store vault:secret/s2mtls"})
    public static final class Create extends BaseCommand {
        @Option(names = "--subject", required = true, paramLabel = "DN",
                description = "The CA's subject, in slash form (/C=US/O=Org/CN=Name) or RFC 2253 (CN=Name,O=Org,C=US).")
        String subject;
        @Option(names = "--key", defaultValue = "rsa:4096", paramLabel = "TYPE",
                description = "rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384, ed25519, or a remote key such as vault-transit:NAME (default: ${DEFAULT-VALUE}).")
        String key;
        @Option(names = "--days", defaultValue = "" + AuthorityUseCase.DEFAULT_DAYS, description = "Validity in days (default: ${DEFAULT-VALUE}).")
        int days;
        @Option(names = "--force", description = "Replace a CA the store already holds. Certificates it issued will no longer verify against the new CA.")
        boolean force;
        @Option(names = "--remote-key-type", paramLabel = "TYPE",
                description = "With a remote key (--key vault-transit:NAME): the type to create it as when it does not exist yet,"
                        + " and to expect when it does: rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384 (default: rsa:4096 for a new key,"
                        + " any type for an existing one).")
        String remoteKeyType;

        private final Provider<AuthorityUseCase> authority;
        private final Session session;

        @Inject
        Create(Printer printer, Provider<AuthorityUseCase> authority, Session session) {
            super(printer);
            this.authority = authority;
            this.session = session;
        }

        @Override
        protected int run() {
            session.allowStoreCreation();
            DistinguishedName dn = DistinguishedName.parse(subject);
            CaMaterial ca;
            if (key.contains(":") && !key.startsWith("rsa:") && !key.startsWith("ec:")) {
                String scheme = key.substring(0, key.indexOf(':'));
                session.remoteSigner(key, true, remoteKeyType == null ? "" : KeySpec.parse(remoteKeyType).label());
                ca = authority.get().createRemote(dn, key, days, force);
                printer.note("The CA key stays in " + scheme + " (" + key + "); only its certificate is in the store.");
            } else {
                ca = authority.get().create(dn, KeySpec.parse(key), days, force);
            }
            Views.CaView view = Views.CaView.of(ca, session.storeUri());
            printer.data(view, () -> {
                printer.line("Created CA " + view.certificate().subject());
                view.print(printer);
            });
            return OK;
        }
    }

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
    public static final class Import extends BaseCommand {
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

        private final Provider<AuthorityUseCase> authority;
        private final Session session;
        private final Secrets secrets;
        private final Console console;

        @Inject
        Import(Printer printer, Provider<AuthorityUseCase> authority, Session session, Secrets secrets, Console console) {
            super(printer);
            this.authority = authority;
            this.session = session;
            this.secrets = secrets;
            this.console = console;
        }

        @Override
        protected int run() {
            session.allowStoreCreation();
            Optional<AuthorityUseCase.ChainFile> chainFile = Optional.ofNullable(chain).map(console::path)
                    .map(file -> new AuthorityUseCase.ChainFile(Files2.read(file, "--chain"), file.toString()));
            CaMaterial ca;
            if (source.pkcs12 != null) {
                Path file = console.path(source.pkcs12);
                byte[] data = Files2.read(file, "--pkcs12");
                char[] password = secrets.optional(Optional.ofNullable(pkcs12PasswordFile), "--pkcs12-password-file", PKCS12_PASSWORD_ENV)
                        .or(() -> console.terminal().map(t -> t.readPassword("PKCS#12 password for %s: ", file)))
                        .orElseThrow(() -> S2mtlsException.badInput("--pkcs12 " + file + ": no password; pass --pkcs12-password-file FILE or set " + PKCS12_PASSWORD_ENV));
                ca = authority.get().importPkcs12(data, file.toString(), password, chainFile, force);
            } else {
                Path certFile = console.path(source.pem.cert);
                byte[] cert = Files2.read(certFile, "--cert");
                if (isReference(source.pem.key, console, session)) {
                    session.remoteSigner(source.pem.key, false, "");
                    ca = authority.get().importRemote(cert, certFile.toString(), source.pem.key, chainFile, force);
                } else {
                    Path keyFile = console.path(source.pem.key);
                    byte[] key = Files2.read(keyFile, "--key");
                    Optional<char[]> password = secrets.optional(Optional.ofNullable(keyPasswordFile), "--key-password-file", KEY_PASSWORD_ENV);
                    ca = authority.get().importPem(cert, certFile.toString(), key, keyFile.toString(), password, chainFile, force);
                }
            }
            Views.CaView view = Views.CaView.of(ca, session.storeUri());
            printer.data(view, () -> {
                printer.line("Imported CA " + view.certificate().subject());
                view.print(printer);
            });
            return OK;
        }

        /** SCHEME:NAME names a remote key when no such file exists and a plugin serves the scheme. */
        private static boolean isReference(String key, Console console, Session session) {
            int colon = key.indexOf(':');
            return colon > 0 && !java.nio.file.Files.exists(console.path(key))
                    && session.plugins().hasSigner(key.substring(0, colon));
        }
    }

    @Command(name = "show", description = "Show the CA held in the store.")
    public static final class Show extends BaseCommand {
        private final Provider<AuthorityUseCase> authority;
        private final Session session;

        @Inject
        Show(Printer printer, Provider<AuthorityUseCase> authority, Session session) {
            super(printer);
            this.authority = authority;
            this.session = session;
        }

        @Override
        protected int run() {
            Views.CaView view = Views.CaView.of(authority.get().show(), session.storeUri());
            printer.data(view, () -> view.print(printer));
            return OK;
        }
    }

    @Command(name = "export", description = {
            "Write the CA certificate (PEM), for the server's ssl_ca_for_client_cert and clients' --ssl-ca.",
            "An intermediate CA is followed by its chain, up to and including the root.",
            "Only certificates: the CA key never leaves the store."},
            footer = {"", "Example:", "  s2mtls ca export --out ca-cert.pem"})
    public static final class Export extends BaseCommand {
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write ca-cert.pem.")
        String out;
        @Option(names = "--force", description = "Overwrite the file if it exists.")
        boolean force;

        private final Provider<AuthorityUseCase> authority;
        private final Console console;

        @Inject
        Export(Printer printer, Provider<AuthorityUseCase> authority, Console console) {
            super(printer);
            this.authority = authority;
            this.console = console;
        }

        @Override
        protected int run() {
            Path file = console.path(out);
            Files2.refuseOverwrite(file, force);
            CaMaterial ca = authority.get().show();
            // an intermediate CA is followed by its chain, up to and including the root
            Files2.writePublic(file, ca.bundle().stream().map(Pem::certificate).collect(java.util.stream.Collectors.joining()), force);
            record Written(String file, String subject) {
            }
            Written written = new Written(file.toString(), io.s2mtls.core.x509.Certificates.subjectOf(ca.certificate()).oneline());
            printer.data(written, () -> printer.line("Wrote " + file));
            return OK;
        }
    }
}
