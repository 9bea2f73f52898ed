package io.s2mtls.cli.command;

import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.s2mtls.cli.command.CommandLineTest.PASSWORD;
import static io.s2mtls.cli.command.CommandLineTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client's NAME.p12 never carries the store password: it has its own (from --p12-password-file or
 * S2MTLS_P12_PASSWORD, else a random one in NAME.p12.pass at 0600), and the store's strength, as the
 * real openssl reads it.
 */
class ClientP12PasswordTest {
    @TempDir
    Path dir;
    CliRunner cli;

    @BeforeEach
    void setUp() {
        cli = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", PASSWORD);
        ok(cli.run("ca", "create", "--subject", "/CN=P12 Test CA", "--key", "ec:p256"));
    }

    /** Runs openssl pkcs12 -info on {@code p12} with {@code password}; returns its exit code and all it printed. */
    static ExternalTool.Result info(Path p12, String password) {
        List<String> command = List.of(ExternalTool.require("openssl").toString(), "pkcs12", "-info", "-noout", "-in",
                p12.toString(), "-passin", "env:PW");
        return ExternalTool.run(command, null, Map.of("PW", password), null);
    }

    /** The file opens with {@code password} and not with the store password, and has the store's strength. */
    static void ownPasswordAndStrength(Path p12, String password) {
        ownPasswordAndStrength(p12, password, PASSWORD);
    }

    static void ownPasswordAndStrength(Path p12, String password, String storePassword) {
        ExternalTool.Result opened = info(p12, password);
        String all = opened.out() + opened.stderr();
        assertEquals(0, opened.exitCode(), all);
        assertTrue(all.contains("MAC: sha256"), all);
        assertTrue(all.contains("PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC"), all);
        assertTrue(all.contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC"), all);
        assertTrue(all.contains("PRF hmacWithSHA256"), all);
        Matcher iterations = Pattern.compile("Iteration (\\d+)").matcher(all);
        List<Integer> counts = new ArrayList<>();
        while (iterations.find()) {
            counts.add(Integer.parseInt(iterations.group(1)));
        }
        assertEquals(3, counts.size(), all);
        assertTrue(counts.stream().allMatch(n -> n >= 100_000), "iterations " + counts);
        ExternalTool.Result withStorePassword = info(p12, storePassword);
        assertNotEquals(0, withStorePassword.exitCode(), "the store password opens " + p12);
        assertEquals("rw-------", mode(p12));
    }

    static String mode(Path file) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String passwordIn(Path file) throws Exception {
        String text = Files.readString(file);
        assertTrue(text.endsWith("\n") && text.indexOf('\n') == text.length() - 1, "one line: " + file);
        return text.strip();
    }

    @Test
    void issueWritesARandomPasswordBesideEachP12() throws Exception {
        Run issued = ok(cli.run("cert", "issue", "--subject", "/CN=alice", "--key", "ec:p256", "--out-dir", "creds"));
        Path creds = dir.resolve("creds");
        Path pass = creds.resolve("alice.p12.pass");
        assertEquals("rw-------", mode(pass));
        String password = passwordIn(pass);
        assertTrue(password.matches("[A-Za-z0-9_-]{32}"), password);
        ownPasswordAndStrength(creds.resolve("alice.p12"), password);
        assertTrue(issued.out().contains("alice.p12.pass"), "names the password file: " + issued);
        assertFalse(issued.out().contains(password) || issued.err().contains(password), "password printed: " + issued);
        CommandLineTest.noSecrets(issued);

        // bulk: every file has its own password
        Files.writeString(dir.resolve("subjects.txt"), "/CN=bob\n/CN=carol\n");
        ok(cli.run("cert", "issue", "--subjects-file", "subjects.txt", "--key", "ec:p256", "--out-dir", "creds"));
        String bob = passwordIn(creds.resolve("bob.p12.pass"));
        String carol = passwordIn(creds.resolve("carol.p12.pass"));
        assertNotEquals(bob, carol);
        ownPasswordAndStrength(creds.resolve("bob.p12"), bob);
        ownPasswordAndStrength(creds.resolve("carol.p12"), carol);

        // export writes a new one, never the store password
        Run exported = ok(cli.run("cert", "export", "alice", "--out-dir", "exported"));
        Path exportedPass = dir.resolve("exported/alice.p12.pass");
        ownPasswordAndStrength(dir.resolve("exported/alice.p12"), passwordIn(exportedPass));
        assertTrue(exported.out().contains("alice.p12.pass"), exported.toString());

        // renew --out-dir too
        ok(cli.run("cert", "renew", "alice", "--out-dir", "renewed"));
        ownPasswordAndStrength(dir.resolve("renewed/alice.p12"), passwordIn(dir.resolve("renewed/alice.p12.pass")));
    }

    @Test
    void aPasswordFileOrTheEnvironmentChoosesThePassword() throws Exception {
        Path file = dir.resolve("p12.pw");
        Files.writeString(file, "my own p12 password\n");
        Run issued = ok(cli.run("cert", "issue", "--subject", "/CN=dave", "--key", "ec:p256", "--out-dir", "creds",
                "--p12-password-file", "p12.pw"));
        ownPasswordAndStrength(dir.resolve("creds/dave.p12"), "my own p12 password");
        assertFalse(Files.exists(dir.resolve("creds/dave.p12.pass")), "no password file when the user chose the password");
        assertFalse(issued.out().contains("my own p12 password") || issued.err().contains("my own p12 password"), issued.toString());

        CliRunner withEnv = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", PASSWORD).env("S2MTLS_P12_PASSWORD", "from the environment");
        ok(withEnv.run("cert", "issue", "--subject", "/CN=erin", "--key", "ec:p256", "--out-dir", "creds"));
        ownPasswordAndStrength(dir.resolve("creds/erin.p12"), "from the environment");
        assertFalse(Files.exists(dir.resolve("creds/erin.p12.pass")));
    }

    /** --no-p12: only the PEM files; refused without --out-dir or together with --p12-password-file, before anything is stored. */
    @Test
    void noP12WritesThePemFilesOnly() throws Exception {
        Run issued = ok(cli.run("cert", "issue", "--subject", "/CN=pem_only", "--out-dir", "creds", "--no-p12"));
        try (var files = Files.list(dir.resolve("creds"))) {
            assertEquals(List.of("ca-cert.pem", "pem_only-cert.pem", "pem_only-key.pem"),
                    files.map(f -> f.getFileName().toString()).sorted().toList(), issued.toString());
        }
        assertFalse(issued.err().contains(".p12"), issued.toString());
        assertEquals("rw-------", mode(dir.resolve("creds/pem_only-key.pem")));
        byte[] store = Files.readAllBytes(dir.resolve("s2mtls.p12"));
        Path passwordFile = Files.writeString(dir.resolve("p12.pw"), "a p12 password\n");
        for (List<String> bad : List.of(List.of("--no-p12"), List.of("--no-p12", "--out-dir", "more", "--p12-password-file", passwordFile.toString()))) {
            List<String> args = new ArrayList<>(List.of("cert", "issue", "--subject", "/CN=refused"));
            args.addAll(bad);
            Run refused = cli.run(args.toArray(String[]::new));
            assertEquals(2, refused.exit(), refused.toString());
            assertTrue(refused.err().contains("--no-p12"), refused.toString());
        }
        assertTrue(java.util.Arrays.equals(store, Files.readAllBytes(dir.resolve("s2mtls.p12"))), "a refused issue changed the store");
    }
}
