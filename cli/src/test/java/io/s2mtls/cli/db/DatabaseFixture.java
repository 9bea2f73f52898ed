package io.s2mtls.cli.db;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.cli.CliRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** What every command-line test against the private database starts with. */
public final class DatabaseFixture {
    private DatabaseFixture() {
    }

    /** A command line in {@code dir} that reaches the test database as its administrator. */
    public static CliRunner cli(TestDatabase db, Path dir, String storePassword) {
        return new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", storePassword)
                .env("S2MTLS_JDBC_URL", db.jdbcUrl()).env("S2MTLS_ADMIN_USER", db.adminUser())
                .env("S2MTLS_ADMIN_PASSWORD", new String(db.adminPassword()));
    }

    /**
     * A store in {@code dir} (created when missing) with an EC P-256 CA of {@code caSubject} that the
     * server trusts for client certificates; the CA is also in {@code dir/store-ca.pem}.
     */
    public static CliRunner trustedStore(TestDatabase db, Path dir, String storePassword, String caSubject) throws IOException {
        Files.createDirectories(dir);
        CliRunner cli = cli(db, dir, storePassword);
        for (String[] args : List.of(new String[] {"ca", "create", "--subject", caSubject, "--key", "ec:p256"},
                new String[] {"ca", "export", "--out", "store-ca.pem"})) {
            CliRunner.Run run = cli.run(args);
            if (run.exit() != 0) {
                throw new IllegalStateException("fixture command failed: " + run);
            }
        }
        synchronized (DatabaseFixture.class) {
            trust(db, Files.readString(dir.resolve("store-ca.pem")));
        }
        return cli;
    }

    /** The user names on the server that start with {@code prefix}, sorted. */
    public static List<String> userNames(TestDatabase db, String prefix) throws SQLException {
        List<String> users = new ArrayList<>();
        try (Connection connection = db.adminConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT User FROM mysql.global_priv WHERE LEFT(User, ?) = ? ORDER BY 1")) {
            statement.setInt(1, prefix.length());
            statement.setString(2, prefix);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    users.add(rows.getString(1));
                }
            }
        }
        return users;
    }

    /** Adds a CA (PEM) to the server's client CA bundle and reloads it, as an operator would. */
    public static void trust(TestDatabase db, String caPem) throws IOException {
        String bundle = Files.readString(db.caFile());
        if (!bundle.contains(caPem)) {
            Files.writeString(db.caFile(), (bundle.endsWith("\n") ? "" : "\n") + caPem, StandardOpenOption.APPEND);
        }
        db.sql("FLUSH SSL");
    }
}
