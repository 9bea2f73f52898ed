package io.s2mtls.cli.command.connect;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.command.db.ConnectionOptions;
import io.s2mtls.cli.command.db.DatabaseCommand;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.cli.support.Secrets;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.user.DatabaseTarget.ClientCertificate;
import io.s2mtls.core.port.MtlsLogin;
import io.s2mtls.core.usecase.InventoryUseCase;
import io.s2mtls.core.x509.Certificates;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/** {@code s2mtls connect}: prove a certificate-bound login works. */
@Command(name = "connect", header = "Log in with a client certificate and report user, TLS version and cipher.", sortOptions = false, description = {
        "Log in as a certificate-bound user and report who the server says we are (CURRENT_USER()), the TLS "
                + "version and the cipher. The key is handed to the driver in memory; nothing is written to disk. "
                + "--credential takes certificate and key from the store; --cert/--key from PEM files. TLS 1.2 and 1.3 "
                + "are offered. The server certificate is verified against --ca (default: the store's CA). Access "
                + "denied (exit 3) looks the same for a certificate that does not chain to the server's client CA and "
                + "for a subject that differs from the account's REQUIRE SUBJECT: run 's2mtls cert verify --ca <client "
                + "CA> cert.pem', then compare 's2mtls subject cert.pem' with 's2mtls user show NAME'."},
        footer = {"", "Examples:",
                "  s2mtls connect --jdbc-url jdbc:singlestore://db.example.com:3306/ --user app --credential app",
                "  s2mtls connect --user app --cert creds/app-cert.pem --key creds/app-key.pem --ca server-ca.pem --ssl-mode verify-full"})
public final class ConnectCommand extends DatabaseCommand {
    @Option(names = "--user", required = true, paramLabel = "NAME", order = 0, description = "The account to log in as.")
    String user;

    @ArgGroup(exclusive = true, multiplicity = "1", order = 1)
    Credential credential;

    static final class Credential {
        @Option(names = "--credential", paramLabel = "NAME", required = true, description = "A credential in the store (certificate and key).")
        String name;
        @ArgGroup(exclusive = false)
        Files files;
    }

    static final class Files {
        @Option(names = "--cert", paramLabel = "FILE", required = true, description = "The client certificate (PEM; intermediates may follow).")
        String cert;
        @Option(names = "--key", paramLabel = "FILE", required = true, description = "Its private key (PEM).")
        String key;
        @Option(names = "--key-password-file", paramLabel = "FILE", description = "The password of an encrypted --key.")
        String keyPasswordFile;
    }

    @Mixin
    ConnectionOptions connection;

    private final Databases databases;
    private final Provider<InventoryUseCase> inventory;
    private final Secrets secrets;

    @Inject
    ConnectCommand(Printer printer, Databases databases, Provider<InventoryUseCase> inventory, Secrets secrets) {
        super(printer);
        this.databases = databases;
        this.inventory = inventory;
        this.secrets = secrets;
    }

    /** What {@code connect --output json} writes. */
    record LoginView(String server, String user, String currentUser, String tlsVersion, String cipher) {
    }

    /** What can be said locally about the certificate offered, to tell a bad chain from a subject mismatch. */
    private String facts(X509Certificate offered) {
        String file = credential.name != null ? "the certificate of credential " + credential.name
                + " (write it with 's2mtls cert export " + credential.name + " --out-dir DIR')" : credential.files.cert;
        String validity;
        try {
            offered.checkValidity();
            validity = "it is within its validity dates";
        } catch (java.security.cert.CertificateExpiredException e) {
            validity = "it EXPIRED on " + offered.getNotAfter().toInstant();
        } catch (java.security.cert.CertificateNotYetValidException e) {
            validity = "it is NOT YET VALID (from " + offered.getNotBefore().toInstant() + ")";
        }
        return "Offered: " + file + ", subject '" + Certificates.subjectOf(offered).oneline() + "', issuer '"
                + Certificates.issuerOf(offered).oneline() + "'; " + validity + ". Compare the subject with 's2mtls user show " + user
                + "' and the issuer with the server's client CA";
    }

    /** The doctor command line for the same login, with the options given here (the URL's values redacted). */
    String doctorLine() {
        List<String> words = new java.util.ArrayList<>(List.of("s2mtls", "doctor", "--user", quoted(user)));
        if (credential.name != null) {
            words.addAll(List.of("--credential", quoted(credential.name)));
        } else {
            words.addAll(List.of("--cert", quoted(credential.files.cert), "--key", quoted(credential.files.key)));
            if (credential.files.keyPasswordFile != null) {
                words.addAll(List.of("--key-password-file", quoted(credential.files.keyPasswordFile)));
            }
        }
        if (connection.jdbcUrl() != null) {
            words.addAll(List.of("--jdbc-url", quoted(Databases.redacted(connection.jdbcUrl()))));
        }
        if (connection.ca() != null) {
            words.addAll(List.of("--ca", quoted(connection.ca())));
        }
        if (!"verify-ca".equalsIgnoreCase(connection.sslMode())) {
            words.addAll(List.of("--ssl-mode", quoted(connection.sslMode())));
        }
        return String.join(" ", words) + " (with the admin options, to read the account on the server)";
    }

    /** A word for a shell command line: as is when plain, else in single quotes. */
    static String quoted(String word) {
        return word.matches("[A-Za-z0-9_./:%=,@+-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    @Override
    protected int run() {
        String url = databases.jdbcUrl(connection);
        ClientCertificate certificate;
        if (credential.name != null) {
            InventoryUseCase.CredentialExport export = inventory.get().export(credential.name);
            certificate = new ClientCertificate(export.credential().certificate(), export.credential().privateKey()
                    .orElseThrow(() -> S2mtlsException.badInput("--credential " + credential.name + ": the store holds no key for it"
                            + " (it was signed from a CSR); use --cert FILE --key FILE")));
        } else {
            Optional<char[]> keyPassword = credential.files.keyPasswordFile == null ? Optional.empty()
                    : Optional.of(secrets.readFile(credential.files.keyPasswordFile, "--key-password-file"));
            certificate = databases.clientCertificate(credential.files.cert, "--cert", credential.files.key, "--key", keyPassword);
        }
        List<X509Certificate> serverCas = databases.serverCas(connection);
        MtlsLogin.LoginReport report;
        try {
            report = databases.login(connection, user, certificate, serverCas);
        } catch (S2mtlsException e) {
            if (e.kind() == ErrorKind.EXTERNAL) {
                String facts = e.getMessage().contains("access denied") ? ". " + facts(certificate.certificate()) : "";
                throw new S2mtlsException(ErrorKind.EXTERNAL, e.getMessage() + facts + ". To find out why, run: " + doctorLine(), e);
            }
            throw e;
        }
        LoginView view = new LoginView(Databases.hostAndPort(url), user, report.currentUser(), report.tlsVersion(), report.cipher());
        printer.data(view, () -> {
            printer.line("server:       " + view.server());
            printer.line("current user: " + view.currentUser());
            printer.line("tls version:  " + (view.tlsVersion().isEmpty() ? "(none)" : view.tlsVersion()));
            printer.line("cipher:       " + (view.cipher().isEmpty() ? "(none)" : view.cipher()));
        });
        return OK;
    }
}
