package io.s2mtls.cli.command.doctor;

import io.s2mtls.cli.command.db.ConnectionOptions;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.x509.Pem;
import io.s2mtls.core.port.DoctorServer;
import io.s2mtls.core.user.DatabaseTarget.ClientCertificate;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.port.MtlsLogin;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.port.UserDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/** The doctor's view of the server: the administrative directory when it could be opened, and logins through the plugin. */
final class CliDoctorServer implements DoctorServer {
    private final Databases databases;
    private final ConnectionOptions connection;
    private final List<X509Certificate> serverCas;
    private final Optional<UserDirectory> directory;
    private final Optional<String> adminUnavailable;
    private final String where;

    CliDoctorServer(Databases databases, ConnectionOptions connection, List<X509Certificate> serverCas,
                    Optional<UserDirectory> directory, Optional<String> adminUnavailable, String where) {
        this.databases = databases;
        this.connection = connection;
        this.serverCas = serverCas;
        this.directory = directory;
        this.adminUnavailable = adminUnavailable;
        this.where = where;
    }

    @Override
    public String description() {
        return directory.map(d -> d.server().dialect() + " " + d.server().version() + " at ").orElse("") + where;
    }

    @Override
    public Optional<String> adminUnavailable() {
        return adminUnavailable;
    }

    @Override
    public Optional<DatabaseUser> show(UserAccount account) {
        return directory.orElseThrow().show(account);
    }

    @Override
    public List<UserAccount> accounts() {
        return directory.orElseThrow().list();
    }

    /** The bundle the server verifies client certificates with, when it names a file that is readable here. */
    @Override
    public ClientCaBundle clientCaBundle() {
        if (directory.isEmpty()) {
            return new ClientCaBundle("", List.of(), List.of());
        }
        Optional<String> file;
        try {
            file = directory.get().clientCaFile();
        } catch (S2mtlsException e) {
            return notThere("the server's client CA bundle could not be asked for: " + e.getMessage());
        }
        String variable = directory.get().server().dialect().equals("singlestore") ? "ssl_ca_for_client_cert" : "ssl_ca";
        if (file.isEmpty()) {
            return notThere("the server does not say which client CA bundle it uses (" + variable + ")");
        }
        Path path = Path.of(file.get());
        if (!Files.isReadable(path)) {
            return notThere("the server's client CA bundle is " + file.get() + " (" + variable + "), on the server: not readable here");
        }
        try {
            return new ClientCaBundle("the server's client CA bundle " + file.get() + " (" + variable + ")",
                    Pem.readCertificates(Files2.read(path, variable), path.toString()), List.of());
        } catch (S2mtlsException e) {
            return notThere("the server's client CA bundle " + file.get() + " is not readable as PEM: " + e.getMessage());
        }
    }

    private static ClientCaBundle notThere(String why) {
        return new ClientCaBundle("", List.of(), List.of(why));
    }

    @Override
    public MtlsLogin.LoginReport login(String user, ClientCertificate certificate) {
        return databases.login(connection, user, certificate, serverCas);
    }
}
