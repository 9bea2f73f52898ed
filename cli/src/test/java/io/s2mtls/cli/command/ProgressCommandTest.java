package io.s2mtls.cli.command;

import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bulk issue and renew --due report progress on standard error when it is not a terminal; stdout stays data. */
class ProgressCommandTest {
    @TempDir
    Path dir;

    @Test
    void bulkIssueAndRenewDueEndWithAProgressLine() throws Exception {
        CliRunner cli = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", CommandLineTest.PASSWORD);
        Run ca = cli.run("ca", "create", "--subject", "/O=Progress/CN=Progress CA", "--key", "ec:p256");
        assertEquals(0, ca.exit(), ca.toString());
        Files.writeString(dir.resolve("subjects.txt"), "/O=Progress/CN=p1\n/O=Progress/CN=p2\n/O=Progress/CN=p3\n");
        Run issue = cli.run("cert", "issue", "--subjects-file", "subjects.txt", "--key", "ec:p256", "--days", "5", "--out-dir", "out");
        assertEquals(0, issue.exit(), issue.toString());
        assertTrue(issue.err().lines().anyMatch(l -> l.matches("issued 3/3 \\(100%\\), \\d+ s")), issue.toString());
        assertFalse(issue.out().contains("(100%)"), "progress stays off stdout: " + issue.out());
        Run renew = cli.run("cert", "renew", "--due", "--within", "30d");
        assertEquals(0, renew.exit(), renew.toString());
        assertTrue(renew.err().lines().anyMatch(l -> l.matches("renewed 3, \\d+ s")), renew.toString());
        // one credential: no progress report
        Run single = cli.run("cert", "issue", "--subject", "/O=Progress/CN=p4", "--key", "ec:p256");
        assertEquals(0, single.exit(), single.toString());
        assertFalse(single.err().contains("issued 1"), single.toString());
    }
}
