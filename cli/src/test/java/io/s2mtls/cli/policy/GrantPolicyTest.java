package io.s2mtls.cli.policy;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Grants in policies and on {@code user create}, on the real MariaDB: literal database names are escaped,
 * administrative privileges need an explicit switch, and a plan with GRANT OPTION converges.
 */
@ExtendWith(TestDatabaseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrantPolicyTest {
    static final String STORE_PASSWORD = "store password for the grant policy tests";

    @TempDir
    Path root;
    TestDatabase db;

    @BeforeAll
    void database() {
        db = TestDatabase.get();
    }

    CliRunner store(String name) throws IOException {
        return io.s2mtls.cli.db.DatabaseFixture.trustedStore(db, root.resolve(name), STORE_PASSWORD, "/O=s2mtls grant tests/CN=" + name + " CA");
    }

    Run run(CliRunner cli, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (List.of("plan", "apply", "user").contains(args[0])) {
            all.add("--ca");
            all.add(db.caFile().toString());
        }
        return cli.run(all.toArray(String[]::new));
    }

    static Run ok(Run run) {
        assertEquals(0, run.exit(), run.toString());
        return run;
    }

    static Run exit(int code, Run run) {
        assertEquals(code, run.exit(), run.toString());
        return run;
    }

    List<String> serverUsers(String prefix) throws Exception {
        return io.s2mtls.cli.db.DatabaseFixture.userNames(db, prefix);
    }

    @Test
    void adminGrantsAllowedExplicitlyAreAppliedAndThePlanConverges() throws Exception {
        CliRunner cli = store("allowed");
        Files.writeString(cli.directory().resolve("policy.yaml"), """
                name: grants-allowed
                defaults:
                  allow-admin-privileges: true
                users:
                  - name: gp_admin
                    require: x509
                    grants: ["SELECT, INSERT ON gp_app_db.* WITH GRANT OPTION", "CREATE USER ON *.*", "ALL ON gp_other.*",
                             "GRANT OPTION ON gp_app_db.t"]
                  - name: gp_pattern
                    require: x509
                    grant-patterns: true
                    allow-admin-privileges: false
                    grants: ['SELECT ON `gp\\_pat%`.*', "SELECT ON gp_exact.*"]
                """);
        Run plan = exit(1, run(cli, "plan", "-f", "policy.yaml"));
        assertTrue(plan.out().contains("GRANT SELECT, INSERT, GRANT OPTION ON `gp\\_app\\_db`.* TO 'gp_admin'@'%';"), plan.toString());
        assertTrue(plan.out().contains("GRANT GRANT OPTION ON `gp_app_db`.`t` TO 'gp_admin'@'%';"), plan.toString());
        assertTrue(plan.out().contains("GRANT SELECT ON `gp\\_pat%`.* TO 'gp_pattern'@'%';"), plan.toString());
        assertTrue(plan.out().contains("GRANT SELECT ON `gp_exact`.* TO 'gp_pattern'@'%';"), plan.toString());
        db.sql("CREATE DATABASE IF NOT EXISTS gp_app_db",
                "CREATE TABLE IF NOT EXISTS gp_app_db.t (x INT)");
        ok(run(cli, "apply", "-f", "policy.yaml", "--yes"));
        Run again = ok(run(cli, "plan", "-f", "policy.yaml"));
        assertTrue(again.out().contains("No changes"), again.toString());
        assertFalse(again.out().contains("not understood"), again.toString());
    }

    @Test
    void adminGrantsWithoutTheSwitchAreRefusedAndNothingChanges() throws Exception {
        CliRunner cli = store("refused");
        Files.writeString(cli.directory().resolve("policy.yaml"), """
                name: grants-refused
                users:
                  - name: gp_refused
                    require: x509
                    grants: ["SELECT ON gp_app_db.*", "SELECT, GRANT OPTION ON gp_app_db.*"]
                """);
        Run plan = exit(2, run(cli, "plan", "-f", "policy.yaml"));
        assertEquals(1, plan.err().strip().lines().count(), plan.toString());
        assertTrue(plan.err().contains("users[0].grants[1]") && plan.err().contains("GRANT OPTION")
                && plan.err().contains("allow-admin-privileges"), plan.toString());
        exit(2, run(cli, "apply", "-f", "policy.yaml", "--yes"));
        assertEquals(List.of(), serverUsers("gp_refused"));

        Run wildcard = exit(2, run(cli, "user", "create", "gp_cli", "--x509", "--grant", "SELECT ON `gp_%`.*"));
        assertTrue(wildcard.err().contains("--grant-patterns"), wildcard.toString());
        Run admin = exit(2, run(cli, "user", "create", "gp_cli", "--x509", "--grant", "SELECT ON *.* WITH GRANT OPTION"));
        assertTrue(admin.err().contains("--allow-admin-privileges"), admin.toString());
        assertEquals(1, admin.err().strip().lines().count(), admin.toString());
        assertEquals(List.of(), serverUsers("gp_cli"));

        Run created = ok(run(cli, "user", "create", "gp_cli", "--x509", "--grant", "SELECT ON *.* WITH GRANT OPTION",
                "--allow-admin-privileges", "--grant", "SELECT ON `gp_%`.*", "--grant-patterns"));
        assertTrue(created.out().contains("GRANT SELECT, GRANT OPTION ON *.* TO 'gp_cli'@'%';"), created.toString());
        assertTrue(created.out().contains("GRANT SELECT ON `gp_%`.* TO 'gp_cli'@'%';"), created.toString());
        ok(run(cli, "user", "drop", "gp_cli"));
    }
}
