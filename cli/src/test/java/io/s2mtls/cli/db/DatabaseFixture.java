package io.s2mtls.cli.db;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.cli.CliRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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

    /** Adds a CA (PEM) to the server's client CA bundle and reloads it, as an operator would. */
    public static void trust(TestDatabase db, String caPem) throws IOException {
        String bundle = Files.readString(db.caFile());
        if (!bundle.contains(caPem)) {
            Files.writeString(db.caFile(), (bundle.endsWith("\n") ? "" : "\n") + caPem, StandardOpenOption.APPEND);
        }
        db.sql("FLUSH SSL");
    }
}
