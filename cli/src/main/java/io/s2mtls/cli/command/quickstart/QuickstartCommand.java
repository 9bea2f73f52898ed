package io.s2mtls.cli.command.quickstart;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.command.CredentialFiles;
import io.s2mtls.cli.command.serverconfig.ServerConfigCommand;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.cli.support.Secrets;
import io.s2mtls.cli.support.Session;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.VerificationResult;
import io.s2mtls.core.usecase.IssuedCertificate;
import io.s2mtls.core.usecase.QuickstartUseCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** {@code s2mtls quickstart}: the manual openssl procedure in one command, with what to do next. */
@Command(name = "quickstart", header = "The manual openssl procedure in one command: CA, client certificate, server steps, SQL, connect lines.", description = {
        "What a CA and a client certificate made by hand with openssl takes, in one command: create a CA, issue a",
        "client certificate, verify it, and print the flags to go on using the store, how to give the server its",
        "own certificate, the server configuration line (ssl_ca_for_client_cert), the CREATE USER statements for",
        "REQUIRE X509 and REQUIRE SUBJECT, and the singlestore, mariadb/mysql and JDBC lines to connect to",
        "--host and --port. Everything goes into DIR, including the store (unless --store is given). Without",
        "S2MTLS_STORE_PASSWORD or --store-password-file, a random store password is generated into",
        "DIR/store-password.txt (mode 0600)."},
        footer = {"", "Examples:", "  s2mtls quickstart",
                "  s2mtls quickstart --dir /tmp/mtls --user app --key ec:p256 --host db1.example.com --port 3306"})
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
    @Option(names = "--key", defaultValue = "rsa:2048", paramLabel = "TYPE", description = "The client key type (default: ${DEFAULT-VALUE}); the CA is RSA 4096, as the manual openssl procedure makes it.")
    String key;
    @Option(names = "--host", defaultValue = "localhost", paramLabel = "HOST", description = "The server in the printed connect lines (default: ${DEFAULT-VALUE}).")
    String host;
    @Option(names = "--port", defaultValue = "3306", paramLabel = "PORT", description = "The server's port in the printed connect lines (default: ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--server-ca", paramLabel = "FILE", description = "The CA of the server's certificate, for --ssl-ca in the connect lines"
            + " (default: the CA made here, for a server certificate issued from it as printed).")
    String serverCa;
    @Option(names = "--force", description = "Start over in a DIR that already has a quickstart.")
    boolean force;

    record Result(String directory, String store, String passwordFile, String caCertificate, String clientCertificate,
                  String clientKey, String clientPkcs12, String clientPkcs12PasswordFile, String subject, String verify, String serverConfig,
                  String createUserX509, String createUserSubject, String singlestoreCommand, String jdbcUrl,
                  String storeFlags, String host, int port, String serverCa, String serverCertificateCommand, String serverConfigCommand,
                  String clientCaNote, List<String> reloadNotes, String mariadbCommand) {
    }

    @Override
    protected int run() {
        String trustedByClient = null;
        if (port < 1 || port > 65535) {
            throw S2mtlsException.badInput("--port " + port + ": not a TCP port; give 1 to 65535");
        }
        if (host.isBlank() || host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/' || c == '?' || c == '&')) {
            throw S2mtlsException.badInput("--host '" + host + "': not a host name or address; give e.g. db1.example.com or 10.0.0.5");
        }
        if (serverCa != null) {
            Path given = console().path(serverCa);
            if (!Files.isRegularFile(given)) {
                throw S2mtlsException.badInput("--server-ca " + serverCa + ": no such file; give the CA certificate (PEM) that signed the server's certificate");
            }
            trustedByClient = given.toString();
        }
        session().allowStoreCreation();
        Path directory = console().path(dir);
        Files2.createDirectory(directory);
        if (options().store().isEmpty() && console().env(Session.STORE_ENV).isEmpty()) {
            Path storeFile = directory.resolve("s2mtls.p12");
            if (Files.exists(storeFile) && !force) {
                throw S2mtlsException.badInput(directory + ": already holds a quickstart (s2mtls.p12); pass --force to start over or choose another --dir");
            }
            if (force) {
                deleteQuietly(storeFile);
            }
            options().store("pkcs12:" + storeFile);
        }
        String passwordFile = null;
        if (options().storePasswordFile().isEmpty() && console().env(Secrets.STORE_PASSWORD_ENV).isEmpty()) {
            Path file = directory.resolve("store-password.txt");
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            Files2.writeSecret(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n", force);
            options().storePasswordFile(file.toString());
            passwordFile = file.toString();
            printer.note("Generated a store password in " + file + " (mode 0600). Keep it: the store needs it.");
        }
        DistinguishedName caName = DistinguishedName.parse(caSubject);
        DistinguishedName clientName = DistinguishedName.parse(subject);
        KeySpec clientKey = KeySpec.parse(key);
        String name = "client";
        CredentialFiles.checkWritableForNewCa(directory, name, force);
        QuickstartUseCase.Started started = core().quickstart().start(new QuickstartUseCase.Request(caName, clientName, clientKey, name, force));
        CaMaterial ca = started.ca();
        IssuedCertificate issued = started.client();
        VerificationResult check = started.check();
        // the client's .p12 has a random password of its own (client.p12.pass), never the store password
        CredentialFiles.Written files = CredentialFiles.write(directory, name, issued.certificate(), issued.privateKey(),
                ca.certificate(), Optional.empty(), force);
        DistinguishedName issuedSubject = io.s2mtls.core.x509.Certificates.subjectOf(issued.certificate());
        if (trustedByClient == null) {
            trustedByClient = files.caCertificate();
        }
        String userLiteral = "'" + user.replace("\\", "\\\\").replace("'", "\\'") + "'@'%'";
        String storeFlags = storeFlags(passwordFile);
        String s2mtls = "s2mtls " + storeFlags;
        String serverDir = directory.resolve("server").toString();
        String serverCertificate = s2mtls + " cert issue --server --subject " + shellArg("/CN=" + host) + " --san " + sans(host)
                + " --name db-server --out-dir " + shellArg(serverDir);
        String serverConfig = s2mtls + " server-config --credential db-server";
        String protocol = host.equals("localhost") ? " --protocol=TCP" : "";
        String connect = " -h " + shellArg(host) + " -P " + port + protocol + " -u " + shellArg(user);
        String tls = " --ssl-ca=" + shellArg(trustedByClient) + " --ssl-cert=" + shellArg(files.certificate()) + " --ssl-key=" + shellArg(files.key());
        Result result = new Result(directory.toString(), session().storeUri(), passwordFile, files.caCertificate(), files.certificate(),
                files.key(), files.pkcs12(), files.pkcs12PasswordFile(), issuedSubject.oneline(), files.certificate() + ": " + check.describe(),
                "ssl_ca_for_client_cert = " + files.caCertificate(),
                "CREATE USER " + userLiteral + " REQUIRE X509;",
                "CREATE USER " + userLiteral + " REQUIRE SUBJECT " + issuedSubject.sqlLiteral() + ";",
                "singlestore" + connect + " --ssl-mode=VERIFY_CA" + tls,
                "jdbc:singlestore://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/?user=" + user
                        + "&sslMode=verify-ca&serverSslCert=" + trustedByClient
                        + "&keyStore=file://" + files.pkcs12() + "&keyStoreType=PKCS12&keyStorePassword=<the password in "
                        + files.pkcs12PasswordFile() + ">",
                storeFlags, host, port, trustedByClient, serverCertificate, serverConfig,
                "ssl_ca_for_client_cert points at the CA that signed the client certificates: " + files.caCertificate()
                        + " (copy it to the server; server-config names it ca-cert.pem in its --dir)",
                List.of(ServerConfigCommand.RELOAD_CERT_AND_KEY, ServerConfigCommand.RELOAD_CLIENT_CA),
                "mariadb" + connect + " --ssl --ssl-verify-server-cert" + tls);
        printer.data(result, () -> {
            printer.line("CA:          " + caName.oneline() + " (RSA 4096, 3650 days) in " + result.store());
            printer.line("Client:      " + result.subject());
            printer.line("Files:       " + String.join(", ", files.key(), files.certificate(), files.pkcs12(), files.pkcs12PasswordFile(),
                    files.caCertificate()));
            printer.line("Verify:      " + result.verify());
            printer.line("");
            printer.line("# 0. To go on using this store, give every s2mtls command these flags:");
            printer.line(result.storeFlags());
            printer.line("");
            printer.line("# 1. The server's own certificate (its TLS identity), issued from this CA; put every name and address");
            printer.line("#    clients use in --san. Then print its configuration (ssl_cert, ssl_key, ssl_ca_for_client_cert):");
            printer.line(result.serverCertificateCommand());
            printer.line(result.serverConfigCommand());
            printer.line("");
            printer.line("# 2. Server (memsql.cnf on every aggregator): " + result.clientCaNote());
            printer.line(result.serverConfig());
            result.reloadNotes().forEach(n -> printer.line("# " + n));
            printer.line("");
            printer.line("# 3. A user that needs any certificate from this CA:");
            printer.line(result.createUserX509());
            printer.line("# ... or one that needs exactly this subject (string literal already escaped for SQL):");
            printer.line(result.createUserSubject());
            printer.line("");
            printer.line("# 4. Connect (--ssl-ca is the CA of the SERVER's certificate: " + result.serverCa() + ").");
            printer.line("#    SingleStore client:");
            printer.line(result.singlestoreCommand());
            printer.line("#    MariaDB client (mariadb, or the mysql it installs), which has no --ssl-mode; Oracle's MySQL 8 client takes");
            printer.line("#    the SingleStore line's TLS flags instead:");
            printer.line(result.mariadbCommand());
            printer.line("#    JDBC; " + files.pkcs12() + " opens with its own password, in " + files.pkcs12PasswordFile() + " (not the store password):");
            printer.line(result.jdbcUrl());
        });
        return OK;
    }

    /** The global flags that reach the store just used, as a shell would take them. */
    private String storeFlags(String generatedPasswordFile) {
        StringBuilder flags = new StringBuilder("--store " + shellArg(session().storeUri()));
        if (generatedPasswordFile != null) {
            flags.append(" --store-password-file ").append(shellArg(generatedPasswordFile));
        } else if (options().storePasswordFile().isPresent()) {
            flags.append(" --store-password-file ").append(shellArg(console().path(options().storePasswordFile().get()).toString()));
        }
        // otherwise the password comes from S2MTLS_STORE_PASSWORD, as it did here
        return flags.toString();
    }

    /** The names in the server certificate: the host, and for localhost also its address. */
    static String sans(String host) {
        if (host.equals("localhost")) {
            return "DNS:localhost,IP:127.0.0.1";
        }
        boolean address = host.contains(":") || host.matches("[0-9.]+");
        return (address ? "IP:" : "DNS:") + host;
    }

    /** A word for a POSIX shell: as is when it has only safe characters, else in single quotes. */
    static String shellArg(String value) {
        if (!value.isEmpty() && value.matches("[A-Za-z0-9_./:=@%+,-]+")) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
            throw S2mtlsException.badInput(file + ": cannot remove for --force (" + e.getMessage() + ")", e);
        }
    }
}
