package io.s2mtls.cli.db;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MariaDB client line quickstart prints logs in, as printed, against the private test server: the only
 * changes are the ones any reader makes (--no-defaults, so the machine's option files play no part, and the query).
 */
@ExtendWith(TestDatabaseExtension.class)
class QuickstartLoginTest {
    @TempDir
    Path dir;

    @Test
    void theMariadbLineLogsIn() throws Exception {
        ExternalTool.require("mariadb");
        TestDatabase db = TestDatabase.get();
        Run run = new CliRunner(dir).run("quickstart", "--dir", "qs", "--user", "qs_maria", "--host", "127.0.0.1",
                "--port", String.valueOf(db.port()), "--server-ca", db.caFile().toString());
        assertEquals(0, run.exit(), run.toString());
        String out = run.out();
        DatabaseFixture.trust(db, Files.readString(dir.resolve("qs/ca-cert.pem")));
        String create = out.lines().filter(l -> l.startsWith("CREATE USER") && l.contains("REQUIRE SUBJECT")).findFirst().orElseThrow();
        db.sql("DROP USER IF EXISTS 'qs_maria'@'%'", create.substring(0, create.length() - 1));
        String line = out.lines().filter(l -> l.startsWith("mariadb ")).findFirst().orElseThrow(() -> new AssertionError(out));
        assertTrue(line.contains("--ssl-ca=" + db.caFile()), line);
        String command = "mariadb --no-defaults" + line.substring("mariadb".length()) + " --batch --skip-column-names -e 'SELECT CURRENT_USER()'";
        ExternalTool.Result login = ExternalTool.run(List.of("sh", "-c", command));
        assertEquals(0, login.exitCode(), command + ": " + login.stderr() + login.out());
        assertEquals("qs_maria@%", login.out().strip());
        // and without the client certificate the same line is refused: the certificate is what logs in
        String noCert = command.replaceAll(" --ssl-cert=\\S+ --ssl-key=\\S+", "");
        ExternalTool.Result refused = ExternalTool.run(List.of("sh", "-c", noCert));
        assertTrue(refused.exitCode() != 0, noCert + " logged in: " + refused.out());
    }
}
