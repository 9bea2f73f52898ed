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
import java.util.List;

import static io.s2mtls.cli.command.CommandLineTest.ok;
import static io.s2mtls.core.testing.ExternalTool.openssl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Renewal keeps the subject, revocation reaches the CRL, and everything lands in the audit trail. */
class LifecycleCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    CliRunner cli;

    @BeforeEach
    void setUp() {
        cli = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", CommandLineTest.PASSWORD).env("S2MTLS_ACTOR", "alice-ops");
        ok(cli.run("ca", "create", "--subject", "/O=Life/CN=Lifecycle CA", "--key", "ec:p256"));
    }

    private String opensslSubject(Path cert) {
        return openssl("x509", "-in", cert.toString(), "-noout", "-subject", "-nameopt", "compat").out();
    }

    @Test
    void renewalKeepsTheSubjectDerAndBothCertificatesStayValid() throws Exception {
        ok(cli.run("cert", "issue", "--subject", "/O=Life/OU=a\\+b/CN=app_reader+UID=7", "--key", "ec:p256", "--days", "20", "--name", "app", "--out-dir", "v1"));
        Path v1 = dir.resolve("v1/app-cert.pem");
        Run renew = ok(cli.run("cert", "renew", "app", "--out-dir", "v2", "--output", "json"));
        JsonNode renewed = JSON.readTree(renew.out());
        assertEquals(1, renewed.size());
        Path v2 = dir.resolve("v2/app-cert.pem");
        assertEquals(opensslSubject(v1), opensslSubject(v2));
        String der1 = openssl("x509", "-in", v1.toString(), "-noout", "-subject", "-nameopt", "RFC2253").out();
        assertEquals(der1, openssl("x509", "-in", v2.toString(), "-noout", "-subject", "-nameopt", "RFC2253").out());
        assertNotEquals(Files.readString(dir.resolve("v1/app-key.pem")), Files.readString(dir.resolve("v2/app-key.pem")), "a new key");
        Path ca = dir.resolve("v2/ca-cert.pem");
        assertEquals(v1 + ": OK", openssl("verify", "-CAfile", ca.toString(), v1.toString()).out().strip());
        assertEquals(v2 + ": OK", openssl("verify", "-CAfile", ca.toString(), v2.toString()).out().strip());
        JsonNode list = JSON.readTree(ok(cli.run("cert", "list", "--output", "json")).out());
        assertEquals(List.of("superseded", "valid"), List.of(list.get(0).get("status").asText(), list.get(1).get("status").asText()));
        // renewing by the superseded serial is refused with a reason
        Run old = cli.run("cert", "renew", list.get(0).get("serial").asText());
        assertEquals(2, old.exit(), old.toString());
        assertTrue(old.err().contains("superseded"), old.err());
    }

    @Test
    void renewDueRenewsOnlyWhatExpiresInTheWindow() throws Exception {
        ok(cli.run("cert", "issue", "--subject", "/CN=soon", "--key", "ec:p256", "--days", "10"));
        ok(cli.run("cert", "issue", "--subject", "/CN=later", "--key", "ec:p256", "--days", "200"));
        JsonNode renewed = JSON.readTree(ok(cli.run("cert", "renew", "--due", "--within", "30d", "--output", "json")).out());
        assertEquals(1, renewed.size());
        assertEquals("soon", renewed.get(0).get("name").asText());
        assertEquals(1, cli.run("cert", "list", "--expiring-within", "30d").exit(), "the renewed one still lasts only 10 days");
        assertEquals("[ ]", ok(cli.run("cert", "renew", "--due", "--within", "5d", "--output", "json")).out().strip());
    }

    @Test
    void revocationWritesACrlOpensslHonours() throws Exception {
        ok(cli.run("cert", "issue", "--subject", "/CN=leaver", "--key", "ec:p256", "--out-dir", "c"));
        ok(cli.run("cert", "issue", "--subject", "/CN=stayer", "--key", "ec:p256", "--out-dir", "c"));
        Run revoke = ok(cli.run("cert", "revoke", "leaver", "--reason", "left the company", "--crl-out", "crl.pem"));
        assertTrue(revoke.out().contains("Database: not changed"), revoke.out());
        Path ca = dir.resolve("c/ca-cert.pem");
        Path crl = dir.resolve("crl.pem");
        openssl("crl", "-in", crl.toString(), "-CAfile", ca.toString(), "-noout");
        List<String> check = List.of(ExternalTool.require("openssl").toString(), "verify", "-crl_check", "-CRLfile", crl.toString(),
                "-CAfile", ca.toString(), dir.resolve("c/leaver-cert.pem").toString());
        ExternalTool.Result revoked = ExternalTool.run(check);
        assertTrue(revoked.exitCode() != 0 && (revoked.out() + revoked.stderr()).contains("certificate revoked"), revoked.out() + revoked.stderr());
        assertEquals(dir.resolve("c/stayer-cert.pem") + ": OK", openssl("verify", "-crl_check", "-CRLfile", crl.toString(),
                "-CAfile", ca.toString(), dir.resolve("c/stayer-cert.pem").toString()).out().strip());
        Run again = cli.run("cert", "revoke", "leaver");
        assertEquals(2, again.exit(), again.toString());
        assertTrue(again.err().contains("already revoked"), again.err());
        ok(cli.run("ca", "crl", "--out", "crl2.pem"));
        assertTrue(openssl("crl", "-in", dir.resolve("crl2.pem").toString(), "-noout", "-text").out().contains("Revoked Certificates"));
    }

    private String serialOf(String cert) {
        return openssl("x509", "-in", dir.resolve(cert).toString(), "-noout", "-serial").out().strip().replaceFirst("^serial=", "");
    }

    private ExternalTool.Result verifyWithCrl(String crl, String cert) {
        return ExternalTool.run(List.of(ExternalTool.require("openssl").toString(), "verify", "-crl_check", "-CRLfile",
                dir.resolve(crl).toString(), "-CAfile", dir.resolve("v1/ca-cert.pem").toString(), dir.resolve(cert).toString()));
    }

    private void refusedAsRevoked(String crl, String cert) {
        ExternalTool.Result result = verifyWithCrl(crl, cert);
        assertTrue(result.exitCode() != 0 && (result.out() + result.stderr()).contains("certificate revoked"),
                cert + ": " + result.out() + result.stderr());
    }

    private static String crlSerials(String crlText) {
        return crlText.replace(":", "").toUpperCase(java.util.Locale.ROOT);
    }

    @Test
    void revokingANameRevokesTheRenewedAndTheSupersededCertificatesAndTheCrlListsThemAll() throws Exception {
        ok(cli.run("cert", "issue", "--subject", "/O=Life/CN=rotated", "--key", "ec:p256", "--name", "app", "--out-dir", "v1"));
        ok(cli.run("cert", "renew", "app", "--out-dir", "v2"));
        ok(cli.run("cert", "renew", "app", "--out-dir", "v3"));
        ok(cli.run("cert", "issue", "--subject", "/O=Life/CN=bystander", "--key", "ec:p256", "--out-dir", "v1"));
        List<String> serials = List.of(serialOf("v1/app-cert.pem"), serialOf("v2/app-cert.pem"), serialOf("v3/app-cert.pem"));

        Run revoked = ok(cli.run("cert", "revoke", "app", "--crl-out", "crl.pem"));
        String text = crlSerials(openssl("crl", "-in", dir.resolve("crl.pem").toString(), "-noout", "-text").out());
        for (String serial : serials) {
            assertTrue(text.contains(serial), serial + " is in the CRL:\n" + text);
        }
        assertFalse(text.contains(serialOf("v1/bystander-cert.pem")), text);
        for (String cert : List.of("v1/app-cert.pem", "v2/app-cert.pem", "v3/app-cert.pem")) {
            refusedAsRevoked("crl.pem", cert);
        }
        assertEquals(0, verifyWithCrl("crl.pem", "v1/bystander-cert.pem").exitCode());
        assertEquals(3, revoked.out().lines().filter(l -> l.startsWith("Revoked app (serial ")).count(), revoked.out());
        assertEquals(2, revoked.out().lines().filter(l -> l.contains("superseded by a renewal")).count(), revoked.out());
        // 'ca crl' writes the same list
        ok(cli.run("ca", "crl", "--out", "crl2.pem"));
        String again = crlSerials(openssl("crl", "-in", dir.resolve("crl2.pem").toString(), "-noout", "-text").out());
        serials.forEach(s -> assertTrue(again.contains(s), s + " in " + again));
        JsonNode list = JSON.readTree(ok(cli.run("cert", "list", "--output", "json")).out());
        for (JsonNode entry : list) {
            assertEquals(entry.get("name").asText().equals("app") ? "revoked" : "valid", entry.get("status").asText(), entry.toString());
        }
        Run twice = cli.run("cert", "revoke", "app");
        assertEquals(2, twice.exit(), twice.toString());
        assertTrue(twice.err().contains("'app' is already revoked"), twice.err());
    }

    @Test
    void revokeSerialNarrowsToOneCertificate() throws Exception {
        ok(cli.run("cert", "issue", "--subject", "/O=Life/CN=narrow", "--key", "ec:p256", "--name", "app", "--out-dir", "v1"));
        ok(cli.run("cert", "renew", "app", "--out-dir", "v2"));
        String old = serialOf("v1/app-cert.pem");
        Run revoke = ok(cli.run("cert", "revoke", "app", "--serial", old, "--crl-out", "crl.pem"));
        assertTrue(revoke.out().contains("serial " + old.replaceFirst("^0+", "") + ", superseded by a renewal"), revoke.out());
        refusedAsRevoked("crl.pem", "v1/app-cert.pem");
        assertEquals(0, verifyWithCrl("crl.pem", "v2/app-cert.pem").exitCode(), "the current certificate stays valid");
        Run wrongName = cli.run("cert", "revoke", "other", "--serial", serialOf("v2/app-cert.pem"));
        assertEquals(2, wrongName.exit(), wrongName.toString());
        assertTrue(wrongName.err().contains("belongs to 'app'"), wrongName.err());
        // the name then revokes what is left: the current certificate
        JsonNode rest = JSON.readTree(ok(cli.run("cert", "revoke", "app", "--crl-out", "crl.pem", "--output", "json")).out());
        assertEquals(1, rest.get("serials").size(), rest.toPrettyString());
        refusedAsRevoked("crl.pem", "v2/app-cert.pem");
        refusedAsRevoked("crl.pem", "v1/app-cert.pem");
    }

    @Test
    void theAuditTrailRecordsEveryChange() throws Exception {
        ok(cli.run("cert", "issue", "--subject", "/CN=audited", "--key", "ec:p256"));
        ok(cli.run("cert", "renew", "audited"));
        ok(cli.run("cert", "revoke", "audited", "--reason", "test"));
        ok(cli.run("csr", "create", "--subject", "/CN=signed", "--key", "ec:p256", "--key-out", "k.pem", "--out", "r.pem"));
        ok(cli.run("cert", "sign", "--csr", "r.pem", "--out", "s.pem"));
        String[] lines = ok(cli.run("audit")).out().strip().split("\n");
        List<String> actions = java.util.Arrays.stream(lines).map(l -> {
            try {
                return JSON.readTree(l).get("action").asText();
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
        // revoking the name revokes the renewed certificate and the one it superseded: one event each
        assertEquals(List.of("ca.create", "cert.issue", "cert.renew", "cert.revoke", "cert.revoke", "cert.sign"), actions);
        for (String line : lines) {
            JsonNode event = JSON.readTree(line);
            assertEquals("alice-ops", event.get("actor").asText());
            assertTrue(event.has("time") && event.has("serial") && event.has("subject"), line);
        }
        assertEquals(2, ok(cli.run("audit", "--action", "cert.revoke")).out().strip().split("\n").length);
    }

    @Test
    void renewNeverOverwritesWithoutForceAndListsTheFilesItWrote() throws Exception {
        ok(cli.run("cert", "issue", "--subject", "/O=Life/CN=kept", "--key", "ec:p256", "--days", "10", "--out-dir", "v1"));
        String key = Files.readString(dir.resolve("v1/kept-key.pem"));
        String cert = Files.readString(dir.resolve("v1/kept-cert.pem"));
        Run refused = cli.run("cert", "renew", "kept", "--out-dir", "v1");
        assertEquals(2, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("kept-key.pem") && refused.err().contains("--force"), refused.err());
        assertEquals(key, Files.readString(dir.resolve("v1/kept-key.pem")));
        assertEquals(cert, Files.readString(dir.resolve("v1/kept-cert.pem")));
        JsonNode list = JSON.readTree(ok(cli.run("cert", "list", "--output", "json")).out());
        assertEquals(1, list.size(), "nothing was renewed: " + list);
        // --due checks the same before renewing anything
        Run due = cli.run("cert", "renew", "--due", "--within", "30d", "--out-dir", "v1");
        assertEquals(2, due.exit(), due.toString());
        assertTrue(due.err().contains("kept-key.pem"), due.err());
        assertEquals(1, JSON.readTree(ok(cli.run("cert", "list", "--output", "json")).out()).size());

        // a fresh directory needs no --force; the output lists the files
        Run fresh = ok(cli.run("cert", "renew", "kept", "--out-dir", "v2"));
        assertTrue(fresh.out().contains("kept-key.pem, kept-cert.pem, kept.p12, kept.p12.pass, ca-cert.pem"), fresh.out());
        // --force overwrites, and the JSON lists the files too
        JsonNode forced = JSON.readTree(ok(cli.run("cert", "renew", "kept", "--out-dir", "v1", "--force", "--output", "json")).out());
        assertEquals(dir.resolve("v1/kept-key.pem").toString(), forced.get(0).get("files").get("key").asText(), forced.toPrettyString());
        assertEquals(dir.resolve("v1/kept-cert.pem").toString(), forced.get(0).get("files").get("certificate").asText());
        assertNotEquals(key, Files.readString(dir.resolve("v1/kept-key.pem")), "a new key");
        assertEquals(forced.get(0).get("newSerial").asText(), serialOf("v1/kept-cert.pem").replaceFirst("^0+", ""));
        Run forceAlone = cli.run("cert", "renew", "kept", "--force");
        assertEquals(2, forceAlone.exit(), forceAlone.toString());
        assertTrue(forceAlone.err().contains("--out-dir"), forceAlone.err());
    }
}
