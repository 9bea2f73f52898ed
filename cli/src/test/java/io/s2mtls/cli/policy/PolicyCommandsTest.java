package io.s2mtls.cli.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.cli.Transcript;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code plan} and {@code apply} through real command lines against the private MariaDB server. Each
 * test has its own store (and so its own CA, made trusted by the server) and its own user names.
 */
@ExtendWith(TestDatabaseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyCommandsTest {
    static final String STORE_PASSWORD = "store password for the policy tests";
    static final ObjectMapper JSON = new ObjectMapper();

    static final String EXACT_POLICY = """
            name: exact
            defaults:
              key: ec:p256
              days: 365
              host: "%"
              renew-within: 30d
            users:
              - name: app_reader
                require: subject
                subject: "/O=ExampleOrg/OU=Client/CN=app_reader"
                grants: ["SELECT ON appdb.*"]
              - name: batch_job
                require: x509
                grants: ["SELECT, INSERT ON appdb.*"]
            """;

    @TempDir
    Path root;
    TestDatabase db;

    static final Transcript TRANSCRIPT = new Transcript();

    /** Every plan/apply/connect command line of this class with its output, for the README (target/policy-cli-transcript.txt). */
    @org.junit.jupiter.api.AfterAll
    void writeTranscript() throws IOException {
        TRANSCRIPT.write("policy-cli-transcript.txt");
    }

    @BeforeAll
    void database() {
        db = TestDatabase.get();
    }

    /** A fresh directory with a store whose CA the server trusts for client certificates. */
    CliRunner store(String name) throws IOException {
        return io.s2mtls.cli.db.DatabaseFixture.trustedStore(db, root.resolve(name), STORE_PASSWORD, "/O=s2mtls policy tests/CN=" + name + " CA");
    }

    Run run(CliRunner cli, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        if (!all.contains("--ca") && List.of("plan", "apply", "connect").contains(args[0])) {
            all.add("--ca");
            all.add(db.caFile().toString());
        }
        Run run = cli.run(all.toArray(String[]::new));
        TRANSCRIPT.add(all.stream().map(a -> a.equals(db.caFile().toString()) ? "server-ca.pem" : a).toList(), run);
        assertFalse(run.out().contains(new String(db.adminPassword())) || run.err().contains(new String(db.adminPassword())), run.toString());
        return run;
    }

    static Run ok(Run run) {
        assertEquals(0, run.exit(), run.toString());
        return run;
    }

    static Run exit(int code, Run run) {
        assertEquals(code, run.exit(), run.toString());
        return run;
    }

    void write(CliRunner cli, String file, String text) throws IOException {
        Files.writeString(cli.directory().resolve(file), text);
    }

    void logsIn(CliRunner cli, String user) {
        Run connected = ok(run(cli, "connect", "--user", user, "--credential", user));
        assertTrue(connected.out().contains("current user: " + user + "@%"), connected.toString());
    }

    List<String> serverUsers(String prefix) throws Exception {
        return io.s2mtls.cli.db.DatabaseFixture.userNames(db, prefix);
    }

    @Test
    void theIssueShapeIsAcceptedPlannedAppliedAndLogsIn() throws Exception {
        CliRunner cli = store("exact");
        write(cli, "policy.yaml", EXACT_POLICY);

        Run plan = exit(1, run(cli, "plan", "-f", "policy.yaml"));
        assertTrue(plan.out().contains("CREATE USER 'app_reader'@'%' REQUIRE SUBJECT '/O=ExampleOrg/OU=Client/CN=app_reader';"), plan.toString());
        assertTrue(plan.out().contains("GRANT SELECT ON `appdb`.* TO 'app_reader'@'%';"), plan.toString());
        assertTrue(plan.out().contains("CREATE USER 'batch_job'@'%' REQUIRE X509;"), plan.toString());
        assertTrue(plan.out().contains("GRANT SELECT, INSERT ON `appdb`.* TO 'batch_job'@'%';"), plan.toString());
        assertTrue(plan.out().contains("+ app_reader  /O=ExampleOrg/OU=Client/CN=app_reader  ec:p256, 365 days  (missing"), plan.toString());
        assertTrue(plan.out().contains("+ batch_job  /CN=batch_job  ec:p256, 365 days  (missing"), plan.toString());

        JsonNode json = JSON.readTree(exit(1, run(cli, "plan", "-f", "policy.yaml", "--output", "json")).out());
        assertTrue(json.get("changes").asBoolean());
        assertEquals(2, json.get("certificates").size());
        assertEquals("missing", json.get("certificates").get(0).get("reason").asText());
        assertEquals("create", json.get("users").get(0).get("change").asText());

        // no terminal, no --yes: refused, nothing changed
        Run refused = exit(2, run(cli, "apply", "-f", "policy.yaml"));
        assertTrue(refused.err().contains("--yes"), refused.toString());
        assertEquals(List.of(), serverUsers("app_reader"));

        Run applied = ok(run(cli, "apply", "-f", "policy.yaml", "--yes"));
        assertTrue(applied.out().contains("Applied: 2 certificate(s) issued, 4 statement(s) executed, 2 user record(s)"), applied.toString());
        Run again = ok(run(cli, "plan", "-f", "policy.yaml"));
        assertTrue(again.out().contains("No changes"), again.toString());
        Run second = ok(run(cli, "apply", "-f", "policy.yaml", "--yes"));
        assertTrue(second.out().contains("No changes"), second.toString());
        assertFalse(second.out().contains("Applied"), second.toString());

        logsIn(cli, "app_reader");
        logsIn(cli, "batch_job");
        ok(cli.run("cert", "export", "app_reader", "--out-dir", "creds"));
        ExternalTool.Result client = db.client(List.of("--user=app_reader", "--ssl-ca=" + db.caFile(),
                "--ssl-cert=" + cli.directory().resolve("creds/app_reader-cert.pem"),
                "--ssl-key=" + cli.directory().resolve("creds/app_reader-key.pem"),
                "--ssl-verify-server-cert", "-N", "-B", "-e", "SELECT CURRENT_USER()"));
        assertEquals("app_reader@%", client.out().strip(), client.stderr());

        Run audit = ok(cli.run("audit"));
        assertTrue(audit.out().contains("user.create"), audit.toString());
    }

    @Test
    void unknownKeysAndBadValuesNameFileLineAndColumn() throws Exception {
        CliRunner cli = store("errors");
        String[][] own = {
                {RefusedPolicies.GRANTS_MISSPELT, "policy.yaml:11:5: unknown key 'users[0].grnts'"},
                {RefusedPolicies.APP_READER_TWICE, "users: user 'app_reader'@'%' is listed twice"},
        };
        String[][] cases = Stream.of(own, RefusedPolicies.ALIKE).flatMap(Arrays::stream).toArray(String[][]::new);
        for (String[] c : cases) {
            write(cli, "policy.yaml", c[0]);
            Run plan = exit(2, run(cli, "plan", "-f", "policy.yaml"));
            assertTrue(plan.err().startsWith("s2mtls: "), plan.toString());
            assertTrue(plan.err().contains(c[1]), "expected '" + c[1] + "' in " + plan);
            assertEquals(1, plan.err().strip().lines().count(), plan.toString());
        }
    }

    @Test
    void driftOnTheServerIsFoundFromTheServerAndRepaired() throws Exception {
        CliRunner cli = store("drift");
        write(cli, "policy.yaml", """
                name: drift
                defaults:
                  subject: "/O=ExampleOrg/OU=Client/CN={name}"
                users:
                  - name: drift_sub
                    require: subject
                    grants: ["SELECT ON appdb.*"]
                  - name: drift_x509
                    require: x509
                """);
        ok(run(cli, "apply", "-f", "policy.yaml", "--yes"));
        ok(run(cli, "plan", "-f", "policy.yaml"));

        // behind s2mtls's back
        db.sql("ALTER USER 'drift_sub'@'%' REQUIRE SUBJECT '/O=ExampleOrg/OU=Client/CN=drift_sux'",
                "ALTER USER 'drift_x509'@'%' REQUIRE SSL", "GRANT INSERT ON appdb.* TO 'drift_sub'@'%'");
        Run plan = exit(1, run(cli, "plan", "-f", "policy.yaml"));
        assertTrue(plan.out().contains("~ alter 'drift_sub'@'%' [source: server]: the server holds REQUIRE SUBJECT "
                + "'/O=ExampleOrg/OU=Client/CN=drift_sux' but the user's certificate needs REQUIRE SUBJECT "
                + "'/O=ExampleOrg/OU=Client/CN=drift_sub' (first differing byte at offset 35)"), plan.toString());
        assertTrue(plan.out().contains("ALTER USER 'drift_sub'@'%' REQUIRE SUBJECT '/O=ExampleOrg/OU=Client/CN=drift_sub';"), plan.toString());
        assertTrue(plan.out().contains("~ alter 'drift_x509'@'%' [source: server]: the server holds REQUIRE SSL"), plan.toString());
        assertTrue(plan.out().contains("REVOKE INSERT ON `appdb`.* FROM 'drift_sub'@'%';"), plan.toString());
        assertFalse(plan.out().contains("Certificates to issue"), plan.toString());
        assertTrue(plan.out().contains("Destructive changes (1): accounts dropped or privileges revoked\n"
                + "  - revoke 'drift_sub'@'%' [source: server]: granted on the server but not in the policy: INSERT ON `appdb`.*"), plan.toString());
        JsonNode json = JSON.readTree(exit(1, run(cli, "plan", "-f", "policy.yaml", "--output", "json")).out());
        assertEquals("server", json.get("users").get(0).get("source").asText());
        assertEquals(1, json.get("destructiveChanges").asInt(), json.toString());
        assertEquals("drift", json.get("name").asText(), json.toString());

        JsonNode applied = JSON.readTree(ok(run(cli, "apply", "-f", "policy.yaml", "--yes", "--output", "json")).out());
        assertEquals(3, applied.get("applied").get("statementsExecuted").asInt(), applied.toString());
        assertEquals("alter", applied.get("plan").get("users").get(0).get("change").asText(), applied.toString());
        ok(run(cli, "plan", "-f", "policy.yaml"));
        logsIn(cli, "drift_sub");
        logsIn(cli, "drift_x509");

        // on a server that does not expose requirements (the SingleStore dialect), the record is the source: it
        // agrees with the policy here. (The test server poses as SingleStore 8.5.0, which cannot express REQUIRE
        // SUBJECT, so the ALTER a changed subject needs is refused before anything runs; PlannerTest covers the
        // recorded-source drift itself.)
        ok(run(cli, "plan", "-f", "policy.yaml", "--dialect", "singlestore"));
        write(cli, "policy2.yaml", Files.readString(cli.directory().resolve("policy.yaml")).replace("{name}", "{name}2"));
        Run refused = exit(2, run(cli, "plan", "-f", "policy2.yaml", "--dialect", "singlestore"));
        assertTrue(refused.err().contains("REQUIRE SUBJECT needs SingleStore 9.0.0 or later"), refused.toString());
        Run recorded = exit(1, run(cli, "plan", "-f", "policy2.yaml"));
        assertTrue(recorded.out().contains("(subject-differs: serial"), recorded.toString());
        assertTrue(recorded.out().contains("[source: server]: the server holds REQUIRE SUBJECT '/O=ExampleOrg/OU=Client/CN=drift_sub'"
                + " but the user's certificate needs REQUIRE SUBJECT '/O=ExampleOrg/OU=Client/CN=drift_sub2'"), recorded.toString());
    }

    @Test
    void aUserRemovedFromThePolicyIsDroppedAndARevokedCertificateReplaced() throws Exception {
        CliRunner cli = store("lifecycle");
        String keepOnly = """
                name: lifecycle
                users:
                  - name: life_keep
                    require: subject
                    subject: "/O=ExampleOrg/CN=life_keep"
                """;
        write(cli, "policy.yaml", keepOnly + "  - name: life_gone\n    require: x509\n");
        ok(run(cli, "apply", "-f", "policy.yaml", "--yes"));
        assertEquals(List.of("life_gone", "life_keep"), serverUsers("life_"));

        write(cli, "policy.yaml", keepOnly);
        Run plan = exit(1, run(cli, "plan", "-f", "policy.yaml"));
        assertTrue(plan.out().contains("Destructive changes (1): accounts dropped or privileges revoked\n"
                + "  - drop 'life_gone'@'%': created by policy 'lifecycle' but no longer in it"), plan.toString());
        assertTrue(plan.out().contains("1 account change(s) (1 destructive)"), plan.toString());
        assertTrue(plan.out().contains("DROP USER IF EXISTS 'life_gone'@'%';"), plan.toString());
        ok(run(cli, "apply", "-f", "policy.yaml", "--yes"));
        assertEquals(List.of("life_keep"), serverUsers("life_"));
        ok(run(cli, "plan", "-f", "policy.yaml"));

        ok(cli.run("cert", "revoke", "life_keep"));
        plan = exit(1, run(cli, "plan", "-f", "policy.yaml"));
        assertTrue(plan.out().contains("+ life_keep  /O=ExampleOrg/CN=life_keep  ec:p256, 365 days  (revoked: serial "), plan.toString());
        assertFalse(plan.out().contains("Account changes"), plan.toString());
        ok(run(cli, "apply", "-f", "policy.yaml", "--yes"));
        ok(run(cli, "plan", "-f", "policy.yaml"));
        logsIn(cli, "life_keep");
    }

    @Test
    void anApplyKilledHalfWayIsFinishedByTheNextOne() throws Exception {
        CliRunner cli = store("killed");
        StringBuilder policy = new StringBuilder("name: killed\ndefaults:\n  subject: \"/O=ExampleOrg/OU=Kill/CN={name}\"\nusers:\n");
        int users = 60;
        for (int i = 0; i < users; i++) {
            policy.append("  - name: kill_").append(i).append("\n    require: ").append(i % 2 == 0 ? "subject" : "x509")
                    .append("\n    grants: [\"SELECT ON appdb.*\"]\n");
        }
        write(cli, "policy.yaml", policy.toString());
        Path storeFile = cli.directory().resolve("s2mtls.p12");
        long before = Files.size(storeFile);

        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.s2mtls.cli.Main",
                "apply", "-f", "policy.yaml", "--yes", "--batch-size", "1", "--ca", db.caFile().toString())
                .directory(cli.directory().toFile()).redirectErrorStream(true)
                .redirectOutput(cli.directory().resolve("child.log").toFile());
        builder.environment().put("S2MTLS_STORE_PASSWORD", STORE_PASSWORD);
        builder.environment().put("S2MTLS_JDBC_URL", db.jdbcUrl());
        builder.environment().put("S2MTLS_ADMIN_USER", db.adminUser());
        builder.environment().put("S2MTLS_ADMIN_PASSWORD", new String(db.adminPassword()));
        Process child = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (Files.size(storeFile) == before && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        // the certificates are stored; let some batches of SQL run, then SIGKILL
        int created = 0;
        try (Connection connection = db.adminConnection(); Statement statement = connection.createStatement()) {
            while (child.isAlive() && System.nanoTime() < deadline && created < users / 6) {
                try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM mysql.global_priv WHERE User LIKE 'kill\\_%'")) {
                    rows.next();
                    created = rows.getInt(1);
                }
            }
        }
        boolean killedAlive = child.isAlive();
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertTrue(killedAlive, "the child finished before it could be killed: " + Files.readString(cli.directory().resolve("child.log")));
        int onServer = serverUsers("kill_").size();
        System.out.println("killed apply: " + onServer + " of " + users + " users on the server (" + created + " when the kill was decided)");
        assertTrue(onServer < users, "killed too late: all users were created already");

        Run plan = exit(1, run(cli, "plan", "-f", "policy.yaml"));
        assertFalse(plan.out().contains("Certificates to issue"), "the certificates were stored before the kill: " + plan);
        ok(run(cli, "apply", "-f", "policy.yaml", "--yes"));
        Run after = ok(run(cli, "plan", "-f", "policy.yaml"));
        assertTrue(after.out().contains("No changes"), after.toString());
        assertEquals(users, serverUsers("kill_").size());
        for (int i = 0; i < users; i++) {
            logsIn(cli, "kill_" + i);
        }
    }

    /** SHOW CREATE USER and SHOW GRANTS of an account, as the server prints them. */
    String account(String user) throws Exception {
        return account(user, "%");
    }

    String account(String user, String host) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection connection = db.adminConnection(); Statement statement = connection.createStatement()) {
            for (String query : List.of("SHOW CREATE USER '" + user + "'@'" + host + "'", "SHOW GRANTS FOR '" + user + "'@'" + host + "'")) {
                try (ResultSet rows = statement.executeQuery(query)) {
                    while (rows.next()) {
                        out.append(rows.getString(1)).append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    @Test
    void twoPoliciesOnOneServerNeverDropOrAlterEachOthersUsers() throws Exception {
        CliRunner cli = store("owners");
        write(cli, "alpha.yaml", """
                name: alpha
                users:
                  - name: own_a1
                    require: x509
                    grants: ["SELECT ON appdb.*"]
                  - name: own_a2
                    require: x509
                """);
        write(cli, "beta.yaml", """
                name: beta
                users:
                  - name: own_b1
                    require: x509
                """);
        ok(run(cli, "apply", "-f", "alpha.yaml", "--yes"));
        ok(run(cli, "apply", "-f", "beta.yaml", "--yes"));
        assertEquals(List.of("own_a1", "own_a2", "own_b1"), serverUsers("own_"));
        String a1 = account("own_a1");

        // beta names alpha's own_a1 with another requirement and grants: left alone; alpha's own_a2 is not beta's to drop
        write(cli, "beta.yaml", """
                name: beta
                users:
                  - name: own_b1
                    require: x509
                  - name: own_a1
                    require: subject
                    subject: "/CN=taken over"
                    grants: ["INSERT ON appdb.*"]
                """);
        Run plan = ok(run(cli, "plan", "-f", "beta.yaml"));
        assertTrue(plan.out().contains("No changes to make; 1 account(s) of the policy are left alone (below)."), plan.toString());
        assertTrue(plan.out().contains("Not managed (1): left alone by apply\n  ! 'own_a1'@'%': exists, not managed: created by policy 'alpha';"
                + " left alone\n      fix: to have policy 'beta' take it over, add 'adopt: true' to that user in the policy"), plan.toString());
        assertFalse(plan.out().contains("own_a2"), plan.toString());
        JsonNode json = JSON.readTree(ok(run(cli, "plan", "-f", "beta.yaml", "--output", "json")).out());
        assertEquals("exists-not-managed", json.get("notManaged").get(0).get("kind").asText(), json.toString());
        assertEquals("'own_a1'@'%'", json.get("notManaged").get(0).get("user").asText(), json.toString());
        assertEquals(0, json.get("users").size(), json.toString());
        ok(run(cli, "apply", "-f", "beta.yaml", "--yes"));
        assertEquals(a1, account("own_a1"), "beta's apply left alpha's account as it was");
        logsIn(cli, "own_a1");

        // alpha emptied drops its own two accounts, never beta's
        write(cli, "alpha.yaml", "name: alpha\nusers: []\n");
        plan = exit(1, run(cli, "plan", "-f", "alpha.yaml"));
        assertTrue(plan.out().contains("Destructive changes (2)"), plan.toString());
        assertFalse(plan.out().contains("own_b1"), plan.toString());
        ok(run(cli, "apply", "-f", "alpha.yaml", "--yes"));
        assertEquals(List.of("own_b1"), serverUsers("own_"));
        // and beta, emptied in turn, drops its own
        write(cli, "beta.yaml", "name: beta\nusers: []\n");
        ok(run(cli, "apply", "-f", "beta.yaml", "--yes"));
        assertEquals(List.of(), serverUsers("own_"));
    }

    @Test
    void accountsMadeByHandOrByUserCreateAreLeftAloneUntilAdopted() throws Exception {
        CliRunner cli = store("adopt");
        db.sql("CREATE USER 'adopt_hand'@'%' REQUIRE SSL", "GRANT DELETE ON appdb.* TO 'adopt_hand'@'%'");
        ok(cli.run("user", "create", "adopt_made", "--x509", "--ca", db.caFile().toString()));
        String hand = account("adopt_hand");
        String made = account("adopt_made");
        String users = """
                name: adoption
                defaults:
                  subject: "/O=ExampleOrg/CN={name}"
                users:
                  - name: adopt_hand
                    require: subject
                    grants: ["SELECT ON appdb.*"]
                  - name: adopt_made
                    require: subject
                    grants: ["SELECT ON appdb.*"]
                  - name: adopt_new
                    require: x509
                """;
        write(cli, "policy.yaml", users);
        Run plan = exit(1, run(cli, "plan", "-f", "policy.yaml"));
        assertTrue(plan.out().contains("! 'adopt_hand'@'%': exists, not managed: not created by s2mtls from this store"), plan.toString());
        assertTrue(plan.out().contains("! 'adopt_made'@'%': exists, not managed: made with 'user create'"), plan.toString());
        assertTrue(plan.out().contains("CREATE USER 'adopt_new'@'%' REQUIRE X509;"), plan.toString());
        assertFalse(plan.out().contains("adopt_hand'@'%' REQUIRE") || plan.out().contains("adopt_made'@'%' REQUIRE"), plan.toString());
        assertFalse(plan.out().contains("REVOKE") || plan.out().contains("Destructive"), plan.toString());
        ok(run(cli, "apply", "-f", "policy.yaml", "--yes"));
        assertEquals(hand, account("adopt_hand"), "not altered, not revoked");
        assertEquals(made, account("adopt_made"), "not altered");

        // leaving the policy: a 'user create' account is never dropped
        write(cli, "policy.yaml", users.replace("  - name: adopt_made\n    require: subject\n    grants: [\"SELECT ON appdb.*\"]\n", ""));
        ok(run(cli, "plan", "-f", "policy.yaml"));
        ok(run(cli, "apply", "-f", "policy.yaml", "--yes"));
        assertEquals(List.of("adopt_hand", "adopt_made", "adopt_new"), serverUsers("adopt_"));

        // adopt: true takes the hand-made account over, and from then on it is managed
        write(cli, "policy.yaml", users.replace("  - name: adopt_made\n    require: subject\n    grants: [\"SELECT ON appdb.*\"]\n", "")
                .replace("  - name: adopt_hand\n", "  - name: adopt_hand\n    adopt: true\n"));
        plan = exit(1, run(cli, "plan", "-f", "policy.yaml"));
        assertTrue(plan.out().contains("+ adopt 'adopt_hand'@'%': exists, not created by s2mtls from this store (made by hand or elsewhere);"
                + " 'adopt: true' takes it over for policy 'adoption'"), plan.toString());
        assertTrue(plan.out().contains("ALTER USER 'adopt_hand'@'%' REQUIRE SUBJECT '/O=ExampleOrg/CN=adopt_hand';"), plan.toString());
        assertTrue(plan.out().contains("Destructive changes (1)"), plan.toString());
        assertTrue(plan.out().contains("REVOKE DELETE ON `appdb`.* FROM 'adopt_hand'@'%';"), plan.toString());
        assertTrue(plan.out().contains("+ adopt_hand  /O=ExampleOrg/CN=adopt_hand"), plan.toString());
        ok(run(cli, "apply", "-f", "policy.yaml", "--yes"));
        Run after = ok(run(cli, "plan", "-f", "policy.yaml"));
        assertTrue(after.out().contains("No changes: the store and the server match the policy."), after.toString());
        logsIn(cli, "adopt_hand");
        write(cli, "policy.yaml", "name: adoption\nusers: []\n");
        ok(run(cli, "apply", "-f", "policy.yaml", "--yes"));
        assertEquals(List.of("adopt_made"), serverUsers("adopt_"), "the adopted and the created are the policy's to drop; 'user create''s is not");
    }

    @Test
    void theAdminAccountIsNeverTouchedWhateverThePolicySays() throws Exception {
        CliRunner cli = store("admin");
        String admin = account(db.adminUser(), "127.0.0.1");
        write(cli, "policy.yaml", "name: takeover\nusers:\n  - name: " + db.adminUser() + "\n    host: \"127.0.0.1\"\n    require: x509\n"
                + "    adopt: true\n    grants: [\"SELECT ON appdb.*\"]\n");
        Run plan = ok(run(cli, "plan", "-f", "policy.yaml"));
        assertTrue(plan.out().contains("! '" + db.adminUser() + "'@'127.0.0.1': the account s2mtls logs in with (the admin): never altered,"
                + " locked or dropped by plan/apply"), plan.toString());
        assertFalse(plan.out().contains("ALTER USER") || plan.out().contains("REVOKE") || plan.out().contains("Certificates to issue"), plan.toString());
        JsonNode json = JSON.readTree(ok(run(cli, "plan", "-f", "policy.yaml", "--output", "json")).out());
        assertEquals("admin", json.get("notManaged").get(0).get("kind").asText(), json.toString());
        ok(run(cli, "apply", "-f", "policy.yaml", "--yes"));
        assertEquals(admin, account(db.adminUser(), "127.0.0.1"), "the admin account is as it was");
        ok(run(cli, "plan", "-f", "policy.yaml"));
    }

    @Test
    void anAbsurdThreadCountIsRefusedBeforeAnythingIsDone() throws Exception {
        CliRunner cli = store("threads");
        write(cli, "policy.yaml", "name: threads\nusers:\n  - name: par_one\n    require: x509\n");
        byte[] before = Files.readAllBytes(cli.directory().resolve("s2mtls.p12"));
        for (String[] option : new String[][] {{"--threads", "0"}, {"--parallelism", "65"}, {"--threads", "-3"}, {"--threads", "100000"}}) {
            Run refused = exit(2, run(cli, "apply", "-f", "policy.yaml", "--yes", option[0], option[1]));
            assertTrue(refused.err().contains("--threads/--parallelism: " + option[1] + " is out of range; use 1 to 64"), refused.toString());
            assertEquals(1, refused.err().strip().lines().count(), refused.toString());
        }
        assertTrue(Arrays.equals(before, Files.readAllBytes(cli.directory().resolve("s2mtls.p12"))), "the store is unchanged");
        assertEquals(List.of(), serverUsers("par_"));
        ok(run(cli, "apply", "-f", "policy.yaml", "--yes", "--threads", "64"));
        assertEquals(List.of("par_one"), serverUsers("par_"));
    }
}
