package io.s2mtls.core.policy;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.policy.Plan.UserChange;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.GrantRules;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The planner reads grants back as MariaDB prints them: escaped names, patterns, WITH GRANT OPTION. */
class PlannerGrantsTest {
    private static final GrantRules ADMIN = new GrantRules(false, true);
    private final InMemoryCredentialStore store = new InMemoryCredentialStore("grants-" + java.util.UUID.randomUUID());
    private final UserAccount account = UserAccount.anyHost("app");

    /** The SQL as MariaDB's dialect writes it: literal db.* names escaped, patterns as written. */
    private static List<String> mariaDbSql(List<UserCommand> commands) {
        List<String> sql = new ArrayList<>();
        for (UserCommand command : commands) {
            if (command instanceof UserCommand.Grant grant) {
                sql.add("GRANT " + String.join(", ", grant.grant().privileges()) + " ON " + level(grant.grant()) + " TO 'app'@'%'");
            } else if (command instanceof UserCommand.Revoke revoke) {
                sql.add("REVOKE " + String.join(", ", revoke.grant().privileges()) + " ON " + level(revoke.grant()) + " FROM 'app'@'%'");
            } else {
                sql.add(command.toString());
            }
        }
        return sql;
    }

    private static String level(PrivilegeGrant grant) {
        if (grant.database().isEmpty()) {
            return "*.*";
        }
        return grant.table().isPresent() ? "`" + grant.database().get() + "`.`" + grant.table().get() + "`"
                : "`" + grant.databaseAsPattern() + "`.*";
    }

    private List<Plan.UserAction> changes(List<String> shownGrants, String... policyGrants) {
        PolicyUser user = new PolicyUser(account, PolicyUser.Requirement.X509, DistinguishedName.parse("/CN=app"),
                java.util.Arrays.stream(policyGrants).map(g -> PrivilegeGrant.parse(g, ADMIN)).toList(), "app", true);
        Policy policy = new Policy("grants-test", PolicyDefaults.standard(), List.of(user));
        List<String> lines = new ArrayList<>(List.of("GRANT USAGE ON *.* TO `app`@`%` REQUIRE X509"));
        lines.addAll(shownGrants);
        DatabaseUser shown = new DatabaseUser(account, Optional.of(TlsRequirement.x509()), lines, Optional.empty(), List.of());
        Plan plan = new Planner(PlannerGrantsTest::mariaDbSql).plan(policy, store.index(), "mariadb", Map.of(account, Optional.of(shown)), Instant.now());
        return plan.users().stream().filter(a -> a.change() == UserChange.GRANT || a.change() == UserChange.REVOKE).toList();
    }

    @Test
    void grantOptionAndEscapedNamesAsShownMatchThePolicy() {
        assertEquals(List.of(), changes(List.of("GRANT SELECT, INSERT ON `app\\_db`.* TO `app`@`%` WITH GRANT OPTION",
                        "GRANT ALL PRIVILEGES ON *.* TO `app`@`%`"),
                "SELECT, INSERT ON app_db.* WITH GRANT OPTION", "ALL ON *.*"));
        assertEquals(List.of(), changes(List.of("GRANT USAGE ON `app\\_db`.* TO `app`@`%` WITH GRANT OPTION"), "GRANT OPTION ON app_db.*"));
    }

    @Test
    void aWildcardGrantOnTheServerIsReplacedByTheLiteralOne() {
        List<Plan.UserAction> actions = changes(List.of("GRANT SELECT ON `app_db`.* TO `app`@`%`"), "SELECT ON app_db.*");
        assertEquals(List.of(UserChange.GRANT, UserChange.REVOKE), actions.stream().map(Plan.UserAction::change).toList());
        assertEquals(List.of("GRANT SELECT ON `app\\_db`.* TO 'app'@'%'"), actions.get(0).sql());
        assertEquals(List.of("REVOKE SELECT ON `app_db`.* FROM 'app'@'%'"), actions.get(1).sql());
        assertTrue(actions.get(1).reason().contains("(database pattern)"), actions.get(1).reason());
    }

    @Test
    void grantOptionIsFoundOnlyOutsideQuotedText() {
        assertEquals("SELECT ON *.*", Planner.parseGrantLine(
                "GRANT SELECT ON *.* TO `a WITH GRANT OPTION`@`%` REQUIRE SUBJECT '/CN=x WITH GRANT OPTION''s'").orElseThrow().toString());
        assertEquals("SELECT, GRANT OPTION ON *.*", Planner.parseGrantLine(
                "GRANT SELECT ON *.* TO `u8`@`%` REQUIRE SUBJECT '/CN=x\\\\' WITH GRANT OPTION").orElseThrow().toString());
        assertEquals("SELECT, GRANT OPTION ON *.*", Planner.parseGrantLine(
                "GRANT SELECT ON *.* TO `u`@`%` REQUIRE SSL WITH GRANT OPTION MAX_QUERIES_PER_HOUR 5").orElseThrow().toString());
        assertEquals("USAGE, GRANT OPTION ON `app_db`.*", Planner.parseGrantLine(
                "GRANT USAGE ON `app\\_db`.* TO `u`@`%` WITH GRANT OPTION").orElseThrow().toString());
        assertEquals("SELECT ON `app_db`.* (database pattern)", Planner.parseGrantLine(
                "GRANT SELECT ON `app_db`.* TO `u`@`%`").orElseThrow().toString());
        assertFalse(Planner.withGrantOption("`u`@`%` WITH MAX_QUERIES_PER_HOUR 5"));
    }
}
