package io.s2mtls.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static io.s2mtls.cli.command.CommandLineTest.ok;
import static io.s2mtls.core.testing.ExternalTool.openssl;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rotation runbook through the real command line (PKCS12 store in a temporary directory): begin, bundle,
 * switch, renew --all, finish, with a root CA and with a root and an intermediate, the offline root, the
 * refusals (each leaving the store's bytes as they were), the JSON shapes, and at each phase the bundle checked
 * by openssl against the client files.
 */
class RotationCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROOT_PASSWORD = "root password, kept offline";
    @TempDir
    Path dir;
    CliRunner cli;

    @BeforeEach
    void setUp() throws Exception {
        cli = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", CommandLineTest.PASSWORD).env("S2MTLS_ACTOR", "rotation-test");
        Files.writeString(dir.resolve("root.pass"), ROOT_PASSWORD + "\n");
    }

    private JsonNode json(String... args) throws Exception {
        String[] withJson = java.util.Arrays.copyOf(args, args.length + 2);
        withJson[args.length] = "--output";
        withJson[args.length + 1] = "json";
        return JSON.readTree(ok(cli.run(withJson)).out());
    }

    private Run refused(String... args) throws Exception {
        byte[] before = Files.readAllBytes(dir.resolve("s2mtls.p12"));
        Run run = cli.run(args);
        assertEquals(2, run.exit(), run.toString());
        assertFalse(run.err().isBlank(), run.toString());
        assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("s2mtls.p12")), "the store is unchanged after: " + String.join(" ", args));
        return run;
    }

    /** openssl verify of {@code cert} (leaf, then its intermediates) against the CA file {@code bundle}. */
    private ExternalTool.Result verify(String bundle, String cert) {
        return ExternalTool.run(List.of(ExternalTool.require("openssl").toString(), "verify", "-CAfile", dir.resolve(bundle).toString(),
                "-untrusted", dir.resolve(cert).toString(), dir.resolve(cert).toString()));
    }

    private void verifies(String bundle, String cert) {
        ExternalTool.Result result = verify(bundle, cert);
        assertEquals(0, result.exitCode(), bundle + " / " + cert + ": " + result.out() + result.stderr());
        assertEquals(dir.resolve(cert) + ": OK", result.out().strip());
    }

    private void doesNotVerify(String bundle, String cert) {
        ExternalTool.Result result = verify(bundle, cert);
        assertNotEquals(0, result.exitCode(), bundle + " must not verify " + cert + ": " + result.out());
    }

    private int certificatesIn(String file) throws Exception {
        String pem = Files.readString(dir.resolve(file));
        return (pem.length() - pem.replace("BEGIN CERTIFICATE", "").length()) / "BEGIN CERTIFICATE".length();
    }

    private String issuerOf(String cert) {
        return openssl("x509", "-in", dir.resolve(cert).toString(), "-noout", "-issuer", "-nameopt", "compat").out().strip()
                .replaceFirst("^issuer=", "");
    }

    private String subjectDer(String cert) {
        return openssl("x509", "-in", dir.resolve(cert).toString(), "-noout", "-subject", "-nameopt", "RFC2253").out().strip();
    }

    @Test
    void theRunbookWithARootCaMovesEveryCredentialToTheNewCaWithoutABundleThatFailsAClient() throws Exception {
        ok(cli.run("ca", "create", "--subject", "/O=Rot/CN=Rot CA", "--key", "ec:p256"));
        ok(cli.run("cert", "issue", "--subject", "/O=Rot/OU=a\\+b/CN=app", "--key", "ec:p256", "--name", "app", "--out-dir", "v1"));
        ok(cli.run("cert", "issue", "--subject", "/O=Rot/CN=gone", "--key", "ec:p256", "--name", "gone"));
        ok(cli.run("cert", "revoke", "gone"));
        ok(cli.run("cert", "issue", "--server", "--subject", "/O=Rot/CN=db.example.com", "--san", "DNS:db.example.com", "--key", "ec:p256",
                "--name", "db1"));
        assertEquals(1, certificatesIn("v1/app-cert.pem"), "a root CA: the leaf alone");
        ok(cli.run("ca", "export", "--bundle", "--out", "bundle-0.pem"));
        verifies("bundle-0.pem", "v1/app-cert.pem");

        JsonNode begun = json("ca", "rotate", "begin", "--subject", "/O=Rot/CN=Rot CA 2");
        assertEquals("begin", begun.get("action").asText());
        assertEquals("begun", begun.get("phase").asText());
        assertEquals("/O=Rot/CN=Rot CA", begun.at("/authorities/current/subject").asText(), "the old CA still issues");
        assertEquals("/O=Rot/CN=Rot CA", begun.at("/authorities/old/subject").asText());
        assertEquals("/O=Rot/CN=Rot CA 2", begun.at("/authorities/next/subject").asText());
        assertTrue(begun.at("/authorities/root").isNull(), begun.toString());
        assertEquals(2, begun.at("/credentials/stillOnOld").asInt(), "app and the server's db1, not the revoked one: " + begun);
        assertFalse(begun.get("serverSteps").isEmpty(), begun.toString());
        assertEquals("s2mtls ca rotate switch", begun.get("next").asText());
        refused("ca", "rotate", "begin");

        ok(cli.run("ca", "export", "--bundle", "--out", "bundle-1.pem"));
        assertEquals(2, certificatesIn("bundle-1.pem"));
        verifies("bundle-1.pem", "v1/app-cert.pem");
        JsonNode stale = json("ca", "rotate", "status", "--bundle", "bundle-0.pem", "--bundle", "bundle-1.pem");
        assertEquals("status", stale.get("action").asText());
        assertFalse(stale.at("/bundles/0/ready").asBoolean(), stale.toString());
        assertFalse(stale.at("/bundles/0/missing").isEmpty(), stale.toString());
        assertTrue(stale.at("/bundles/1/ready").asBoolean(), stale.toString());
        assertEquals(1, cli.run("ca", "rotate", "status", "--bundle", "bundle-0.pem", "--check").exit(), "the old bundle is not ready");
        assertEquals(0, cli.run("ca", "rotate", "status", "--bundle", "bundle-1.pem", "--check").exit(),
                "before the switch only the bundles matter: the old CA still issues");
        JsonNode serverConfig = json("server-config", "--credential", "db1", "--flavor", "mariadb", "--dir", "server-ssl", "--write");
        assertTrue(serverConfig.get("rotation").asBoolean(), serverConfig.toString());
        assertEquals(2, serverConfig.get("clientCa").size(), serverConfig.toString());
        assertTrue(serverConfig.get("notes").toString().contains("A CA rotation is under way (phase begun)"), serverConfig.toString());
        assertEquals("begun", serverConfig.get("phase").asText());
        assertTrue(serverConfig.get("notes").toString().contains("before 's2mtls ca rotate switch'"), serverConfig.toString());
        assertEquals(Files.readString(dir.resolve("bundle-1.pem")), Files.readString(dir.resolve("server-ssl/ca-cert.pem")),
                "server-config writes the bundle the servers need");
        Run text = ok(cli.run("ca", "rotate", "status", "--bundle", "bundle-1.pem"));
        assertTrue(text.out().contains("phase:        begun") && text.out().contains("On the servers:"), text.out());

        JsonNode switched = json("ca", "rotate", "switch");
        assertEquals("switched", switched.get("phase").asText());
        assertEquals("/O=Rot/CN=Rot CA 2", switched.at("/authorities/current/subject").asText());
        assertEquals("/O=Rot/CN=Rot CA", switched.at("/authorities/old/subject").asText());
        assertEquals("s2mtls ca rotate finish", switched.get("next").asText());
        JsonNode afterSwitch = json("server-config", "--credential", "db1", "--flavor", "singlestore");
        assertEquals("switched", afterSwitch.get("phase").asText(), "server-config tells the phases apart");
        assertTrue(afterSwitch.get("rotation").asBoolean(), afterSwitch.toString());
        assertTrue(afterSwitch.get("notes").toString().contains("'s2mtls cert renew --all' or 'apply'), then 's2mtls ca rotate finish'"), afterSwitch.toString());
        assertFalse(afterSwitch.get("notes").toString().contains("before 's2mtls ca rotate switch'"), afterSwitch.toString());
        ok(cli.run("cert", "issue", "--subject", "/O=Rot/CN=fresh", "--key", "ec:p256", "--out-dir", "v2"));
        assertEquals("/O=Rot/CN=Rot CA 2", issuerOf("v2/fresh-cert.pem"));
        verifies("bundle-1.pem", "v2/fresh-cert.pem");
        verifies("bundle-1.pem", "v1/app-cert.pem");

        refused("ca", "rotate", "finish");
        refused("ca", "rotate", "switch");

        JsonNode renewed = json("cert", "renew", "--all", "--out-dir", "v3");
        assertTrue(renewed.size() >= 1, renewed.toString());
        assertEquals(subjectDer("v1/app-cert.pem"), subjectDer("v3/app-cert.pem"), "REQUIRE SUBJECT needs no change");
        assertEquals("/O=Rot/CN=Rot CA 2", issuerOf("v3/app-cert.pem"));
        verifies("bundle-1.pem", "v3/app-cert.pem");
        assertEquals(0, json("ca", "rotate", "status").at("/credentials/stillOnOld").asInt());
        assertEquals(0, cli.run("ca", "rotate", "status", "--bundle", "bundle-1.pem", "--check").exit());

        JsonNode finished = json("ca", "rotate", "finish");
        JsonNode afterFinish = json("server-config", "--credential", "db1");
        assertFalse(afterFinish.get("rotation").asBoolean());
        assertEquals("none", afterFinish.get("phase").asText());
        assertFalse(afterFinish.get("notes").toString().contains("A CA rotation is under way"), afterFinish.toString());
        assertEquals("none", finished.get("phase").asText());
        assertEquals("/O=Rot/CN=Rot CA 2", finished.at("/authorities/current/subject").asText());
        assertTrue(finished.at("/authorities/old").isNull() && finished.get("next").isNull(), finished.toString());
        ok(cli.run("ca", "export", "--bundle", "--out", "bundle-2.pem"));
        assertEquals(1, certificatesIn("bundle-2.pem"));
        verifies("bundle-2.pem", "v3/app-cert.pem");
        verifies("bundle-2.pem", "v2/fresh-cert.pem");
        doesNotVerify("bundle-2.pem", "v1/app-cert.pem");
        String audit = ok(cli.run("audit")).out();
        for (String action : List.of("begin", "switch", "finish")) {
            assertTrue(audit.contains(action), "the audit trail records " + action + ": " + audit);
        }
    }

    @Test
    void phasesOutOfOrderAreRefusedAndLeaveTheStoreAsItWas() throws Exception {
        ok(cli.run("ca", "create", "--subject", "/O=Rot/CN=Order CA", "--key", "ec:p256"));
        refused("ca", "rotate", "switch");
        refused("ca", "rotate", "finish");
        refused("ca", "rotate", "rollback");
        refused("ca", "rotate", "begin", "--key", "ec:p256", "--remote-key", "vault-transit:x");
        refused("ca", "rotate", "begin", "--root-password-file", "root.pass");
        refused("ca", "rotate", "begin", "--days", "0");
        JsonNode none = json("ca", "rotate", "status");
        assertEquals("none", none.get("phase").asText());
        assertTrue(none.at("/authorities/next").isNull() && none.get("next").isNull(), none.toString());
    }

    @Test
    void rollbackUndoesTheLastPhase() throws Exception {
        ok(cli.run("ca", "create", "--subject", "/O=Rot/CN=Back CA", "--key", "ec:p256"));
        ok(cli.run("cert", "issue", "--subject", "/O=Rot/CN=app", "--key", "ec:p256", "--out-dir", "v1"));
        ok(cli.run("ca", "rotate", "begin", "--key", "ec:p384"));
        ok(cli.run("ca", "rotate", "switch"));
        JsonNode back = json("ca", "rotate", "rollback");
        assertEquals("begun", back.get("phase").asText());
        assertEquals("/O=Rot/CN=Back CA", back.at("/authorities/current/subject").asText(), "the old CA issues again");
        ok(cli.run("cert", "issue", "--subject", "/O=Rot/CN=after", "--key", "ec:p256", "--out-dir", "v2"));
        assertEquals("/O=Rot/CN=Back CA", issuerOf("v2/after-cert.pem"));
        assertEquals("none", json("ca", "rotate", "rollback").get("phase").asText());
        ok(cli.run("ca", "export", "--bundle", "--out", "bundle.pem"));
        assertEquals(1, certificatesIn("bundle.pem"));
        verifies("bundle.pem", "v1/app-cert.pem");
    }

    @Test
    void anIntermediateRotatesUnderAnOfflineRoot() throws Exception {
        JsonNode created = json("ca", "create", "--intermediate", "--subject", "/O=Rot/CN=Issuing CA", "--key", "ec:p256", "--days", "400");
        assertEquals("/O=Rot/CN=Issuing CA", created.at("/intermediate/certificate/subject").asText());
        assertEquals("/O=Rot/CN=Issuing CA Root", created.at("/root/certificate/subject").asText(), "the documented default");
        assertEquals("/O=Rot/CN=Issuing CA Root", created.at("/intermediate/certificate/issuer").asText());
        ok(cli.run("cert", "issue", "--subject", "/O=Rot/CN=app", "--key", "ec:p256", "--name", "app", "--out-dir", "v1"));
        assertEquals(1, certificatesIn("v1/app-cert.pem"), "the leaf alone: the servers' bundle holds the intermediate");
        String p12 = ExternalTool.run(List.of(ExternalTool.require("openssl").toString(), "pkcs12", "-info", "-nokeys", "-in",
                dir.resolve("v1/app.p12").toString(), "-passin", "file:" + dir.resolve("v1/app.p12.pass"))).out();
        assertEquals(1, p12.split("BEGIN CERTIFICATE", -1).length - 1, "NAME.p12: the leaf alone: " + p12);
        assertEquals(List.of("subject=O = Rot, CN = app"),
                p12.lines().filter(l -> l.startsWith("subject=")).toList(), "no CA certificate: " + p12);
        ok(cli.run("ca", "export", "--bundle", "--out", "bundle-0.pem"));
        assertEquals(2, certificatesIn("bundle-0.pem"), "the intermediate and the root");
        verifies("bundle-0.pem", "v1/app-cert.pem");

        refused("ca", "root", "remove");
        Run noPassword = cli.run("ca", "root", "export", "--out", "root.p12");
        assertEquals(2, noPassword.exit(), noPassword.toString());
        Run exported = ok(cli.run("ca", "root", "export", "--out", "root.p12", "--password-file", "root.pass", "--output", "json"));
        assertEquals("/O=Rot/CN=Issuing CA Root", JSON.readTree(exported.out()).get("subject").asText());
        assertFalse(exported.out().contains("PRIVATE KEY") || exported.err().contains("PRIVATE KEY"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("root.p12"))));
        String rootInfo = ExternalTool.run(List.of(ExternalTool.require("openssl").toString(), "pkcs12", "-info", "-noout", "-in",
                dir.resolve("root.p12").toString(), "-passin", "file:" + dir.resolve("root.pass"))).stderr();
        assertTrue(rootInfo.contains("AES-256-CBC") && rootInfo.contains("sha256"), rootInfo);
        byte[] exportedBytes = Files.readAllBytes(dir.resolve("root.p12"));
        Run again = cli.run("ca", "root", "export", "--out", "root.p12", "--password-file", "root.pass");
        assertEquals(2, again.exit(), again.toString());
        assertArrayEquals(exportedBytes, Files.readAllBytes(dir.resolve("root.p12")), "an existing file is kept without --force");
        ok(cli.run("ca", "root", "remove"));
        assertTrue(json("ca", "rotate", "status").at("/authorities/root/keyLocation").asText().startsWith("offline"));

        refused("ca", "rotate", "begin");
        Files.writeString(dir.resolve("wrong.pass"), "not the root password\n");
        refused("ca", "rotate", "begin", "--root-file", "root.p12", "--root-password-file", "wrong.pass");
        JsonNode begun = json("ca", "rotate", "begin", "--subject", "/O=Rot/CN=Issuing CA 2", "--root-file", "root.p12",
                "--root-password-file", "root.pass");
        assertEquals("/O=Rot/CN=Issuing CA 2", begun.at("/authorities/next/subject").asText());
        assertEquals("/O=Rot/CN=Issuing CA Root", begun.at("/authorities/root/subject").asText());
        ok(cli.run("ca", "export", "--bundle", "--out", "bundle-1.pem"));
        assertEquals(3, certificatesIn("bundle-1.pem"), "both intermediates and the root once");
        verifies("bundle-1.pem", "v1/app-cert.pem");
        ok(cli.run("ca", "rotate", "switch"));
        ok(cli.run("cert", "renew", "--all", "--out-dir", "v2"));
        assertEquals("/O=Rot/CN=Issuing CA 2", issuerOf("v2/app-cert.pem"));
        assertEquals(1, certificatesIn("v2/app-cert.pem"));
        verifies("bundle-1.pem", "v2/app-cert.pem");
        ok(cli.run("ca", "rotate", "finish"));
        ok(cli.run("ca", "export", "--bundle", "--out", "bundle-2.pem"));
        assertEquals(2, certificatesIn("bundle-2.pem"), "the new intermediate and the root");
        verifies("bundle-2.pem", "v2/app-cert.pem");
        // the old files as s2mtls wrote them (the leaf alone) no longer chain to the bundle: the retired
        // intermediate is in neither (a client that kept a copy of it is the runbook's documented limit)
        ExternalTool.Result leafAlone = ExternalTool.run(List.of(ExternalTool.require("openssl").toString(), "verify", "-CAfile",
                dir.resolve("bundle-2.pem").toString(), dir.resolve("v1/app-cert.pem").toString()));
        assertNotEquals(0, leafAlone.exitCode(), leafAlone.out());
    }

    @Test
    void anIntermediateThatEndsWithItsRootIsWarnedAboutInEveryRotateCommand() throws Exception {
        ok(cli.run("ca", "create", "--intermediate", "--subject", "/O=Rot/CN=Short CA", "--key", "ec:p256", "--days", "400",
                "--root-days", "100"));
        JsonNode status = json("ca", "rotate", "status");
        assertEquals(1, status.get("warnings").size(), status.toString());
        assertTrue(status.at("/warnings/0").asText().startsWith("the CA '/O=Rot/CN=Short CA' ends with its root '/O=Rot/CN=Short CA Root' on "),
                status.toString());
        Run text = ok(cli.run("ca", "rotate", "begin"));
        assertEquals(2, text.out().lines().filter(l -> l.startsWith("warning:      the CA ") && l.endsWith("replace the root before then")).count(),
                "the issuing intermediate and the next one: " + text.out());
    }

    @Test
    void anIntermediateWithItsRootInTheStoreRotatesWithoutARootFile() throws Exception {
        JsonNode created = json("ca", "create", "--intermediate", "--subject", "/O=Rot/CN=Kept CA", "--root-subject", "/O=Rot/CN=Kept Root",
                "--key", "ec:p256", "--root-key", "ec:p384", "--days", "300", "--root-days", "900");
        java.time.Instant rootEnd = java.time.Instant.parse(created.at("/root/certificate/notAfter").asText());
        long rootDays = java.time.Duration.between(java.time.Instant.now(), rootEnd).toDays();
        assertTrue(rootDays >= 899 && rootDays <= 900, "--root-days 900: " + rootEnd);
        assertTrue(created.at("/root/certificate/key").asText().contains("384"), created.toString());
        ok(cli.run("cert", "issue", "--subject", "/O=Rot/CN=app", "--key", "ec:p256", "--out-dir", "v1"));
        JsonNode begun = json("ca", "rotate", "begin");
        assertEquals("/O=Rot/CN=Kept Root", begun.at("/authorities/root/subject").asText());
        assertEquals("in the store", begun.at("/authorities/root/keyLocation").asText());
        assertEquals(0, begun.get("warnings").size(), "300-day intermediates under a 900-day root: " + begun);
        assertEquals("/O=Rot/CN=Kept CA", begun.at("/authorities/next/subject").asText(), "the subject is copied by default");
        assertNotEquals(begun.at("/authorities/old/serial").asText(), begun.at("/authorities/next/serial").asText());
        ok(cli.run("ca", "export", "--bundle", "--out", "bundle.pem"));
        assertEquals(3, certificatesIn("bundle.pem"));
        verifies("bundle.pem", "v1/app-cert.pem");
    }

    @Test
    void badIntermediateOptionsAreRefused() throws Exception {
        for (List<String> args : List.of(
                List.of("ca", "create", "--subject", "/CN=A", "--root-days", "10"),
                List.of("ca", "create", "--intermediate", "--subject", "/O=No CN"),
                List.of("ca", "create", "--intermediate", "--subject", "/CN=A", "--root-key", "ec:p256", "--root-remote-key", "vault-transit:r"),
                List.of("ca", "create", "--intermediate", "--subject", "/CN=A", "--root-subject", "/CN=A"))) {
            Run run = cli.run(args.toArray(String[]::new));
            assertEquals(2, run.exit(), args + ": " + run);
            assertFalse(Files.exists(dir.resolve("s2mtls.p12")), "no store made: " + args);
        }
    }
}
