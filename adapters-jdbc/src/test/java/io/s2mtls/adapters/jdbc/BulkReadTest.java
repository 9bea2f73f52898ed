package io.s2mtls.adapters.jdbc;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.core.policy.Planner;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.port.UserDirectory.AccountState;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.UserAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bulk read ({@link UserDirectory#showAll}) says what {@link UserDirectory#show} says for every account,
 * as the planner compares it (requirement, grants privilege by privilege, lines left alone, lock state), on
 * the real server, in a number of queries that does not grow with the accounts.
 */
@ExtendWith(TestDatabaseExtension.class)
class BulkReadTest {

    @Test
    void theBulkReadEqualsShowForEveryAccount() throws SQLException {
        TestDatabase db = TestDatabase.get();
        db.sql("CREATE DATABASE IF NOT EXISTS `d``b`", "CREATE TABLE IF NOT EXISTS `d``b`.`t``1` (c1 INT)",
                "CREATE DATABASE IF NOT EXISTS bulk_db", "CREATE TABLE IF NOT EXISTS bulk_db.t (c1 INT, c2 INT)",
                "CREATE ROLE IF NOT EXISTS bulk_role",
                "CREATE USER 'bk_subject'@'%' REQUIRE SUBJECT '/CN=a\\\\b''c/O=x\\\\+y'",
                "GRANT SELECT, INSERT ON `app\\_db`.* TO 'bk_subject'@'%' WITH GRANT OPTION",
                "GRANT ALL PRIVILEGES ON `bk%`.* TO 'bk_subject'@'%'",
                "GRANT SELECT ON `d``b`.`t``1` TO 'bk_subject'@'%'",
                "CREATE USER 'bk_locked'@'10.0.%' REQUIRE X509 ACCOUNT LOCK", "GRANT ALL ON *.* TO 'bk_locked'@'10.0.%'",
                "CREATE USER 'bk_issuer'@'h.example' REQUIRE ISSUER '/CN=ca' SUBJECT '/CN=s'",
                "GRANT RELOAD, PROCESS ON *.* TO 'bk_issuer'@'h.example' WITH GRANT OPTION",
                "GRANT SELECT (c1), INSERT (c1, c2) ON bulk_db.t TO 'bk_issuer'@'h.example'",
                "GRANT ALL ON `d``b`.`t``1` TO 'bk_issuer'@'h.example'",
                "CREATE USER 'bk_ssl'@'Mixed.Case.Example' REQUIRE SSL", "GRANT DELETE ON bulk_db.t TO 'bk_ssl'@'mixed.case.example' WITH GRANT OPTION",
                "CREATE USER 'bk_none'@'192.168.0.0/255.255.0.0'", "GRANT bulk_role TO 'bk_none'@'192.168.0.0/255.255.0.0'",
                "GRANT SELECT, UPDATE ON bulk_db.* TO 'bk_none'@'192.168.0.0/255.255.0.0'",
                "CREATE USER 'bk''quote\\\\back'@'%' REQUIRE SUBJECT '/CN=q'", "GRANT SELECT ON `we``ird\\_db`.* TO 'bk''quote\\\\back'@'%'",
                // a name that looks like an account in the GRANTEE text: 'bk_x'@'y'@'z' (a host cannot hold '@')
                "CREATE USER 'bk_x''@''y'@'z' REQUIRE X509", "GRANT SELECT ON bulk_db.* TO 'bk_x''@''y'@'z'");

        try (Connection connection = db.adminConnection(); UserDirectory directory = JdbcUserDirectory.open(connection, db.adminTarget(), Optional.empty())) {
            Map<UserAccount, AccountState> bulk = directory.showAll();
            List<UserAccount> listed = directory.list();
            // a role is listed but show finds no account by that name: the bulk read leaves it out too
            List<UserAccount> shownAccounts = listed.stream().filter(a -> directory.show(a).isPresent()).toList();
            assertTrue(listed.contains(new UserAccount("bulk_role", "")) && !shownAccounts.contains(new UserAccount("bulk_role", "")));
            assertEquals(new TreeSet<>(shownAccounts.stream().map(UserAccount::toString).toList()),
                    new TreeSet<>(bulk.keySet().stream().map(UserAccount::toString).toList()));
            int compared = 0;
            for (UserAccount account : shownAccounts) {
                DatabaseUser shown = directory.show(account).orElseThrow();
                AccountState state = bulk.get(account);
                String label = account.toString();
                assertEquals(shown.account(), state.user().account(), label);
                assertEquals(shown.requirement().map(JdbcUserDirectory::describe), state.user().requirement().map(JdbcUserDirectory::describe), label);
                Planner.ServerGrants fromShow = Planner.serverGrants(shown.grants());
                Planner.ServerGrants fromBulk = Planner.serverGrants(state.user().grants());
                assertEquals(new TreeSet<>(fromShow.atoms().keySet()), new TreeSet<>(fromBulk.atoms().keySet()), label
                        + "\nshow: " + shown.grants() + "\nbulk: " + state.user().grants());
                assertEquals(fromShow.notUnderstood().size(), fromBulk.notUnderstood().size(), label
                        + "\nshow: " + shown.grants() + "\nbulk: " + state.user().grants());
                assertEquals(Optional.of(shown.definition().orElseThrow().contains(" ACCOUNT LOCK")), state.locked(), label);
                if (account.name().startsWith("bk")) {
                    compared++;
                }
            }
            assertEquals(7, compared, "every account of this test is compared");
            // spot checks that the comparison is not vacuous
            UserAccount subject = new UserAccount("bk_subject", "%");
            Set<String> atoms = new TreeSet<>(Planner.serverGrants(bulk.get(subject).user().grants()).atoms().keySet());
            assertEquals(5, atoms.size(), atoms.toString());
            assertTrue(atoms.stream().anyMatch(g -> g.startsWith("GRANT OPTION ON ")), atoms.toString());
            assertTrue(atoms.stream().anyMatch(g -> g.startsWith("ALL PRIVILEGES ON ")), atoms.toString());
            assertEquals(Optional.of(true), bulk.get(new UserAccount("bk_locked", "10.0.%")).locked());
            assertEquals(Optional.of(false), bulk.get(subject).locked());
            assertEquals("REQUIRE SUBJECT [/CN=a\\b'c/O=x\\+y]", JdbcUserDirectory.describe(bulk.get(subject).user().requirement().orElseThrow()));
        }
    }

    @Test
    void theNumberOfQueriesDoesNotGrowWithTheAccounts() throws SQLException {
        TestDatabase db = TestDatabase.get();
        try (Connection connection = db.adminConnection(); UserDirectory directory = JdbcUserDirectory.open(connection, db.adminTarget(), Optional.empty())) {
            long small = queries(connection, directory);
            List<String> statements = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                statements.add("CREATE USER IF NOT EXISTS 'bk_many_" + i + "'@'%' REQUIRE X509");
                statements.add("GRANT SELECT ON bulk_many.* TO 'bk_many_" + i + "'@'%'");
            }
            db.sql(statements.toArray(String[]::new));
            long large = queries(connection, directory);
            assertEquals(small, large, "queries for one bulk read");
            assertTrue(large <= 12, "queries for one bulk read: " + large);
            assertTrue(directory.showAll().size() >= 200);
        }
    }

    /** The statements one showAll sends, by the session's own Questions counter. */
    private static long queries(Connection connection, UserDirectory directory) throws SQLException {
        long before = questions(connection);
        directory.showAll();
        return questions(connection) - before - 1;
    }

    private static long questions(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SHOW SESSION STATUS LIKE 'Questions'")) {
            row.next();
            return row.getLong(2);
        }
    }
}
