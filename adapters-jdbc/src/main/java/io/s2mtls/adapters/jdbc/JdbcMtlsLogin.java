package io.s2mtls.adapters.jdbc;

import io.s2mtls.core.user.DatabaseTarget;
import io.s2mtls.core.port.MtlsLogin;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Logs in once and asks the server who we are and how the connection is protected. */
final class JdbcMtlsLogin implements MtlsLogin {

    @Override
    public LoginReport login(DatabaseTarget target) {
        try (Connection connection = JdbcConnector.connect(target); Statement statement = connection.createStatement()) {
            String currentUser;
            try (ResultSet row = statement.executeQuery("SELECT CURRENT_USER()")) {
                row.next();
                currentUser = row.getString(1);
            }
            return new LoginReport(currentUser, status(statement, "Ssl_version"), status(statement, "Ssl_cipher"));
        } catch (SQLException e) {
            throw JdbcConnector.failure(e, target, "ask who we are");
        }
    }

    private static String status(Statement statement, String name) throws SQLException {
        try (ResultSet row = statement.executeQuery("SHOW SESSION STATUS LIKE '" + name + "'")) {
            return row.next() && row.getString(2) != null ? row.getString(2) : "";
        }
    }
}
