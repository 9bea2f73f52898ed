package io.s2mtls.adapters.jdbc;

import io.s2mtls.adapters.jdbc.testing.TestAuthority;
import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.user.UserPolicy;
import io.s2mtls.core.user.UserSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ACCOUNT LOCK, the sessions of an account and KILL CONNECTION, in both dialects, against the test server. */
@ExtendWith(TestDatabaseExtension.class)
class AccountLockAndSessionsTest {

    @Test
    void lockStatementsInBothDialects() {
        UserAccount account = new UserAccount("app", "10.0.%");
        boolean literals = false;
        for (SqlDialect dialect : List.of(new SingleStoreDialect(literals, SingleStoreDialect.Version.parse("9.1.0")),
                new MariaDbDialect(literals, true))) {
            assertEquals(List.of("ALTER USER 'app'@'10.0.%' ACCOUNT LOCK", "ALTER USER 'app'@'10.0.%' ACCOUNT UNLOCK"),
                    dialect.plan(List.of(new UserCommand.SetAccountLock(account, true), new UserCommand.SetAccountLock(account, false))).all());
        }
    }

    @Test
    void hostPatternsAndProcessListHosts() {
        assertTrue(HostPattern.matches("%", "127.0.0.1"));
        assertTrue(HostPattern.matches("127.0.0.%", "127.0.0.1"));
        assertTrue(HostPattern.matches("127.0.0._", "127.0.0.1"));
        assertFalse(HostPattern.matches("10.0.%", "127.0.0.1"));
        assertTrue(HostPattern.matches("DB.Example.com", "db.example.com"));
        assertFalse(HostPattern.matches("127.0.0.1", "127.0.0.10"));
        assertEquals("127.0.0.1", JdbcUserDirectory.clientHost("127.0.0.1:53412"));
        assertEquals("::1", JdbcUserDirectory.clientHost("[::1]:53412"));
        assertEquals("localhost", JdbcUserDirectory.clientHost("localhost"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "singlestore"})
    void lockKillsNothingByItselfKillSessionsDoesAndALockedAccountCannotLogIn(String dialect) throws SQLException {
        TestDatabase db = TestDatabase.get();
        UserAccount account = UserAccount.anyHost("lk_" + dialect);
        UserAccount elsewhere = new UserAccount("lk_" + dialect, "10.9.%");
        TestAuthority.Issued credential = db.authority().issueClient("CN=lk " + dialect + ",O=s2mtls tests");
        try (UserDirectory maria = new SingleStoreDirectoryProvider().open(db.adminTarget(), LoginMatrixTest.Contexts.empty());
             UserDirectory directory = new SingleStoreDirectoryProvider().open(db.adminTarget(),
                     LoginMatrixTest.Contexts.with(Map.of("dialect", dialect)))) {
            assertEquals(dialect, directory.server().dialect());
            maria.execute(List.of(new UserCommand.DropUser(account, true), new UserCommand.DropUser(elsewhere, true),
                    new UserCommand.CreateUser(new UserPolicy(account, TlsRequirement.x509(), List.of()), false)));
            assertEquals(java.util.Optional.of(db.caFile().toString()), maria.clientCaFile());
            try (Connection first = JdbcConnector.connect(db.userTarget(account.name(), credential));
                 Connection second = JdbcConnector.connect(db.userTarget(account.name(), credential))) {
                List<UserSession> sessions = directory.sessions(account);
                assertEquals(2, sessions.size(), sessions.toString());
                assertTrue(sessions.stream().allMatch(s -> s.clientHost().equals("127.0.0.1") && s.user().equals(account.name())));
                assertEquals(List.of(), directory.sessions(elsewhere), "the host pattern 10.9.% does not match 127.0.0.1");

                assertEquals(List.of("ALTER USER 'lk_" + dialect + "'@'%' ACCOUNT LOCK"), directory.lock(account));
                assertTrue(alive(first), "a lock leaves open sessions open");
                List<UserSession> killed = directory.killSessions(account);
                assertEquals(2, killed.size());
                assertFalse(alive(first));
                assertFalse(alive(second));
                assertEquals(List.of(), directory.sessions(account));
            }
            S2mtlsException refused = assertThrows(S2mtlsException.class,
                    () -> JdbcConnector.connect(db.userTarget(account.name(), credential)).close());
            assertTrue(refused.getMessage().contains("locked"), refused.getMessage());
            directory.unlock(account);
            JdbcConnector.connect(db.userTarget(account.name(), credential)).close();
            maria.drop(account);
        }
    }

    private static boolean alive(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
