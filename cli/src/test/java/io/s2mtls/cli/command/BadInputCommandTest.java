package io.s2mtls.cli.command;

import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.core.testing.TestPki;
import io.s2mtls.core.x509.Pem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input through the real command line: exit 2, one line on stderr that names the file and the
 * problem, no stack trace, and the store file byte-identical afterwards.
 */
class BadInputCommandTest {
    @TempDir
    Path dir;
    CliRunner cli;
    Path store;

    @BeforeEach
    void setUp() {
        cli = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", CommandLineTest.PASSWORD);
        CommandLineTest.ok(cli.run("ca", "create", "--subject", "/CN=Existing CA", "--key", "ec:p256"));
        CommandLineTest.ok(cli.run("cert", "issue", "--subject", "/CN=existing", "--key", "ec:p256"));
        store = dir.resolve("s2mtls.p12");
    }

    private void refused(String names, String says, String... args) throws Exception {
        refused(cli, store, names, says, args);
    }

    /**
     * Runs {@code args}: exit 2, one line on stderr without a stack trace that names {@code names} and says
     * {@code says}, and {@code store} byte-identical.
     */
    static void refused(CliRunner cli, Path store, String names, String says, String... args) throws Exception {
        byte[] before = Files.readAllBytes(store);
        Run run = cli.run(args);
        assertEquals(2, run.exit(), run.toString());
        String err = run.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        assertTrue(err.contains(names), err + " should name " + names);
        assertTrue(err.contains(says), err + " should say " + says);
        assertArrayEquals(before, Files.readAllBytes(store), "the store changed");
    }

    private Path file(String name, byte[] content) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, content);
        return file;
    }

    private Path file(String name, String content) throws Exception {
        return file(name, content.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void garbageAndTruncatedFiles() throws Exception {
        KeyPair keys = TestPki.ecKeyPair();
        X509Certificate ca = TestPki.selfSigned(keys, "CN=Import", true);
        file("key.pem", Pem.privateKey(keys.getPrivate()));
        file("garbage.pem", "this is not a certificate\n");
        refused("garbage.pem", "not a PEM or DER certificate", "ca", "import", "--cert", "garbage.pem", "--key", "key.pem", "--force");
        String pem = Pem.certificate(ca);
        file("half.pem", pem.substring(0, pem.length() / 2));
        refused("half.pem", "truncated", "ca", "import", "--cert", "half.pem", "--key", "key.pem", "--force");
        file("half.der", Arrays.copyOf(TestPki.der(ca), 200));
        refused("half.der", "truncated", "cert", "show", "half.der");
        Run verify = cli.run("cert", "verify", "half.der");
        assertEquals(2, verify.exit(), verify.toString());
        assertTrue(verify.out().startsWith("half.der: ") && verify.out().contains("truncated"), verify.out());
    }

    @Test
    void aCertificateWhereAKeyIsExpectedAndAKeyThatDoesNotMatch() throws Exception {
        KeyPair keys = TestPki.ecKeyPair();
        file("ca.pem", Pem.certificate(TestPki.selfSigned(keys, "CN=Import", true)));
        refused("ca.pem", "where a private key was expected", "ca", "import", "--cert", "ca.pem", "--key", "ca.pem", "--force");
        file("other.pem", Pem.privateKey(TestPki.ecKeyPair().getPrivate()));
        refused("other.pem", "does not belong", "ca", "import", "--cert", "ca.pem", "--key", "other.pem", "--force");
    }

    @Test
    void aWrongStorePassword() throws Exception {
        CliRunner wrong = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", "not the password");
        byte[] before = Files.readAllBytes(store);
        for (String[] args : new String[][]{{"ca", "show"}, {"cert", "issue", "--subject", "/CN=new", "--key", "ec:p256"}, {"cert", "list"}}) {
            Run run = wrong.run(args);
            assertEquals(2, run.exit(), run.toString());
            assertTrue(run.err().contains("wrong store password"), run.err());
            assertFalse(run.err().contains("Exception"), run.err());
            assertEquals(1, run.err().strip().lines().count(), run.err());
        }
        assertArrayEquals(before, Files.readAllBytes(store));
    }

    @Test
    void anExpiredCaIsRefused() throws Exception {
        KeyPair keys = TestPki.ecKeyPair();
        X509Certificate expired = TestPki.selfSignedValid(keys, "CN=Expired CA", true,
                java.time.Instant.now().minus(java.time.Duration.ofDays(20)), java.time.Instant.now().minus(java.time.Duration.ofDays(10)));
        file("expired.pem", Pem.certificate(expired));
        file("expired-key.pem", Pem.privateKey(keys.getPrivate()));
        refused("expired.pem", "expired", "ca", "import", "--cert", "expired.pem", "--key", "expired-key.pem", "--force");
    }

    @Test
    void aCsrWithABadSignature() throws Exception {
        CommandLineTest.ok(cli.run("csr", "create", "--subject", "/CN=tamper", "--key", "ec:p256", "--key-out", "t.key", "--out", "t.csr"));
        String csrPem = Files.readString(dir.resolve("t.csr")).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] csr = java.util.Base64.getDecoder().decode(csrPem);
        csr[csr.length - 4] ^= 0x01;
        file("tampered.der", csr);
        refused("tampered.der", "signature does not verify", "cert", "sign", "--csr", "tampered.der", "--out", "t.pem");
        assertFalse(Files.exists(dir.resolve("t.pem")));
    }

    @Test
    void aMalformedOrUnsafeSubject() throws Exception {
        refused("subject", "'='", "cert", "issue", "--subject", "/CN", "--key", "ec:p256");
        refused("subject", "backslash", "cert", "issue", "--subject", "/CN=foo\\\\/O=bar", "--key", "ec:p256");
        file("subjects.txt", "/CN=fine\n/CN\n");
        refused("subjects.txt:2", "", "cert", "issue", "--subjects-file", "subjects.txt", "--out-dir", "out", "--key", "ec:p256");
    }

    @Test
    void bulkSubjectsThatCollideAndMisplacedOptions() throws Exception {
        file("same.txt", "/O=a/CN=twin\n/O=b/CN=twin\n");
        refused("'twin'", "same name", "cert", "issue", "--subjects-file", "same.txt", "--out-dir", "out", "--key", "ec:p256");
        refused("--san", "--server", "cert", "issue", "--subject", "/CN=client", "--san", "DNS:db.example.com", "--key", "ec:p256");
        refused("--subjects-file", "--out-dir", "cert", "issue", "--subjects-file", "same.txt", "--key", "ec:p256");
        assertFalse(Files.exists(dir.resolve("out")), "nothing written for a refused bulk issuance");
    }

    @Test
    void unknownOptionsAndMissingFiles() throws Exception {
        refused("--bogus", "Unknown option", "cert", "list", "--bogus");
        refused("missing.pem", "no such file", "cert", "show", "missing.pem");
        refused("--key", "unknown key type", "cert", "issue", "--subject", "/CN=k", "--key", "rsa:1024");
        refused("--store", "no plugin serves the store scheme 'nosuch'", "--store", "nosuch:thing", "cert", "list");
    }

    @Test
    void signingUnderANameThatIsTaken() throws Exception {
        CommandLineTest.ok(cli.run("csr", "create", "--subject", "/CN=other", "--key", "ec:p256", "--key-out", "o.key", "--out", "o.csr"));
        refused("'existing'", "already in the store", "cert", "sign", "--csr", "o.csr", "--out", "o.pem", "--name", "existing");
        assertFalse(Files.exists(dir.resolve("o.pem")), "nothing written");
        CommandLineTest.ok(cli.run("cert", "sign", "--csr", "o.csr", "--out", "o.pem", "--name", "signed-once"));
        refused("'signed-once'", "already in the store", "cert", "sign", "--csr", "o.csr", "--out", "o2.pem", "--name", "signed-once");
    }

    /**
     * cert issue --out-dir refuses a ca-cert.pem of another CA before anything is issued, and before the bulk
     * file's own problems (two subjects of one name).
     */
    @Test
    void issueRefusesACaCertOfAnotherCaBeforeIssuing() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("ca-cert.pem"), Pem.certificate(TestPki.selfSigned(TestPki.ecKeyPair(), "CN=Other", true)));
        refused("ca-cert.pem", "already exists with a different CA certificate", "cert", "issue", "--subject", "/CN=fresh", "--out-dir", "out");
        file("twice.txt", "/CN=twin\n/CN=twin\n");
        refused("ca-cert.pem", "already exists with a different CA certificate", "cert", "issue", "--subjects-file", "twice.txt", "--out-dir", "out");
        assertFalse(Files.exists(out.resolve("fresh-key.pem")), "nothing written");
    }
}
