package io.s2mtls.cli.command;

import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.s2mtls.cli.command.CommandLineTest.PASSWORD;
import static io.s2mtls.cli.command.CommandLineTest.ok;
import static io.s2mtls.core.testing.ExternalTool.openssl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cert verify}: revocation from the store and from --crl, checked beside openssl verify -crl_check; and a chain in the file. */
class VerifyCommandTest {
    @TempDir
    Path dir;
    CliRunner cli;

    @BeforeEach
    void setUp() {
        cli = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", PASSWORD);
        ok(cli.run("ca", "create", "--subject", "/CN=Verify CA", "--key", "ec:p256"));
        ok(cli.run("ca", "export", "--out", "ca-cert.pem"));
        ok(cli.run("cert", "issue", "--subject", "/CN=alice", "--key", "ec:p256", "--out-dir", "creds"));
        ok(cli.run("cert", "issue", "--subject", "/CN=bob", "--key", "ec:p256", "--out-dir", "creds"));
    }

    private String opensslCrlCheck(String cert, String crl) {
        List<String> command = List.of(ExternalTool.require("openssl").toString(), "verify", "-auth_level", "2", "-purpose", "sslclient",
                "-crl_check", "-CRLfile", dir.resolve(crl).toString(), "-CAfile", dir.resolve("ca-cert.pem").toString(), dir.resolve(cert).toString());
        ExternalTool.Result result = ExternalTool.run(command);
        return result.out() + result.stderr();
    }

    @Test
    void aCertificateTheStoreRecordsAsRevokedIsReportedRevoked() {
        ok(cli.run("cert", "verify", "creds/alice-cert.pem"));
        ok(cli.run("cert", "revoke", "alice", "--reason", "left"));
        Run verify = cli.run("cert", "verify", "creds/alice-cert.pem", "creds/bob-cert.pem");
        assertEquals(1, verify.exit(), verify.toString());
        String[] lines = verify.out().split("\n");
        assertTrue(lines[0].startsWith("creds/alice-cert.pem: certificate revoked (the store records serial "), verify.out());
        assertEquals("creds/bob-cert.pem: OK", lines[1]);
    }

    @Test
    void aCrlGivenWithCrlRevokesAsOpensslCrlCheckDoes() {
        ok(cli.run("cert", "revoke", "alice", "--crl-out", "crl.pem"));
        // --ca: the store is not read, so the revocation comes from the CRL alone
        Run verify = cli.run("cert", "verify", "--ca", "ca-cert.pem", "--crl", "crl.pem", "creds/alice-cert.pem", "creds/bob-cert.pem");
        assertEquals(1, verify.exit(), verify.toString());
        assertTrue(verify.out().startsWith("creds/alice-cert.pem: certificate revoked ("), verify.out());
        assertTrue(verify.out().contains("\ncreds/bob-cert.pem: OK\n"), verify.out());
        assertTrue(opensslCrlCheck("creds/alice-cert.pem", "crl.pem").contains("certificate revoked"));
        assertTrue(opensslCrlCheck("creds/bob-cert.pem", "crl.pem").contains(": OK"));
        // without the CRL, --ca alone cannot know
        ok(cli.run("cert", "verify", "--ca", "ca-cert.pem", "creds/alice-cert.pem"));
    }

    @Test
    void aCrlThatIsNotTheCasIsExitTwoNamingTheFile() throws Exception {
        CliRunner impostor = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", PASSWORD);
        ok(impostor.run("--store", "pkcs12:impostor.p12", "ca", "create", "--subject", "/CN=Verify CA", "--key", "ec:p256"));
        ok(impostor.run("--store", "pkcs12:impostor.p12", "ca", "crl", "--out", "forged-crl.pem"));
        Run forged = cli.run("cert", "verify", "--crl", "forged-crl.pem", "creds/alice-cert.pem");
        assertEquals(2, forged.exit(), forged.toString());
        assertTrue(forged.err().contains("forged-crl.pem: the CRL's signature does not verify"), forged.toString());
        assertFalse(forged.out().contains(": OK"), forged.toString());
        assertFalse(opensslCrlCheck("creds/alice-cert.pem", "forged-crl.pem").contains(": OK"));

        Files.writeString(dir.resolve("junk.crl"), "-----BEGIN X509 CRL-----\nnot base64 at all\n-----END X509 CRL-----\n");
        Run junk = cli.run("cert", "verify", "--crl", "junk.crl", "creds/alice-cert.pem");
        assertEquals(2, junk.exit(), junk.toString());
        assertTrue(junk.err().contains("junk.crl: "), junk.toString());
        assertEquals(1, junk.err().strip().lines().count(), junk.toString());
    }

    @Test
    void furtherCertificatesInTheFileAreTheChainItPresents() throws Exception {
        // an openssl-made root and intermediate, imported as the store's CA is not needed: --ca holds the root only
        Path root = dir.resolve("root.pem");
        Path rootKey = dir.resolve("root-key.pem");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", rootKey.toString(),
                "-subj", "/CN=Chain Root", "-days", "30", "-out", root.toString(),
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        Path ext = dir.resolve("ca.ext");
        Files.writeString(ext, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n");
        Path inter = dir.resolve("inter.pem");
        Path interKey = dir.resolve("inter-key.pem");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", interKey.toString(),
                "-subj", "/CN=Chain Intermediate", "-out", dir.resolve("inter.csr").toString());
        openssl("x509", "-req", "-in", dir.resolve("inter.csr").toString(), "-CA", root.toString(), "-CAkey", rootKey.toString(),
                "-set_serial", "7", "-days", "20", "-extfile", ext.toString(), "-out", inter.toString());
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", dir.resolve("leaf-key.pem").toString(),
                "-subj", "/CN=chained", "-out", dir.resolve("leaf.csr").toString());
        openssl("x509", "-req", "-in", dir.resolve("leaf.csr").toString(), "-CA", inter.toString(), "-CAkey", interKey.toString(),
                "-set_serial", "8", "-days", "10", "-out", dir.resolve("leaf.pem").toString());
        Files.writeString(dir.resolve("leaf-chain.pem"), Files.readString(dir.resolve("leaf.pem")) + Files.readString(inter));

        assertEquals("leaf-chain.pem: OK\n", ok(cli.run("cert", "verify", "--ca", "root.pem", "leaf-chain.pem")).out());
        Run alone = cli.run("cert", "verify", "--ca", "root.pem", "leaf.pem");
        assertEquals(1, alone.exit(), alone.toString());
        assertEquals("leaf.pem: unable to get local issuer certificate\n", alone.out());
    }
}
