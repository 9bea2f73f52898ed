package io.s2mtls.cli.policy;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.cli.db.DatabaseFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** apply, with standard error not a terminal, ends each phase with a progress line; stdout stays the result. */
@ExtendWith(TestDatabaseExtension.class)
class ApplyProgressTest {
    @TempDir
    Path dir;

    @Test
    void applyReportsEachPhase() throws Exception {
        TestDatabase db = TestDatabase.get();
        db.sql("DROP USER IF EXISTS 'prog_a'@'%'", "DROP USER IF EXISTS 'prog_b'@'%'");
        CliRunner cli = DatabaseFixture.trustedStore(db, dir, "store password for the progress test", "/O=s2mtls progress tests/CN=Progress CA");
        Files.writeString(dir.resolve("policy.yaml"), """
                name: progress
                defaults:
                  key: ec:p256
                  days: 90
                  host: "%"
                users:
                  - name: prog_a
                    require: x509
                    grants: ["SELECT ON appdb.*"]
                  - name: prog_b
                    require: x509
                    grants: ["SELECT ON appdb.*"]
                """);
        Run apply = cli.run("apply", "-f", "policy.yaml", "--yes", "--ca", db.caFile().toString());
        assertEquals(0, apply.exit(), apply.toString());
        List<String> err = apply.err().lines().toList();
        assertTrue(err.stream().anyMatch(l -> l.matches("certificates 2/2 \\(100%\\), \\d+ s")), apply.toString());
        assertTrue(err.stream().anyMatch(l -> l.matches("accounts (\\d+)/\\1 \\(100%\\), \\d+ s")), apply.toString());
        assertFalse(apply.out().contains("(100%)"), apply.out());
    }
}
