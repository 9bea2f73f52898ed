package io.s2mtls.cli.command.doctor;

import io.s2mtls.cli.command.db.ConnectionOptions;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.core.port.DoctorServer;
import io.s2mtls.core.user.DatabaseTarget.ClientCertificate;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.port.MtlsLogin;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.port.UserDirectory;

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

    @Override
    public MtlsLogin.LoginReport login(String user, ClientCertificate certificate) {
        return databases.login(connection, user, certificate, serverCas);
    }
}
