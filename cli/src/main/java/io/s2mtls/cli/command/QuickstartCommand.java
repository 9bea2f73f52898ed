package io.s2mtls.cli.command;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.cli.support.GlobalOptions;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.cli.support.Secrets;
import io.s2mtls.cli.support.Session;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.VerificationResult;
import io.s2mtls.core.usecase.AuthorityUseCase;
import io.s2mtls.core.usecase.IssueCommand;
import io.s2mtls.core.usecase.IssuanceUseCase;
import io.s2mtls.core.usecase.IssuedCertificate;
import io.s2mtls.core.usecase.VerificationUseCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** {@code s2mtls quickstart}: the whole seed procedure in one command. */
@Command(name = "quickstart", header = "The seed procedure in one command: CA, client certificate, server line, SQL, connect lines.", description = {
        "The seed procedure in one command: create a CA, issue a client certificate, verify it, and print",
        "the server configuration line, the CREATE USER statements for REQUIRE X509 and REQUIRE SUBJECT,",
        "and the singlestore and JDBC lines to connect. Everything goes into DIR, including the store",
        "(unless --store is given). Without S2MTLS_STORE_PASSWORD or --store-password-file, a random",
        "store password is generated into DIR/store-password.txt (mode 0600)."},
        footer = {"", "Examples:", "  s2mtls quickstart", "  s2mtls quickstart --dir /tmp/mtls --user app --key ec:p256"})
public final class QuickstartCommand extends BaseCommand {
    static final String SEED_CA_SUBJECT = "/C=US/ST=CA/L=SanFrancisco/O=ExampleOrg/OU=IT/CN=Example-CA";
    static final String SEED_CLIENT_SUBJECT = "/C=US/ST=CA/L=SanFrancisco/O=ExampleOrg/OU=Client/CN=client.example.com";

    @Option(names = "--dir", defaultValue = "s2mtls-quickstart", paramLabel = "DIR", description = "Where to put everything (default: ${DEFAULT-VALUE}).")
    String dir;
    @Option(names = "--user", defaultValue = "s2user", paramLabel = "NAME", description = "The database user in the printed SQL (default: ${DEFAULT-VALUE}).")
    String user;
    @Option(names = "--ca-subject", defaultValue = SEED_CA_SUBJECT, paramLabel = "DN", description = "Default: ${DEFAULT-VALUE}.")
    String caSubject;
    @Option(names = "--subject", defaultValue = SEED_CLIENT_SUBJECT, paramLabel = "DN", description = "The client's subject (default: ${DEFAULT-VALUE}).")
    String subject;
    @Option(names = "--key", defaultValue = "rsa:2048", paramLabel = "TYPE", description = "The client key type (default: ${DEFAULT-VALUE}); the CA is RSA 4096 as in the seed.")
    String key;
    @Option(names = "--host", defaultValue = "localhost", paramLabel = "HOST", description = "The server in the printed connect lines (default: ${DEFAULT-VALUE}).")
    String host;
    @Option(names = "--force", description = "Start over in a DIR that already has a quickstart.")
    boolean force;

    private final Console console;
    private final GlobalOptions options;
    private final Session session;
    private final Provider<AuthorityUseCase> authority;
    private final Provider<IssuanceUseCase> issuance;
    private final Provider<VerificationUseCase> verification;

    @Inject
    QuickstartCommand(Printer printer, Console console, GlobalOptions options, Session session, Provider<AuthorityUseCase> authority,
                      Provider<IssuanceUseCase> issuance, Provider<VerificationUseCase> verification) {
        super(printer);
        this.console = console;
        this.options = options;
        this.session = session;
        this.authority = authority;
        this.issuance = issuance;
        this.verification = verification;
    }

    record Result(String directory, String store, String passwordFile, String caCertificate, String clientCertificate,
                  String clientKey, String clientPkcs12, String clientPkcs12PasswordFile, String subject, String verify, String serverConfig,
                  String createUserX509, String createUserSubject, String singlestoreCommand, String jdbcUrl) {
    }

    @Override
    protected int run() {
        session.allowStoreCreation();
        Path directory = console.path(dir);
        Files2.createDirectory(directory);
        if (options.store().isEmpty() && console.env(Session.STORE_ENV).isEmpty()) {
            Path storeFile = directory.resolve("s2mtls.p12");
            if (Files.exists(storeFile) && !force) {
                throw S2mtlsException.badInput(directory + ": already holds a quickstart (s2mtls.p12); pass --force to start over or choose another --dir");
            }
            if (force) {
                deleteQuietly(storeFile);
            }
            options.store("pkcs12:" + storeFile);
        }
        String passwordFile = null;
        if (options.storePasswordFile().isEmpty() && console.env(Secrets.STORE_PASSWORD_ENV).isEmpty()) {
            Path file = directory.resolve("store-password.txt");
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            Files2.writeSecret(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n", force);
            options.storePasswordFile(file.toString());
            passwordFile = file.toString();
            printer.note("Generated a store password in " + file + " (mode 0600). Keep it: the store needs it.");
        }
        DistinguishedName caName = DistinguishedName.parse(caSubject);
        DistinguishedName clientName = DistinguishedName.parse(subject);
        String name = "client";
        CaMaterial ca = authority.get().create(caName, AuthorityUseCase.DEFAULT_KEY, AuthorityUseCase.DEFAULT_DAYS, force);
        CredentialFiles.checkWritable(directory, name, true, force, ca.certificate(), Optional.empty());
        IssuedCertificate issued = issuance.get().issue(IssueCommand.client(clientName).withKey(KeySpec.parse(key)).withName(name)
                .withReplace(force));
        // the client's .p12 has a random password of its own (client.p12.pass), never the store password
        CredentialFiles.Written files = CredentialFiles.write(directory, name, issued.certificate(), issued.privateKey(),
                ca.certificate(), Optional.empty(), force);
        VerificationResult check = verification.get().verify(issued.certificate(), List.of(ca.certificate()), true);
        if (!check.isOk()) {
            throw S2mtlsException.internal("the certificate just issued does not verify: " + check.describe(), null);
        }
        DistinguishedName issuedSubject = io.s2mtls.core.x509.Certificates.subjectOf(issued.certificate());
        String userLiteral = "'" + user.replace("\\", "\\\\").replace("'", "\\'") + "'@'%'";
        Result result = new Result(directory.toString(), session.storeUri(), passwordFile, files.caCertificate(), files.certificate(),
                files.key(), files.pkcs12(), files.pkcs12PasswordFile(), issuedSubject.oneline(), files.certificate() + ": " + check.describe(),
                "ssl_ca_for_client_cert = " + files.caCertificate(),
                "CREATE USER " + userLiteral + " REQUIRE X509;",
                "CREATE USER " + userLiteral + " REQUIRE SUBJECT " + issuedSubject.sqlLiteral() + ";",
                "singlestore -u " + user + " -h " + host + " --ssl-mode=VERIFY_CA --ssl-ca=" + files.caCertificate()
                        + " --ssl-cert=" + files.certificate() + " --ssl-key=" + files.key(),
                "jdbc:singlestore://" + host + ":3306/?user=" + user + "&sslMode=verify-ca&serverSslCert=" + files.caCertificate()
                        + "&keyStore=file://" + files.pkcs12() + "&keyStoreType=PKCS12&keyStorePassword=<the password in "
                        + files.pkcs12PasswordFile() + ">");
        printer.data(result, () -> {
            printer.line("CA:          " + caName.oneline() + " (RSA 4096, 3650 days) in " + result.store());
            printer.line("Client:      " + result.subject());
            printer.line("Files:       " + String.join(", ", files.key(), files.certificate(), files.pkcs12(), files.pkcs12PasswordFile(),
                    files.caCertificate()));
            printer.line("Verify:      " + result.verify());
            printer.line("");
            printer.line("# 1. Server (memsql.cnf on every aggregator; restart or SSL_RELOAD afterwards):");
            printer.line(result.serverConfig());
            printer.line("");
            printer.line("# 2. A user that needs any certificate from this CA:");
            printer.line(result.createUserX509());
            printer.line("# ... or one that needs exactly this subject (string literal already escaped for SQL):");
            printer.line(result.createUserSubject());
            printer.line("");
            printer.line("# 3. Connect (--ssl-ca is the CA of the SERVER's certificate; here we assume it is this CA):");
            printer.line(result.singlestoreCommand());
            printer.line("# " + files.pkcs12() + " opens with its own password, in " + files.pkcs12PasswordFile() + " (not the store password):");
            printer.line(result.jdbcUrl());
        });
        return OK;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
            throw S2mtlsException.badInput(file + ": cannot remove for --force (" + e.getMessage() + ")", e);
        }
    }
}
