package io.s2mtls.cli.command;

import io.s2mtls.cli.CliRunner;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.s2mtls.cli.command.CommandLineTest.ok;
import static io.s2mtls.core.testing.ExternalTool.openssl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every client file carries exactly what the client presents, its own certificate, and the servers' bundle carries
 * the rest: under an intermediate CA (here one made by openssl and imported with its root) NAME-cert.pem and
 * NAME.p12 hold the leaf and no CA certificate, and openssl verifies the leaf against the exported bundle (root and
 * intermediate) with nothing else. A client that never presents an intermediate cannot keep using one that a
 * rotation retired under a root the servers still trust.
 */
class ClientChainCommandTest {
    @TempDir
    Path dir;
    CliRunner cli;

    @BeforeEach
    void setUp() {
        cli = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", CommandLineTest.PASSWORD).env("S2MTLS_P12_PASSWORD", "client p12 password");
    }

    private void opensslIn(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(ExternalTool.require("openssl").toString()));
        command.addAll(List.of(args));
        ExternalTool.Result result = ExternalTool.run(command, new byte[0], java.util.Map.of(), dir);
        assertEquals(0, result.exitCode(), command + ": " + result.out() + result.stderr());
    }

    private void importOpensslIntermediate() throws Exception {
        Files.writeString(dir.resolve("ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                + "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n");
        opensslIn("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "root-key.pem",
                "-out", "root.pem", "-days", "400", "-subj", "/O=Chain/CN=Chain Root", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        opensslIn("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "int-key.pem", "-out", "int.csr",
                "-subj", "/O=Chain/CN=Chain Intermediate");
        opensslIn("x509", "-req", "-in", "int.csr", "-CA", "root.pem", "-CAkey", "root-key.pem", "-CAcreateserial", "-out", "int.pem",
                "-days", "300", "-sha256", "-extfile", "ca.ext");
        ok(cli.run("ca", "import", "--cert", "int.pem", "--key", "int-key.pem", "--chain", "root.pem"));
    }

    private int certificatesIn(String text) {
        return text.split("BEGIN CERTIFICATE", -1).length - 1;
    }

    private String p12Certificates(String p12) {
        return ExternalTool.run(List.of(ExternalTool.require("openssl").toString(), "pkcs12", "-info", "-nokeys", "-in", dir.resolve(p12).toString(),
                "-passin", "pass:client p12 password")).out();
    }

    private void verifies(String bundle, String cert) {
        assertEquals(dir.resolve(cert) + ": OK", openssl("verify", "-CAfile", dir.resolve(bundle).toString(), "-untrusted",
                dir.resolve(cert).toString(), dir.resolve(cert).toString()).out().strip());
    }

    private void verifiesAlone(String bundle, String cert) {
        assertEquals(dir.resolve(cert) + ": OK", openssl("verify", "-CAfile", dir.resolve(bundle).toString(),
                dir.resolve(cert).toString()).out().strip());
    }

    @Test
    void underAnIntermediateTheClientFilesHoldTheLeafAndTheBundleTheChain() throws Exception {
        importOpensslIntermediate();
        ok(cli.run("ca", "export", "--bundle", "--out", "bundle.pem"));
        assertEquals(2, certificatesIn(Files.readString(dir.resolve("bundle.pem"))), "the bundle: the intermediate and the root");
        ok(cli.run("cert", "issue", "--subject", "/O=Chain/CN=app", "--key", "ec:p256", "--out-dir", "issued"));
        ok(cli.run("cert", "export", "app", "--out-dir", "exported"));
        ok(cli.run("cert", "renew", "app", "--out-dir", "renewed"));
        for (String directory : List.of("issued", "exported", "renewed")) {
            String cert = Files.readString(dir.resolve(directory + "/app-cert.pem"));
            assertEquals(1, certificatesIn(cert), directory + ": the leaf alone");
            assertFalse(cert.contains(Files.readString(dir.resolve("int.pem")).strip()), directory + ": no intermediate in the client file");
            verifiesAlone("bundle.pem", directory + "/app-cert.pem");
            String p12 = p12Certificates(directory + "/app.p12");
            assertEquals(List.of("subject=O = Chain, CN = app"), p12.lines().filter(l -> l.startsWith("subject=")).toList(),
                    directory + "/app.p12: the key's certificate and no CA certificate: " + p12);
            assertEquals(Files.readString(dir.resolve("int.pem")).strip(), Files.readString(dir.resolve(directory + "/ca-cert.pem")).strip(),
                    "ca-cert.pem: the CA that signed it, as before");
        }
        // the root alone is not enough: the servers must be given the bundle, which holds the intermediate
        ExternalTool.Result alone = ExternalTool.run(List.of(ExternalTool.require("openssl").toString(), "verify", "-CAfile",
                dir.resolve("root.pem").toString(), dir.resolve("issued/app-cert.pem").toString()));
        assertFalse(alone.exitCode() == 0, alone.out());
    }

    @Test
    void underARootCaTheFilesHoldTheLeafAlone() throws Exception {
        ok(cli.run("ca", "create", "--subject", "/O=Chain/CN=Root CA", "--key", "ec:p256"));
        ok(cli.run("cert", "issue", "--subject", "/O=Chain/CN=app", "--key", "ec:p256", "--out-dir", "issued"));
        assertEquals(1, certificatesIn(Files.readString(dir.resolve("issued/app-cert.pem"))));
        assertEquals(1, certificatesIn(p12Certificates("issued/app.p12")));
        ok(cli.run("ca", "export", "--bundle", "--out", "bundle.pem"));
        ok(cli.run("ca", "export", "--out", "ca.pem"));
        assertEquals(Files.readString(dir.resolve("ca.pem")), Files.readString(dir.resolve("bundle.pem")), "outside a rotation the bundle is the CA");
        verifies("bundle.pem", "issued/app-cert.pem");
    }
}
