package io.s2mtls.cli.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s2mtls.adapters.jdbc.testing.TestAuthority;
import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.cli.Transcript;
import io.s2mtls.cli.db.DatabaseCliSetup;
import io.s2mtls.core.testing.ExternalTool;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code s2mtls doctor} against the private MariaDB server: one test per failure mode, each asserting that
 * doctor names the right step, plus the case where everything passes. The store's CA is added to the
 * server's client CA bundle (its ssl_ca file, which doctor reads as the server's own bundle).
 */
class DoctorCommandTest extends DatabaseCliSetup {
    static final String STORE_PASSWORD = "store password for the doctor tests";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Transcript transcript = new Transcript();

    DoctorCommandTest() {
        super(STORE_PASSWORD, "/O=s2mtls doctor tests/CN=Doctor Test CA");
    }

    /** Adds a CA to the server's client CA bundle and reloads it, as an operator would. */
    void trust(String caPem) throws IOException {
        io.s2mtls.cli.db.DatabaseFixture.trust(db, caPem);
    }

    Run run(String... args) {
        Run run = recorded(transcript, withServerCa(List.of("user", "connect", "doctor").contains(args[0]), args));
        assertFalse(run.out().contains("PRIVATE KEY") || run.err().contains("PRIVATE KEY"), "key printed: " + run);
        return run;
    }

    /** Every command line of this class with its output, for the README (target/doctor-transcript.txt). */
    @AfterAll
    void writeTranscript() throws IOException {
        transcript.write("doctor-transcript.txt");
    }

    /** Runs doctor as JSON, asserts exit 1 and that {@code step} is the first failure; returns the report. */
    JsonNode failsAt(int step, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("doctor"));
        all.addAll(Arrays.asList(args));
        Run text = run(all.toArray(String[]::new));
        assertEquals(1, text.exit(), text.toString());
        assertTrue(text.out().contains("Result: step " + step + " failed"), text.toString());
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith(step + " FAIL ")), text.toString());
        all.addAll(List.of("--output", "json"));
        Run json = run(all.toArray(String[]::new));
        assertEquals(1, json.exit(), json.toString());
        JsonNode report = JSON.readTree(json.out());
        assertEquals(step, report.get("failedStep").asInt(), report.toPrettyString());
        assertFalse(report.get("loginWorks").asBoolean());
        JsonNode checks = report.get("checks");
        assertEquals(9, checks.size());
        for (int i = 0; i < step - 1; i++) {
            assertTrue(List.of("PASS", "SKIP").contains(checks.get(i).get("status").asText()), "step " + (i + 1) + ": " + report.toPrettyString());
        }
        assertEquals("FAIL", checks.get(step - 1).get("status").asText());
        assertFalse(checks.get(step - 1).get("fix").asText().isBlank());
        assertEquals("SKIP", checks.get(8).get("status").asText(), "no login after a failure: " + report.toPrettyString());
        return checks.get(step - 1);
    }

    @Test
    void everythingChecksOutAndTheLoginWorks() throws IOException {
        ok(run("cert", "issue", "--subject", "/O=s2mtls doctor tests/CN=d_ok", "--key", "ec:p256", "--out-dir", "creds"));
        ok(run("user", "create", "d_ok", "--from-cert", "creds/d_ok-cert.pem"));
        Run text = ok(run("doctor", "--user", "d_ok", "--cert", "creds/d_ok-cert.pem", "--key", "creds/d_ok-key.pem"));
        for (int step = 1; step <= 9; step++) {
            int n = step;
            assertTrue(text.out().lines().anyMatch(l -> l.startsWith(n + " PASS ")), "step " + step + ":\n" + text);
        }
        assertTrue(text.out().contains("logged in as d_ok@%"), text.out());
        assertTrue(text.out().contains("Result: the login works."), text.out());
        assertTrue(text.out().contains("the server's client CA bundle " + db.caFile()), text.out());

        JsonNode report = JSON.readTree(ok(run("doctor", "--user", "d_ok", "--credential", "d_ok", "--output", "json")).out());
        assertTrue(report.get("loginWorks").asBoolean());
        assertTrue(report.get("failedStep").isNull());
        assertEquals("live TLS handshake and login", report.get("checks").get(8).get("name").asText());

        // SingleStore exposes no requirement and the store has no record: step 7 is skipped, the login still proves it
        Run singlestore = ok(run("doctor", "--user", "d_ok", "--credential", "d_ok", "--dialect", "singlestore"));
        // the server hides the requirement, so the store's record of what 'user create' set up decides
        assertTrue(singlestore.out().contains("7 PASS subject matches REQUIRE SUBJECT"), singlestore.out());
        assertTrue(singlestore.out().contains("from the store's record of 'd_ok'@'%'"), singlestore.out());
        assertTrue(singlestore.out().contains("9 PASS"), singlestore.out());
    }

    @Test
    void withoutAnAdminLoginStepsSevenAndEightAreSkippedAndTheLoginStillDecides() throws IOException {
        ok(run("cert", "issue", "--subject", "/O=s2mtls doctor tests/CN=d_noadmin", "--key", "ec:p256", "--out-dir", "creds"));
        ok(run("user", "create", "d_noadmin", "--from-cert", "creds/d_noadmin-cert.pem"));
        CliRunner noAdmin = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", STORE_PASSWORD).env("S2MTLS_JDBC_URL", db.jdbcUrl());
        Run text = noAdmin.run("doctor", "--user", "d_noadmin", "--credential", "d_noadmin", "--ca", db.caFile().toString());
        assertEquals(0, text.exit(), text.toString());
        // without an admin login the server cannot be asked, so the store's record of 'user create' decides
        assertTrue(text.out().contains("7 PASS subject matches REQUIRE SUBJECT"), text.out());
        assertTrue(text.out().contains("from the store's record of 'd_noadmin'@'%'"), text.out());
        assertTrue(text.out().contains("8 SKIP user exists for that host: not checked: no administrative connection (no admin password"), text.out());
        // without the server's own bundle, the store's CA decides; --ca is the server certificate's CA, never a candidate
        assertTrue(text.out().contains("6 PASS chain to the client CA: issued by /O=s2mtls doctor tests/CN=Doctor Test CA, which the store's CA "),
                text.out());
        assertTrue(text.out().contains("the store's CA /O=s2mtls doctor tests/CN=Doctor Test CA: chains"), text.out());
        assertFalse(text.out().contains("--ca "), text.out());
        assertTrue(text.out().contains("9 PASS"), text.out());
    }

    @Test
    void step1UnparsableFile() throws IOException {
        Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        JsonNode check = failsAt(1, "--user", "d_ok", "--cert", "garbage.pem");
        assertTrue(check.get("summary").asText().contains("garbage.pem"), check.toPrettyString());
    }

    @Test
    void step2WrongKey() throws IOException {
        ok(run("cert", "issue", "--subject", "/O=s2mtls doctor tests/CN=d_key1", "--key", "ec:p256", "--out-dir", "creds"));
        ok(run("cert", "issue", "--subject", "/O=s2mtls doctor tests/CN=d_key2", "--key", "ec:p256", "--out-dir", "creds"));
        ok(run("user", "create", "d_key1", "--from-cert", "creds/d_key1-cert.pem"));
        JsonNode check = failsAt(2, "--user", "d_key1", "--cert", "creds/d_key1-cert.pem", "--key", "creds/d_key2-key.pem");
        assertTrue(check.get("summary").asText().contains("does not belong to this certificate"), check.toPrettyString());
    }

    @Test
    void step3Expired() throws IOException {
        TestAuthority.Issued expired = db.authority().issueExpired(new X500Name("CN=d_expired,O=s2mtls doctor tests"), Duration.ofDays(2));
        expired.write(dir.resolve("expired"), "d_expired");
        ok(run("user", "create", "d_expired", "--from-cert", "expired/d_expired-cert.pem"));
        JsonNode check = failsAt(3, "--user", "d_expired", "--cert", "expired/d_expired-cert.pem", "--key", "expired/d_expired-key.pem");
        assertTrue(check.get("summary").asText().startsWith("expired on"), check.toPrettyString());
        assertTrue(check.get("fix").asText().contains("cert renew"), check.toPrettyString());
    }

    @Test
    void step4Sha1Signed() throws IOException {
        Path ca = dir.resolve("sha1");
        Files.createDirectories(ca);
        ExternalTool.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", ca.resolve("ca-key.pem").toString(), "-out", ca.resolve("ca.pem").toString(), "-days", "30",
                "-subj", "/O=s2mtls doctor tests/CN=SHA-1 test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        ExternalTool.openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", ca.resolve("d_sha1-key.pem").toString(), "-out", ca.resolve("d_sha1.csr").toString(),
                "-subj", "/O=s2mtls doctor tests/CN=d_sha1");
        Files.writeString(ca.resolve("ext.cnf"), "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
        ExternalTool.openssl("x509", "-req", "-in", ca.resolve("d_sha1.csr").toString(), "-CA", ca.resolve("ca.pem").toString(),
                "-CAkey", ca.resolve("ca-key.pem").toString(), "-set_serial", "4242", "-sha1", "-days", "30",
                "-extfile", ca.resolve("ext.cnf").toString(), "-out", ca.resolve("d_sha1-cert.pem").toString());
        trust(Files.readString(ca.resolve("ca.pem")));
        ok(run("user", "create", "d_sha1", "--subject", "/O=s2mtls doctor tests/CN=d_sha1"));
        JsonNode check = failsAt(4, "--user", "d_sha1", "--cert", "sha1/d_sha1-cert.pem", "--key", "sha1/d_sha1-key.pem");
        assertTrue(check.get("summary").asText().contains("SHA1"), check.toPrettyString());
    }

    @Test
    void step5ServerCertificateWithoutClientAuth() throws IOException {
        db.authority().issueServer("CN=d_server,O=s2mtls doctor tests").write(dir.resolve("server"), "d_server");
        ok(run("user", "create", "d_server", "--x509"));
        JsonNode check = failsAt(5, "--user", "d_server", "--cert", "server/d_server-cert.pem", "--key", "server/d_server-key.pem");
        assertTrue(check.get("summary").asText().contains("serverAuth only"), check.toPrettyString());
    }

    @Test
    void step6AnotherCa() throws IOException {
        ok(run("--store", "pkcs12:other.p12", "ca", "create", "--subject", "/CN=Some Other CA", "--key", "ec:p256"));
        ok(run("--store", "pkcs12:other.p12", "cert", "issue", "--subject", "/O=s2mtls doctor tests/CN=d_other",
                "--name", "d_other", "--key", "ec:p256", "--out-dir", "other"));
        ok(run("user", "create", "d_other", "--subject", "/O=s2mtls doctor tests/CN=d_other"));
        JsonNode check = failsAt(6, "--user", "d_other", "--cert", "other/d_other-cert.pem", "--key", "other/d_other-key.pem");
        assertTrue(check.get("summary").asText().contains("the server's client CA bundle"), check.toPrettyString());
        assertTrue(check.get("summary").asText().contains("/CN=Some Other CA is not there"), check.toPrettyString());
    }

    @Test
    void step7SubjectDiffersInEscaping() throws IOException {
        ok(run("cert", "issue", "--subject", "/O=s2mtls doctor tests/CN=d_esc\\+ops", "--name", "d_esc", "--key", "ec:p256", "--out-dir", "creds"));
        assertEquals("/O=s2mtls doctor tests/CN=d_esc\\+ops", ok(run("subject", "creds/d_esc-cert.pem")).out().strip());
        // the oneline pasted into SQL without doubling the backslash: the server stores '/CN=d_esc+ops'
        db.sql("CREATE USER 'd_esc'@'%' REQUIRE SUBJECT '/O=s2mtls doctor tests/CN=d_esc\\+ops'");
        JsonNode check = failsAt(7, "--user", "d_esc", "--credential", "d_esc");
        String details = check.get("details").toString();
        assertTrue(check.get("summary").asText().contains("at byte 31"), check.toPrettyString());
        assertTrue(details.contains("first difference at byte 31 (counting from 0): the certificate has '\\\\' (0x5C), the requirement has '+' (0x2B)"),
                check.toPrettyString());
        assertTrue(details.contains("likely cause: SQL escaping"), check.toPrettyString());
        Run text = run("doctor", "--user", "d_esc", "--credential", "d_esc");
        assertTrue(text.out().contains("^"), text.out());

        // the RFC 2253 order (most significant last) is the other classic
        db.sql("CREATE USER 'd_order'@'%' REQUIRE SUBJECT '/CN=d_esc\\\\+ops/O=s2mtls doctor tests'");
        JsonNode order = failsAt(7, "--user", "d_order", "--credential", "d_esc");
        assertTrue(order.get("details").toString().contains("likely cause: RDN order"), order.toPrettyString());
    }

    @Test
    void step8NoSuchUserForThatHost() throws IOException {
        ok(run("cert", "issue", "--subject", "/O=s2mtls doctor tests/CN=d_nohost", "--key", "ec:p256"));
        ok(run("user", "create", "d_nohost", "--subject", "/O=s2mtls doctor tests/CN=d_nohost", "--host", "10.9.%"));
        JsonNode check = failsAt(8, "--user", "d_nohost", "--credential", "d_nohost");
        assertTrue(check.get("summary").asText().contains("no account 'd_nohost'@'%'; it has 'd_nohost'@'10.9.%'"), check.toPrettyString());
        assertTrue(check.get("fix").asText().contains("--host '10.9.%'"), check.toPrettyString());

        ok(run("cert", "issue", "--subject", "/O=s2mtls doctor tests/CN=d_nobody", "--key", "ec:p256"));
        JsonNode nobody = failsAt(8, "--user", "d_nobody", "--credential", "d_nobody");
        assertTrue(nobody.get("fix").asText().contains("s2mtls user create d_nobody --from-cert"), nobody.toPrettyString());
    }

    @Test
    void step8TheAccountIsLockedAndStep9SaysSoWithoutTheAdmin() throws IOException {
        ok(run("cert", "issue", "--subject", "/O=s2mtls doctor tests/CN=d_locked", "--key", "ec:p256"));
        ok(run("cert", "export", "d_locked", "--out-dir", "creds"));
        ok(run("user", "create", "d_locked", "--from-cert", "creds/d_locked-cert.pem"));
        ok(run("doctor", "--user", "d_locked", "--credential", "d_locked"));
        db.sql("ALTER USER 'd_locked'@'%' ACCOUNT LOCK");
        // with the administrative connection, the lock state is read from the server (SHOW CREATE USER): step 8
        JsonNode check = failsAt(8, "--user", "d_locked", "--credential", "d_locked");
        assertTrue(check.get("summary").asText().contains("the account is locked (ACCOUNT LOCK)"), check.toPrettyString());
        assertTrue(check.get("fix").asText().contains("ALTER USER 'd_locked'@'%' ACCOUNT UNLOCK"), check.toPrettyString());
        Run text = run("doctor", "--user", "d_locked", "--credential", "d_locked");
        for (int step = 1; step <= 7; step++) {
            int n = step;
            assertTrue(text.out().lines().anyMatch(l -> l.startsWith(n + " PASS ")), "step " + step + ":\n" + text);
        }
        // without it, the login itself is refused with MariaDB's error 4151, and step 9 gives the same fix
        Run noAdmin = io.s2mtls.cli.db.DatabaseFixture.cli(db, dir, STORE_PASSWORD).env("S2MTLS_ADMIN_PASSWORD", "not the admin password")
                .run("doctor", "--user", "d_locked", "--credential", "d_locked", "--ca", db.caFile().toString());
        assertEquals(1, noAdmin.exit(), noAdmin.toString());
        assertTrue(noAdmin.out().contains("Result: step 9 failed"), noAdmin.out());
        assertTrue(noAdmin.out().contains("this account is locked") && noAdmin.out().contains("ACCOUNT UNLOCK"), noAdmin.out());
        db.sql("ALTER USER 'd_locked'@'%' ACCOUNT UNLOCK");
        ok(run("doctor", "--user", "d_locked", "--credential", "d_locked"));
    }

    @Test
    void step3ARevokedCertificate() throws IOException {
        ok(run("cert", "issue", "--subject", "/O=s2mtls doctor tests/CN=d_revoked", "--key", "ec:p256", "--out-dir", "rev1"));
        ok(run("user", "create", "d_revoked", "--from-cert", "rev1/d_revoked-cert.pem"));
        ok(run("cert", "renew", "d_revoked", "--out-dir", "rev2"));
        ok(run("doctor", "--user", "d_revoked", "--cert", "rev1/d_revoked-cert.pem", "--key", "rev1/d_revoked-key.pem"));
        String oldSerial = null;
        for (JsonNode entry : JSON.readTree(ok(run("cert", "list", "--output", "json")).out())) {
            if (entry.get("name").asText().equals("d_revoked") && entry.get("status").asText().equals("superseded")) {
                oldSerial = entry.get("serial").asText();
            }
        }
        assertTrue(oldSerial != null, "the renewal left a superseded certificate");
        // the superseded certificate revoked: the fix is the current one
        ok(run("cert", "revoke", "d_revoked", "--serial", oldSerial));
        JsonNode old = failsAt(3, "--user", "d_revoked", "--cert", "rev1/d_revoked-cert.pem", "--key", "rev1/d_revoked-key.pem");
        assertTrue(old.get("summary").asText().startsWith("revoked: the store's inventory records serial " + oldSerial), old.toPrettyString());
        assertTrue(old.get("fix").asText().contains("s2mtls cert export d_revoked --out-dir DIR"), old.toPrettyString());
        ok(run("doctor", "--user", "d_revoked", "--cert", "rev2/d_revoked-cert.pem", "--key", "rev2/d_revoked-key.pem"));
        // every certificate revoked: the fix is a new credential
        ok(run("cert", "revoke", "d_revoked"));
        JsonNode current = failsAt(3, "--user", "d_revoked", "--credential", "d_revoked");
        assertTrue(current.get("fix").asText().contains("issue a new credential: 's2mtls cert issue --subject \"/O=s2mtls doctor tests/CN=d_revoked\""
                + " --name d_revoked --force"), current.toPrettyString());
        failsAt(3, "--user", "d_revoked", "--cert", "rev2/d_revoked-cert.pem", "--key", "rev2/d_revoked-key.pem");
    }

    @Test
    void theServersCaFromTheEnvironmentIsUsedForTheHandshakeAndNeverOfferedAsAClientCa() throws IOException {
        ok(run("cert", "issue", "--subject", "/O=s2mtls doctor tests/CN=d_envca", "--key", "ec:p256", "--out-dir", "creds"));
        ok(run("user", "create", "d_envca", "--from-cert", "creds/d_envca-cert.pem"));
        // a file holding only the server certificate's CA (not the store's CA): what S2MTLS_CA is for
        Path serverCa = dir.resolve("server-ca-only.pem");
        Files.writeString(serverCa, db.authority().certificatePem());
        CliRunner fromEnv = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", STORE_PASSWORD).env("S2MTLS_JDBC_URL", db.jdbcUrl())
                .env("S2MTLS_CA", serverCa.toString());
        // without an admin login the server's client CA bundle is not known: only the store's CA may decide step 6
        Run text = fromEnv.run("doctor", "--user", "d_envca", "--credential", "d_envca");
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().contains("6 PASS chain to the client CA: issued by /O=s2mtls doctor tests/CN=Doctor Test CA, which the store's CA"),
                text.out());
        assertFalse(text.out().contains(serverCa.toString()) || text.out().contains("S2MTLS_CA") || text.out().contains("--ca "), text.out());
        assertTrue(text.out().contains("9 PASS"), text.out());
        JsonNode report = JSON.readTree(fromEnv.run("doctor", "--user", "d_envca", "--credential", "d_envca", "--output", "json").out());
        JsonNode chain = report.get("checks").get(5);
        assertEquals(1, chain.get("details").size(), chain.toPrettyString());
        assertTrue(chain.get("details").get(0).asText().startsWith("the store's CA "), chain.toPrettyString());

        // the user commands take it too; --ca still wins over it
        CliRunner admin = io.s2mtls.cli.db.DatabaseFixture.cli(db, dir, STORE_PASSWORD).env("S2MTLS_CA", serverCa.toString());
        ok(admin.run("user", "show", "d_envca"));
        Run missing = io.s2mtls.cli.db.DatabaseFixture.cli(db, dir, STORE_PASSWORD).env("S2MTLS_CA", "no-such-ca.pem").run("user", "show", "d_envca");
        assertEquals(2, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("S2MTLS_CA") && missing.err().contains("no-such-ca.pem"), missing.err());
        ok(io.s2mtls.cli.db.DatabaseFixture.cli(db, dir, STORE_PASSWORD).env("S2MTLS_CA", "no-such-ca.pem")
                .run("user", "show", "d_envca", "--ca", serverCa.toString()));
    }
}
