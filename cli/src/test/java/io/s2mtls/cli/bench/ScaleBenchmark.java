package io.s2mtls.cli.bench;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.cli.policy.ApplyBenchmark;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Not a test: the database side of {@code .ci/bench/scale.sh}, which times the command line itself.
 * <ul>
 *   <li>{@code db ENVFILE}: starts the private test server (as the database tests do), writes the
 *       variables the command line needs to reach it as its administrator to ENVFILE (shell syntax),
 *       and keeps the server until standard input closes, then stops it and deletes its data;</li>
 *   <li>{@code policy PREFIX USERS FILE}: writes the policy {@code ApplyBenchmark} applies;</li>
 *   <li>{@code floor PREFIX USERS}: the plain-JDBC floor, the same CREATE USER ... REQUIRE SUBJECT and
 *       GRANT statements as the policy, one by one on one driver connection, no s2mtls code; prints
 *       {@code floor_ms=...} (connect included, JVM start not) and then drops the users, untimed;</li>
 *   <li>{@code drop PREFIX}: drops every account whose name starts with PREFIX.</li>
 * </ul>
 * {@code floor} and {@code drop} read the server from {@code S2MTLS_JDBC_URL}, {@code S2MTLS_ADMIN_USER},
 * {@code S2MTLS_ADMIN_PASSWORD} and {@code BENCH_DB_CA} (the server's CA, PEM), as ENVFILE sets them.
 */
public final class ScaleBenchmark {
    private ScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: db ENVFILE | policy PREFIX USERS FILE | floor PREFIX USERS | drop PREFIX");
        }
        switch (args[0]) {
            case "db" -> serve(Path.of(args[1]));
            case "policy" -> Files.writeString(Path.of(args[3]), ApplyBenchmark.policy(args[1], Integer.parseInt(args[2])));
            case "floor" -> floor(args[1], Integer.parseInt(args[2]));
            case "drop" -> drop(args[1]);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void serve(Path envFile) throws IOException {
        TestDatabase db = TestDatabase.get();
        try {
            String env = "export S2MTLS_JDBC_URL=" + quote(db.jdbcUrl()) + "\n"
                    + "export S2MTLS_ADMIN_USER=" + quote(db.adminUser()) + "\n"
                    + "export S2MTLS_ADMIN_PASSWORD=" + quote(new String(db.adminPassword())) + "\n"
                    + "export BENCH_DB_CA=" + quote(db.caFile().toString()) + "\n";
            Path temp = envFile.resolveSibling(envFile.getFileName() + ".tmp");
            Files.writeString(temp, env, StandardCharsets.UTF_8);
            Files.move(temp, envFile, StandardCopyOption.ATOMIC_MOVE);
            InputStream in = System.in;
            while (in.read() >= 0) {
                // wait for the script to close our standard input
            }
        } finally {
            db.stop();
        }
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException(name + " is not set; source the file 'db ENVFILE' wrote");
        }
        return value;
    }

    /** A plain driver connection as the administrator, TLS verified with the driver's own option. */
    private static Connection connect() throws IOException, SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", env("S2MTLS_ADMIN_USER"));
        properties.setProperty("password", env("S2MTLS_ADMIN_PASSWORD"));
        properties.setProperty("sslMode", "verify-ca");
        properties.setProperty("serverSslCert", Files.readString(Path.of(env("BENCH_DB_CA"))));
        return new com.singlestore.jdbc.Driver().connect(env("S2MTLS_JDBC_URL"), properties);
    }

    private static void floor(String prefix, int users) throws Exception {
        List<String> sql = new ArrayList<>(2 * users);
        for (int i = 0; i < users; i++) {
            String account = "'" + prefix + i + "'@'%'";
            sql.add("CREATE USER " + account + " REQUIRE SUBJECT '" + ApplyBenchmark.subject(prefix, i) + "'");
            sql.add("GRANT SELECT ON appdb.* TO " + account);
        }
        long start = System.nanoTime();
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String statementText : sql) {
                statement.execute(statementText);
            }
        }
        long elapsed = System.nanoTime() - start;
        System.out.printf(Locale.ROOT, "floor_ms=%d%n", elapsed / 1_000_000);
        drop(prefix);
    }

    private static void drop(String prefix) throws Exception {
        if (!prefix.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("prefix " + prefix + ": letters, digits and '_' only");
        }
        List<String> drops = new ArrayList<>();
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            // LEFT(...) = prefix, not LIKE: '_' is a wildcard there
            try (ResultSet rows = statement.executeQuery("SELECT User, Host FROM mysql.global_priv WHERE LEFT(User, "
                    + prefix.length() + ") = '" + prefix + "'")) {
                while (rows.next()) {
                    drops.add("DROP USER '" + rows.getString(1) + "'@'" + rows.getString(2) + "'");
                }
            }
            for (int from = 0; from < drops.size(); from += 1000) {
                for (String drop : drops.subList(from, Math.min(drops.size(), from + 1000))) {
                    statement.addBatch(drop);
                }
                statement.executeBatch();
            }
        }
    }
}
