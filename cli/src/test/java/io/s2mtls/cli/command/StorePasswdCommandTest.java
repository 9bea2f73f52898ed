package io.s2mtls.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.s2mtls.cli.command.CommandLineTest.PASSWORD;
import static io.s2mtls.cli.command.CommandLineTest.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code s2mtls store passwd}: the old password checked, the new one from a file, env or prompt, never an argument. */
class StorePasswdCommandTest {
    private static final String NEW_PASSWORD = "an entirely new passphrase";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path store;

    private CliRunner cli(String password) {
        return new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", password).env("S2MTLS_ACTOR", "ops-bob");
    }

    @BeforeEach
    void storeWithACaAndACertificate() throws IOException {
        ok(cli(PASSWORD).run("ca", "create", "--subject", "/CN=Passwd CA", "--key", "ec:p256"));
        ok(cli(PASSWORD).run("cert", "issue", "--subject", "/CN=app", "--key", "ec:p256", "--out-dir", "creds"));
        store = dir.resolve("s2mtls.p12");
        Files.writeString(dir.resolve("new.pass"), NEW_PASSWORD + "\n");
    }

    private static void refused(Run run, String... words) {
        assertEquals(2, run.exit(), run.toString());
        assertEquals(1, run.err().lines().count(), run.err());
        for (String word : words) {
            assertTrue(run.err().contains(word), "'" + word + "' not in: " + run.err());
        }
        assertNoSecret(run);
    }

    private static void assertNoSecret(Run run) {
        assertFalse(run.out().contains(NEW_PASSWORD) || run.err().contains(NEW_PASSWORD), run.toString());
        assertFalse(run.out().contains(PASSWORD) || run.err().contains(PASSWORD), run.toString());
    }

    @Test
    void theNewPasswordOpensTheStoreTheOldOneNoLonger() throws Exception {
        Run changed = ok(cli(PASSWORD).run("store", "passwd", "--new-password-file", "new.pass"));
        assertTrue(changed.out().contains("Changed the store password of pkcs12:./s2mtls.p12"), changed.out());
        assertNoSecret(changed);

        refused(cli(PASSWORD).run("cert", "list"), "wrong store password");
        assertTrue(ok(cli(NEW_PASSWORD).run("cert", "list")).out().contains("app"));

        // the audit trail records it, without any secret
        Run audit = ok(cli(NEW_PASSWORD).run("audit"));
        assertNoSecret(audit);
        List<String> lines = audit.out().strip().lines().toList();
        JsonNode last = JSON.readTree(lines.get(lines.size() - 1));
        assertEquals("store.passwd", last.get("action").asText());
        assertEquals("ops-bob", last.get("actor").asText());
        assertEquals(List.of("ca.create", "cert.issue", "store.passwd"),
                lines.stream().map(l -> {
                    try {
                        return JSON.readTree(l).get("action").asText();
                    } catch (IOException e) {
                        throw new AssertionError(l, e);
                    }
                }).toList());

        // openssl agrees: the new password opens the file, the old one does not
        String openssl = ExternalTool.require("openssl").toString();
        List<String> info = List.of(openssl, "pkcs12", "-info", "-noout", "-in", store.toString(), "-passin", "env:P");
        assertEquals(0, ExternalTool.run(info, null, Map.of("P", NEW_PASSWORD), dir).exitCode());
        assertNotEquals(0, ExternalTool.run(info, null, Map.of("P", PASSWORD), dir).exitCode());
    }

    @Test
    void theNewPasswordCanComeFromTheEnvironment() {
        ok(cli(PASSWORD).env("S2MTLS_NEW_STORE_PASSWORD", NEW_PASSWORD).run("store", "passwd"));
        ok(cli(NEW_PASSWORD).run("ca", "show"));
        refused(cli(PASSWORD).run("ca", "show"), "wrong store password");
    }

    @Test
    void aWrongCurrentPasswordChangesNothing() throws IOException {
        byte[] before = Files.readAllBytes(store);
        refused(cli("not the right password at all").run("store", "passwd", "--new-password-file", "new.pass"),
                "wrong store password");
        assertArrayEquals(before, Files.readAllBytes(store));
        ok(cli(PASSWORD).run("cert", "list"));
    }

    @Test
    void badNewPasswordsAreRefusedAndChangeNothing() throws IOException {
        byte[] before = Files.readAllBytes(store);
        Files.writeString(dir.resolve("short.pass"), "tooshort\n");
        refused(cli(PASSWORD).run("store", "passwd", "--new-password-file", "short.pass"), "at least 12 characters");
        Files.writeString(dir.resolve("same.pass"), PASSWORD + "\n");
        refused(cli(PASSWORD).run("store", "passwd", "--new-password-file", "same.pass"), "same as the current one");
        Files.writeString(dir.resolve("empty.pass"), "\n");
        refused(cli(PASSWORD).run("store", "passwd", "--new-password-file", "empty.pass"), "--new-password-file", "empty");
        refused(cli(PASSWORD).run("store", "passwd"), "--new-password-file", "S2MTLS_NEW_STORE_PASSWORD");
        // never a plain argument
        Run plain = cli(PASSWORD).run("store", "passwd", NEW_PASSWORD);
        assertEquals(2, plain.exit(), plain.toString());
        assertArrayEquals(before, Files.readAllBytes(store));
    }

    @Test
    void storesWithoutAPasswordOrWithoutAFileAreRefused() throws IOException {
        refused(cli(PASSWORD).run("store", "passwd", "--new-password-file", "new.pass", "--store", "vault:secret/s2mtls"),
                "vault:secret/s2mtls", "no store password");
        refused(cli(PASSWORD).run("store", "passwd", "--new-password-file", "new.pass", "--store", "pkcs12:other.p12"),
                "the store pkcs12:other.p12 does not exist");
        assertFalse(Files.exists(dir.resolve("other.p12")));
    }
}
