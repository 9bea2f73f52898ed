package io.s2mtls.cli.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.cli.Transcript;
import io.s2mtls.cli.db.DatabaseCliSetup;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The renewal proof and revocation at the database, against the private MariaDB server: a renewed
 * certificate keeps the subject DER, so old and new both log in (with s2mtls and with the independent
 * {@code mariadb} client) and no ALTER USER runs; {@code cert revoke --lock-user/--drop-user} then locks or
 * drops the account, kills its open session, and no certificate logs in any more.
 */
class RenewalAndRevocationTest extends DatabaseCliSetup {
    static final String STORE_PASSWORD = "store password for the lifecycle tests";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Transcript transcript = new Transcript();

    RenewalAndRevocationTest() {
        super(STORE_PASSWORD, "/O=s2mtls lifecycle tests/CN=Lifecycle Test CA");
    }

    Run run(String... args) {
        List<String> given = Arrays.asList(args);
        boolean database = List.of("user", "connect", "doctor").contains(args[0])
                || args[0].equals("cert") && args[1].equals("revoke") && (given.contains("--lock-user") || given.contains("--drop-user"));
        return recorded(transcript, withServerCa(database, args));
    }

    @AfterAll
    void writeTranscript() throws IOException {
        transcript.write("lifecycle-transcript.txt");
    }

    ExternalTool.Result mariadbClient(String user, String cert, String key) {
        return db.client(List.of("--user=" + user, "--ssl-ca=" + db.caFile(), "--ssl-cert=" + dir.resolve(cert),
                "--ssl-key=" + dir.resolve(key), "--ssl-verify-server-cert", "-N", "-B", "-e", "SELECT CURRENT_USER()"));
    }

    void logsIn(String user, String cert, String key) {
        assertTrue(ok(run("connect", "--user", user, "--cert", cert, "--key", key)).out().contains("current user: " + user + "@%"));
        ExternalTool.Result client = mariadbClient(user, cert, key);
        assertEquals(0, client.exitCode(), client.stderr());
        assertEquals(user + "@%", client.out().strip());
    }

    void refused(String user, String cert, String key) {
        Run connect = run("connect", "--user", user, "--cert", cert, "--key", key);
        assertEquals(3, connect.exit(), connect.toString());
        ExternalTool.Result client = mariadbClient(user, cert, key);
        assertNotEquals(0, client.exitCode(), client.out());
    }

    /** A session of {@code user} that stays open: the mariadb client sleeping on the server. */
    Process openSession(String user, String cert, String key) throws Exception {
        Process process = new ProcessBuilder(ExternalTool.require("mariadb").toString(), "--no-defaults", "--host=127.0.0.1",
                "--port=" + db.port(), "--protocol=TCP", "--user=" + user, "--ssl-ca=" + db.caFile(), "--ssl-cert=" + dir.resolve(cert),
                "--ssl-key=" + dir.resolve(key), "--ssl-verify-server-cert", "-N", "-B", "-e", "SELECT SLEEP(300)")
                .redirectErrorStream(true).redirectOutput(dir.resolve(user + "-session.out").toFile()).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (sessions(user) == 0) {
            assertTrue(process.isAlive(), "the session ended early: " + Files.readString(dir.resolve(user + "-session.out")));
            assertTrue(Instant.now().isBefore(deadline), "no session of " + user + " appeared");
            Thread.sleep(100);
        }
        return process;
    }

    /** Waits (up to 10 s) for the user's sessions to be gone, as a KILLed connection may linger a moment. */
    int sessionsAfterKill(String user) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        int count = sessions(user);
        while (count > 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            count = sessions(user);
        }
        return count;
    }

    int sessions(String user) throws Exception {
        try (Connection connection = db.adminConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'")) {
            row.next();
            return row.getInt(1);
        }
    }

    String showCreateUser(String user) throws Exception {
        try (Connection connection = db.adminConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SHOW CREATE USER '" + user + "'@'%'")) {
            row.next();
            return row.getString(1);
        }
    }

    @Test
    void renewedAndOldCertificatesBothLogInWithoutAlterUserThenRevokeWithLockEndsBoth() throws Exception {
        ok(run("cert", "issue", "--subject", "/O=s2mtls lifecycle tests/OU=R&D \\/ ops/CN=renewer", "--key", "ec:p256", "--out-dir", "old"));
        Run created = ok(run("user", "create", "renewer", "--from-cert", "old/renewer-cert.pem", "--grant", "SELECT ON s2mtls_test.*"));
        assertTrue(created.out().startsWith("CREATE USER 'renewer'@'%' REQUIRE SUBJECT '/O=s2mtls lifecycle tests/OU=R&D \\\\/ ops/CN=renewer'"),
                created.out());
        String requirementBefore = showCreateUser("renewer");
        logsIn("renewer", "old/renewer-cert.pem", "old/renewer-key.pem");

        // renew, with the server's general log on: no ALTER USER (nor anything else touching the account) may run
        Path log = db.directory().resolve("general.log");
        long offset = Files.exists(log) ? Files.size(log) : 0;
        db.sql("SET GLOBAL general_log = 1");
        Run renewed;
        try {
            renewed = ok(run("cert", "renew", "renewer", "--out-dir", "new"));
            logsIn("renewer", "new/renewer-cert.pem", "new/renewer-key.pem");
            logsIn("renewer", "old/renewer-cert.pem", "old/renewer-key.pem");
        } finally {
            db.sql("SET GLOBAL general_log = 0");
        }
        byte[] all = Files.readAllBytes(log);
        String logged = new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
        assertTrue(logged.contains("SELECT CURRENT_USER()"), "the logins are in the general log: " + logged);
        assertFalse(logged.toUpperCase(java.util.Locale.ROOT).contains("ALTER USER"), "no ALTER USER was needed:\n" + logged);
        assertTrue(renewed.out().contains("subject unchanged /O=s2mtls lifecycle tests/OU=R&D \\/ ops/CN=renewer"), renewed.out());
        assertEquals(requirementBefore, showCreateUser("renewer"));
        assertEquals(ok(run("subject", "old/renewer-cert.pem")).out(), ok(run("subject", "new/renewer-cert.pem")).out());
        assertNotEquals(Files.readString(dir.resolve("old/renewer-cert.pem")), Files.readString(dir.resolve("new/renewer-cert.pem")));
        assertEquals(0, run("doctor", "--user", "renewer", "--cert", "old/renewer-cert.pem", "--key", "old/renewer-key.pem").exit());

        // an open session, then revoke with --lock-user: locked, the session killed, neither certificate logs in
        Process session = openSession("renewer", "new/renewer-cert.pem", "new/renewer-key.pem");
        try {
            Run revoked = ok(run("cert", "revoke", "renewer", "--reason", "left the company", "--crl-out", "crl.pem",
                    "--lock-user", "renewer"));
            assertTrue(revoked.out().contains("Database: locked 'renewer'@'%' (ALTER USER 'renewer'@'%' ACCOUNT LOCK); killed 1 open session(s) with KILL CONNECTION: ["),
                    revoked.out());
            assertTrue(session.waitFor(20, TimeUnit.SECONDS), "the killed session's client ends");
            assertNotEquals(0, session.exitValue(), Files.readString(dir.resolve("renewer-session.out")));
        } finally {
            session.destroyForcibly();
        }
        assertEquals(0, sessionsAfterKill("renewer"));
        assertTrue(showCreateUser("renewer").contains("ACCOUNT LOCK"), showCreateUser("renewer"));
        refused("renewer", "new/renewer-cert.pem", "new/renewer-key.pem");
        refused("renewer", "old/renewer-cert.pem", "old/renewer-key.pem");
        Run doctor = run("doctor", "--user", "renewer", "--cert", "old/renewer-cert.pem", "--key", "old/renewer-key.pem");
        assertEquals(1, doctor.exit(), doctor.toString());
        assertTrue(doctor.out().contains("Result: step 3 failed") && doctor.out().contains("revoked: the store's inventory records serial")
                && doctor.out().contains("issue a new credential"), doctor.out());

        ExternalTool.Result crl = ExternalTool.openssl("crl", "-in", dir.resolve("crl.pem").toString(), "-noout", "-text");
        assertTrue(crl.out().contains("Serial Number"), crl.out());

        JsonNode lock = JSON.readTree(ok(run("audit", "--action", "user.lock")).out().strip());
        assertEquals("'renewer'@'%'", lock.get("user").asText());
        assertEquals("/O=s2mtls lifecycle tests/OU=R&D \\/ ops/CN=renewer", lock.get("subject").asText());
        assertTrue(lock.get("detail").asText().contains("ALTER USER 'renewer'@'%' ACCOUNT LOCK"), lock.toString());
    }

    @Test
    void revokeWithDropUserOnTheSingleStoreDialectAndWithoutDatabaseOptions() throws Exception {
        ok(run("cert", "issue", "--subject", "/O=s2mtls lifecycle tests/CN=leaver", "--key", "ec:p256", "--out-dir", "creds"));
        ok(run("user", "create", "leaver", "--from-cert", "creds/leaver-cert.pem"));
        logsIn("leaver", "creds/leaver-cert.pem", "creds/leaver-key.pem");
        Process session = openSession("leaver", "creds/leaver-cert.pem", "creds/leaver-key.pem");
        try {
            JsonNode revoked = JSON.readTree(ok(run("cert", "revoke", "leaver", "--drop-user", "leaver@%", "--dialect", "singlestore",
                    "--output", "json")).out());
            assertEquals("'leaver'@'%'", revoked.get("account").asText());
            assertEquals("DROP USER 'leaver'@'%'", revoked.get("sql").get(0).asText());
            assertEquals(1, revoked.get("killedSessions").size(), revoked.toPrettyString());
            assertTrue(revoked.get("database").asText().startsWith("dropped 'leaver'@'%'"), revoked.toPrettyString());
            assertTrue(session.waitFor(20, TimeUnit.SECONDS), "the killed session's client ends");
        } finally {
            session.destroyForcibly();
        }
        assertEquals(0, sessionsAfterKill("leaver"));
        refused("leaver", "creds/leaver-cert.pem", "creds/leaver-key.pem");
        assertTrue(ok(run("audit", "--action", "user.drop")).out().contains("\"user\":\"'leaver'@'%'\""));

        // without --lock-user/--drop-user the database is not touched, and the output says so
        ok(run("cert", "issue", "--subject", "/O=s2mtls lifecycle tests/CN=stayer", "--key", "ec:p256", "--out-dir", "creds"));
        ok(run("user", "create", "stayer", "--from-cert", "creds/stayer-cert.pem"));
        Run plain = ok(run("cert", "revoke", "stayer"));
        assertTrue(plain.out().contains("Database: not changed (pass --lock-user"), plain.out());
        ok(run("cert", "issue", "--subject", "/O=s2mtls lifecycle tests/CN=stayer", "--name", "stayer2", "--key", "ec:p256"));
        JsonNode json = JSON.readTree(ok(run("cert", "revoke", "stayer2", "--output", "json")).out());
        assertEquals("database not changed", json.get("database").asText());
        assertEquals(0, json.get("sql").size());
        logsIn("stayer", "creds/stayer-cert.pem", "creds/stayer-key.pem");

        // a lock of an account that does not exist: the certificate is revoked, the error says the database was not changed
        ok(run("cert", "issue", "--subject", "/O=s2mtls lifecycle tests/CN=ghost", "--key", "ec:p256"));
        Run ghost = run("cert", "revoke", "ghost", "--lock-user", "ghost");
        assertEquals(3, ghost.exit(), ghost.toString());
        assertTrue(ghost.err().contains("the certificate is revoked and the CRL written, but the database was not changed"), ghost.err());
    }

    boolean locked(String user) throws Exception {
        return showCreateUser(user).contains("ACCOUNT LOCK");
    }

    @Test
    void lockUserWithoutAnAccountLocksWhatTheStoreRecordsAndRefusesAnAccountOfAnotherCredential() throws Exception {
        ok(run("cert", "issue", "--subject", "/O=s2mtls lifecycle tests/CN=recorded", "--key", "ec:p256", "--out-dir", "rec1"));
        ok(run("user", "create", "recorded", "--from-cert", "rec1/recorded-cert.pem"));
        ok(run("cert", "renew", "recorded", "--out-dir", "rec2"));
        ok(run("cert", "issue", "--subject", "/O=s2mtls lifecycle tests/CN=bystander", "--key", "ec:p256", "--out-dir", "rec1"));
        ok(run("user", "create", "bystander", "--from-cert", "rec1/bystander-cert.pem"));
        logsIn("bystander", "rec1/bystander-cert.pem", "rec1/bystander-key.pem");

        // the store records that bystander requires another subject: refused, nothing revoked, nothing locked
        Run wrong = run("cert", "revoke", "recorded", "--lock-user", "bystander");
        assertEquals(2, wrong.exit(), wrong.toString());
        assertTrue(wrong.err().contains("--lock-user: the store records that 'bystander'@'%' requires the subject")
                && wrong.err().contains("nothing was revoked"), wrong.err());
        assertFalse(locked("bystander"));
        logsIn("recorded", "rec1/recorded-cert.pem", "rec1/recorded-key.pem");
        for (JsonNode entry : JSON.readTree(ok(run("cert", "list", "--output", "json")).out())) {
            assertEquals("recorded".equals(entry.get("name").asText()) ? "valid|superseded" : "", "recorded".equals(entry.get("name").asText())
                    ? "valid|superseded".contains(entry.get("status").asText()) ? "valid|superseded" : entry.get("status").asText() : "", entry.toString());
        }

        // no account given: the one the store records for the credential is locked; both certificates are revoked
        Run revoked = ok(run("cert", "revoke", "recorded", "--lock-user", "--crl-out", "rec-crl.pem"));
        assertTrue(revoked.out().contains("Database: locked 'recorded'@'%' (ALTER USER 'recorded'@'%' ACCOUNT LOCK)"), revoked.out());
        assertEquals(2, revoked.out().lines().filter(l -> l.startsWith("Revoked recorded (serial ")).count(), revoked.out());
        assertTrue(locked("recorded"));
        assertFalse(locked("bystander"));
        refused("recorded", "rec1/recorded-cert.pem", "rec1/recorded-key.pem");
        refused("recorded", "rec2/recorded-cert.pem", "rec2/recorded-key.pem");

        // no record and no account: exit 2 saying what to pass, and nothing is revoked
        ok(run("cert", "issue", "--subject", "/O=s2mtls lifecycle tests/CN=unrecorded", "--key", "ec:p256"));
        Run none = run("cert", "revoke", "unrecorded", "--drop-user");
        assertEquals(2, none.exit(), none.toString());
        assertTrue(none.err().contains("--drop-user: the store records no database account that logs in with 'unrecorded';"
                + " name the account: --drop-user USER[@HOST]"), none.err());
        JsonNode list = JSON.readTree(ok(run("cert", "list", "--output", "json")).out());
        for (JsonNode entry : list) {
            if (entry.get("name").asText().equals("unrecorded")) {
                assertEquals("valid", entry.get("status").asText(), entry.toString());
            }
        }
    }
}
