package io.s2mtls.cli.command;

import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.s2mtls.cli.command.CommandLineTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Monitoring never passes silently: a command run where there is no store (the wrong directory, a mistyped
 * --store) exits 2 naming the store and how to point at the right one, and leaves no store behind. Only
 * the commands that make a CA create one.
 */
class MissingStoreTest {
    @TempDir
    Path dir;

    private CliRunner cli() {
        return new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", CommandLineTest.PASSWORD);
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).toList();
        }
    }

    private void refusedNamingTheStore(Run run, String store) throws IOException {
        assertEquals(2, run.exit(), run.toString());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("the store " + store + " does not exist"), run.err());
        assertTrue(run.err().contains("--store") && run.err().contains("S2MTLS_STORE"), run.err());
        assertFalse(run.out().contains("Nothing expires"), run.out());
        assertEquals(List.of(), files(), "no store (nor anything else) was created");
    }

    @Test
    void expiryMonitoringInTheWrongDirectoryIsExitTwoNotNothingExpires() throws IOException {
        Run run = cli().run("cert", "list", "--expiring-within", "30d");
        refusedNamingTheStore(run, "pkcs12:./s2mtls.p12");
        assertTrue(run.err().contains("no file " + dir.resolve("s2mtls.p12")), run.err());
        assertTrue(run.err().contains("neither --store nor S2MTLS_STORE names another"), run.err());
    }

    @Test
    void everyCommandThatReadsOrWritesAStoreRefusesAMissingOne() throws IOException {
        String[][] commands = {
                {"cert", "list"},
                {"audit"},
                {"ca", "show"},
                {"ca", "export", "--out", "ca.pem"},
                {"ca", "crl", "--out", "crl.pem"},
                {"cert", "export", "app", "--out-dir", "creds"},
                {"cert", "revoke", "app"},
                {"cert", "renew", "--due"},
                {"cert", "issue", "--subject", "/CN=app", "--key", "ec:p256"},
        };
        for (String[] command : commands) {
            refusedNamingTheStore(cli().run(command), "pkcs12:./s2mtls.p12");
        }
        // a store named explicitly, by option or by environment, is named in the message
        refusedNamingTheStore(cli().run("cert", "list", "--store", "pkcs12:elsewhere/prod.p12"), "pkcs12:elsewhere/prod.p12");
        refusedNamingTheStore(cli().env("S2MTLS_STORE", "pkcs12:typo.p12").run("audit"), "pkcs12:typo.p12");
    }

    @Test
    void theCommandsThatMakeACaStillCreateTheStore() throws IOException {
        ok(cli().run("ca", "create", "--subject", "/CN=Fresh CA", "--key", "ec:p256"));
        assertTrue(Files.exists(dir.resolve("s2mtls.p12")));
        assertEquals("Nothing expires within 30d.", ok(cli().run("cert", "list", "--expiring-within", "30d")).out().strip());
        ok(cli().run("quickstart", "--dir", "qs"));
        assertTrue(Files.exists(dir.resolve("qs/s2mtls.p12")));
    }
}
