package io.s2mtls.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code s2mtls report} on a real store: the file (0644, refused without --force), and against the private MariaDB the
 * users bound to each credential with the requirement the server holds, and drift where the server was changed behind
 * the store's back.
 */
@ExtendWith(TestDatabaseExtension.class)
class ReportCommandTest {
    private static final String PASSWORD = "store password for the report tests";
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    private static Run ok(Run run) {
        assertEquals(0, run.exit(), run.toString());
        return run;
    }

    @Test
    void theFileIsPublicRefusedWithoutForceAndNamesEveryCredential() throws Exception {
        CliRunner cli = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", PASSWORD);
        ok(cli.run("ca", "create", "--subject", "/O=Report/CN=Report CA", "--key", "ec:p256"));
        ok(cli.run("cert", "issue", "--subject", "/O=Report/CN=report_app", "--key", "ec:p256", "--no-p12", "--out-dir", "c"));
        ok(cli.run("cert", "issue", "--subject", "/O=A&B <Report>/CN=odd", "--name", "odd", "--key", "ec:p256", "--days", "10", "--no-p12", "--out-dir", "c"));
        Run run = ok(cli.run("report", "--html", "report.html"));
        assertTrue(run.out().startsWith("Wrote " + dir.resolve("report.html") + " (2 credentials, 0 recorded users)"), run.out());
        Path file = dir.resolve("report.html");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String html = Files.readString(file);
        ReportPageTest.assertNoUrlAnywhere(html);
        assertTrue(html.contains("report_app") && html.contains("/O=A&amp;B &lt;Report&gt;/CN=odd"), html);
        assertTrue(html.contains("expiring"), "odd ends within the default 30 days");
        assertTrue(html.contains("pass --jdbc-url"), "no server: said so");

        Run again = cli.run("report", "--html", "report.html");
        assertEquals(2, again.exit(), again.toString());
        assertTrue(again.err().contains("--force"), again.err());
        Run badWindow = cli.run("report", "--html", "report.html", "--force", "--within", "soon");
        assertEquals(2, badWindow.exit(), badWindow.toString());
        assertEquals(html, Files.readString(file), "unchanged after an error");
        JsonNode written = JSON.readTree(ok(cli.run("report", "--html", "report.html", "--force", "--within", "5d", "--output", "json")).out());
        assertEquals(2, written.get("credentials").asInt());
        assertFalse(written.get("server").asBoolean());
        assertFalse(Files.readString(file).contains(">expiring<"), "with a 5-day window nothing is expiring");
    }

    @Test
    void withTheServerItShowsWhatTheServerHoldsAndTheDrift() throws Exception {
        TestDatabase db = TestDatabase.get();
        CliRunner cli = DatabaseFixture.trustedStore(db, dir, PASSWORD, "/O=s2mtls report tests/CN=Report Test CA");
        String ca = db.caFile().toString();
        ok(cli.run("cert", "issue", "--subject", "/O=s2mtls report tests/CN=rpt_app", "--key", "ec:p256", "--no-p12", "--out-dir", "c"));
        ok(cli.run("cert", "issue", "--subject", "/O=s2mtls report tests/CN=rpt_gone", "--key", "ec:p256", "--no-p12", "--out-dir", "c"));
        ok(cli.run("user", "drop", "rpt_app", "--if-exists", "--ca", ca));
        ok(cli.run("user", "create", "rpt_app", "--from-cert", "c/rpt_app-cert.pem", "--ca", ca));
        ok(cli.run("user", "create", "rpt_gone", "--from-cert", "c/rpt_gone-cert.pem", "--ca", ca));
        // behind the store's back: one requirement changed, one account dropped, one account bound without a record
        db.sql("ALTER USER 'rpt_app'@'%' REQUIRE X509", "DROP USER 'rpt_gone'@'%'",
                "DROP USER IF EXISTS 'rpt_stranger'@'%'", "CREATE USER 'rpt_stranger'@'%' REQUIRE SUBJECT '/O=s2mtls report tests/CN=rpt_app'");
        try {
            JsonNode written = JSON.readTree(ok(cli.run("report", "--html", "r.html", "--ca", ca, "--output", "json")).out());
            assertTrue(written.get("server").asBoolean());
            String html = Files.readString(dir.resolve("r.html"));
            ReportPageTest.assertNoUrlAnywhere(html);
            String text = ReportRenderTest.text(html);
            assertTrue(text.contains("'rpt_app'@'%' different SUBJECT '/O=s2mtls report tests/CN=rpt_app' X509"), text);
            assertTrue(text.contains("'rpt_gone'@'%' missing"), text);
            assertTrue(text.contains("'rpt_stranger'@'%' unrecorded"), text);
            assertTrue(text.contains("mariadb"), text);
        } finally {
            db.sql("DROP USER IF EXISTS 'rpt_stranger'@'%'", "DROP USER IF EXISTS 'rpt_app'@'%'");
        }
    }
}
