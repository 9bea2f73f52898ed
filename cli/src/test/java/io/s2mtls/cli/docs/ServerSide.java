package io.s2mtls.cli.docs;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.sql.ResultSet;
import java.util.stream.Stream;

/**
 * What a page's {@code # (server) install DIR} line stands for on the test's MariaDB: the operator copies
 * the server certificate and key that {@code server-config --write --dir DIR} put in DIR over the server's
 * {@code ssl_cert}/{@code ssl_key} files, adds DIR/ca-cert.pem to the client CA bundle ({@code ssl_ca}) and
 * runs {@code FLUSH SSL}. {@link #close()} puts the test server's own certificate back, so the other tests
 * of the run see the server as it was.
 */
final class ServerSide implements AutoCloseable {
    private final TestDatabase db;
    private byte[] originalCert;
    private byte[] originalKey;
    /** Opened before the certificate changes: a live TLS session survives FLUSH SSL, so it can undo it. */
    private Connection held;

    /** The accounts that existed before the page: the page's own are dropped at the end, so pages can reuse names. */
    private final Set<String> accountsBefore;

    ServerSide(TestDatabase db) throws SQLException {
        this.db = db;
        startFromAFreshServer();
        this.accountsBefore = accounts();
    }

    /**
     * A reader starts with a server that has only its administrative accounts: the accounts other test
     * classes left behind (an 'app' of their own, say) are dropped first, so a page never depends on
     * which tests ran before it.
     */
    private void startFromAFreshServer() throws SQLException {
        List<String> leftovers = new java.util.ArrayList<>();
        try (Connection connection = db.adminConnection();
             java.sql.PreparedStatement statement = connection.prepareStatement(
                     "SELECT CONCAT(QUOTE(User), '@', QUOTE(Host)) FROM mysql.global_priv"
                             + " WHERE User NOT IN ('', 'root', 'mariadb.sys', ?)"
                             + " AND COALESCE(JSON_VALUE(Priv, '$.is_role'), 'false') <> 'true'")) {
            statement.setString(1, db.adminUser());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    leftovers.add(rows.getString(1));
                }
            }
        }
        for (String account : leftovers) {
            db.sql("DROP USER " + account);
        }
    }

    private Set<String> accounts() throws SQLException {
        Set<String> accounts = new TreeSet<>();
        try (Connection connection = db.adminConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT CONCAT(QUOTE(User), '@', QUOTE(Host)) FROM mysql.global_priv")) {
            while (rows.next()) {
                accounts.add(rows.getString(1));
            }
        }
        return accounts;
    }

    void install(Path dir) throws IOException, SQLException {
        Path cert;
        Path key;
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> certs = files.filter(f -> f.getFileName().toString().endsWith("-cert.pem")
                    && !f.getFileName().toString().equals("ca-cert.pem")).toList();
            if (certs.size() != 1) {
                throw new IllegalStateException("(server) install " + dir + ": expected one NAME-cert.pem besides ca-cert.pem, found " + certs);
            }
            cert = certs.get(0);
            key = dir.resolve(cert.getFileName().toString().replace("-cert.pem", "-key.pem"));
        }
        Path ca = dir.resolve("ca-cert.pem");
        if (held == null) {
            held = db.adminConnection();
            originalCert = Files.readAllBytes(db.directory().resolve("server-cert.pem"));
            originalKey = Files.readAllBytes(db.directory().resolve("server-key.pem"));
        }
        String caPem = Files.readString(ca);
        String bundle = Files.readString(db.caFile());
        if (!bundle.contains(caPem.strip())) {
            Files.writeString(db.caFile(), (bundle.endsWith("\n") ? "" : "\n") + caPem, StandardOpenOption.APPEND);
        }
        Files.copy(cert, db.directory().resolve("server-cert.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(key, db.directory().resolve("server-key.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        flush();
    }

    private void flush() throws SQLException {
        try (Statement statement = held.createStatement()) {
            statement.execute("FLUSH SSL");
        }
    }

    @Override
    public void close() throws IOException, SQLException {
        try {
            restore();
        } finally {
            Set<String> created = accounts();
            created.removeAll(accountsBefore);
            for (String account : created) {
                db.sql("DROP USER " + account);
            }
        }
    }

    private void restore() throws IOException, SQLException {
        if (held == null) {
            return;
        }
        try {
            Files.write(db.directory().resolve("server-cert.pem"), originalCert);
            Files.write(db.directory().resolve("server-key.pem"), originalKey);
            flush();
        } finally {
            held.close();
            held = null;
        }
    }
}
