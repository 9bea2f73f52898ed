package io.s2mtls.adapters.jdbc;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.user.DatabaseTarget;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.user.UserSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions are ended only when they certainly belong to the account, the admin account is never changed,
 * and a URL cannot turn the verified TLS of the connection off: on the test server.
 */
@ExtendWith(TestDatabaseExtension.class)
class SessionOwnershipTest {

    private static DatabaseTarget login(TestDatabase db, String user, String password) {
        return DatabaseTarget.withPassword(db.jdbcUrl(), user, password.toCharArray(), List.of(db.authority().certificate()));
    }

    private static String currentUser(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("SELECT CURRENT_USER()")) {
            row.next();
            return row.getString(1);
        }
    }

    @Test
    void aSessionOfAnotherAccountWhoseHostAlsoMatchesIsNeverKilled() throws SQLException {
        TestDatabase db = TestDatabase.get();
        UserAccount any = new UserAccount("so_u", "%");
        UserAccount local = new UserAccount("so_u", "127.0.0.1");
        db.sql("DROP USER IF EXISTS 'so_u'@'%'", "DROP USER IF EXISTS 'so_u'@'127.0.0.1'",
                "CREATE USER 'so_u'@'%' IDENTIFIED BY 'any password'");
        try (Connection ofAny = JdbcConnector.connect(login(db, "so_u", "any password"))) {
            assertEquals("so_u@%", currentUser(ofAny));
            db.sql("CREATE USER 'so_u'@'127.0.0.1' IDENTIFIED BY 'local password'");
            try (Connection ofLocal = JdbcConnector.connect(login(db, "so_u", "local password"));
                 UserDirectory directory = new SingleStoreDirectoryProvider().open(db.adminTarget(), LoginMatrixTest.Contexts.empty())) {
                assertEquals("so_u@127.0.0.1", currentUser(ofLocal));
                // both sessions show user so_u from 127.0.0.1: the server does not say which account each logged in as
                for (UserAccount target : List.of(any, local)) {
                    assertEquals(List.of(), directory.sessions(target), "no session is certainly " + target + "'s");
                    S2mtlsException refused = assertThrows(S2mtlsException.class, () -> directory.killSessions(target));
                    assertEquals(ErrorKind.EXTERNAL, refused.kind());
                    assertTrue(refused.getMessage().contains("left 2 session(s)") && refused.getMessage().contains("'so_u'@'%'")
                            && refused.getMessage().contains("'so_u'@'127.0.0.1'"), refused.getMessage());
                    assertTrue(alive(ofAny) && alive(ofLocal), "neither session was killed for " + target);
                }
                // an account whose host cannot match ends nothing
                assertEquals(List.of(), directory.killSessions(new UserAccount("so_u", "10.9.%")));
                assertTrue(alive(ofAny) && alive(ofLocal));

                // once only one account of that name can match, its sessions are certainly that account's
                db.sql("DROP USER 'so_u'@'%'");
                List<UserSession> killed = directory.killSessions(local);
                assertEquals(2, killed.size(), killed.toString());
                assertFalse(alive(ofLocal));
            }
        } finally {
            db.sql("DROP USER IF EXISTS 'so_u'@'%'", "DROP USER IF EXISTS 'so_u'@'127.0.0.1'");
        }
    }

    @Test
    void anAnonymousAccountMakesSessionsAmbiguous() throws Exception {
        TestDatabase db = TestDatabase.get();
        db.sql("DROP USER IF EXISTS 'so_anon'@'%'", "CREATE USER 'so_anon'@'%' IDENTIFIED BY 'anon test'");
        // logged in before the anonymous account exists, which would otherwise take precedence from 127.0.0.1
        try (Connection named = JdbcConnector.connect(login(db, "so_anon", "anon test"));
             AutoCloseable anonymous = anonymous(db);
             UserDirectory directory = new SingleStoreDirectoryProvider().open(db.adminTarget(), LoginMatrixTest.Contexts.empty())) {
            S2mtlsException refused = assertThrows(S2mtlsException.class, () -> directory.killSessions(new UserAccount("so_anon", "%")));
            assertTrue(refused.getMessage().contains("''@'127.0.0.1'"), refused.getMessage());
            assertTrue(alive(named));
        } finally {
            db.sql("DROP USER IF EXISTS ''@'127.0.0.1'", "DROP USER IF EXISTS 'so_anon'@'%'");
        }
    }

    @Test
    void aNameThatDiffersOnlyInCaseIsAnotherAccount() throws SQLException {
        TestDatabase db = TestDatabase.get();
        db.sql("DROP USER IF EXISTS 'so_case'@'%'", "DROP USER IF EXISTS 'SO_CASE'@'%'",
                "CREATE USER 'so_case'@'%' IDENTIFIED BY 'lower'", "CREATE USER 'SO_CASE'@'%' IDENTIFIED BY 'upper'");
        try (Connection upper = JdbcConnector.connect(login(db, "SO_CASE", "upper"));
             UserDirectory directory = new SingleStoreDirectoryProvider().open(db.adminTarget(), LoginMatrixTest.Contexts.empty())) {
            assertEquals("SO_CASE@%", currentUser(upper));
            assertEquals(List.of(), directory.killSessions(new UserAccount("so_case", "%")));
            assertTrue(alive(upper), "the session of 'SO_CASE'@'%' is not one of 'so_case'@'%'");
        } finally {
            db.sql("DROP USER IF EXISTS 'so_case'@'%'", "DROP USER IF EXISTS 'SO_CASE'@'%'");
        }
    }

    private static AutoCloseable anonymous(TestDatabase db) {
        db.sql("CREATE USER ''@'127.0.0.1' IDENTIFIED BY 'anonymous password'");
        return () -> db.sql("DROP USER IF EXISTS ''@'127.0.0.1'");
    }

    @Test
    void theAdminAccountIsKnownAndNeverChanged() {
        TestDatabase db = TestDatabase.get();
        UserAccount admin = new UserAccount(db.adminUser(), "127.0.0.1");
        try (UserDirectory directory = new SingleStoreDirectoryProvider().open(db.adminTarget(), LoginMatrixTest.Contexts.empty())) {
            assertEquals(Optional.of(admin), directory.adminAccount());
            PrivilegeGrant select = PrivilegeGrant.parse("SELECT ON *.*");
            for (UserCommand command : List.of(new UserCommand.DropUser(admin, true), new UserCommand.DropUser(admin, false),
                    new UserCommand.AlterUser(admin, TlsRequirement.x509(), false), new UserCommand.SetAccountLock(admin, true),
                    new UserCommand.SetAccountLock(new UserAccount(db.adminUser(), "127.0.0.1".toUpperCase()), true),
                    new UserCommand.CreateUser(new io.s2mtls.core.user.UserPolicy(admin, TlsRequirement.ssl(), List.of()), false),
                    new UserCommand.Grant(admin, select), new UserCommand.Revoke(admin, select))) {
                for (boolean dryRun : List.of(true, false)) {
                    S2mtlsException refused = assertThrows(S2mtlsException.class,
                            () -> { if (dryRun) directory.plannedSql(command); else directory.execute(List.of(command)); });
                    assertEquals(ErrorKind.BAD_INPUT, refused.kind(), refused.getMessage());
                    assertTrue(refused.getMessage().contains("admin"), refused.getMessage());
                }
            }
            S2mtlsException kill = assertThrows(S2mtlsException.class, () -> directory.killSessions(admin));
            assertEquals(ErrorKind.BAD_INPUT, kill.kind());
            // another account of the same name is not the admin
            assertEquals(List.of("DROP USER IF EXISTS '" + db.adminUser() + "'@'10.%'"),
                    directory.plannedSql(new UserCommand.DropUser(new UserAccount(db.adminUser(), "10.%"), true)));
        }
        db.sql("SELECT 1"); // the admin still logs in
    }

    @Test
    void theUrlCannotTurnVerifiedTlsOff() {
        TestDatabase db = TestDatabase.get();
        for (String parameters : List.of("sslMode=disable", "SslMode=disable", "trustServerCertificate=true", "password=x",
                "clientcertificatekeystoreurl=file:/x", "useSSL=false")) {
            DatabaseTarget target = DatabaseTarget.withPassword(db.jdbcUrl() + "?" + parameters, db.adminUser(), db.adminPassword(),
                    List.of(db.authority().certificate()));
            S2mtlsException refused = assertThrows(S2mtlsException.class, () -> JdbcConnector.connect(target).close());
            assertEquals(ErrorKind.BAD_INPUT, refused.kind(), refused.getMessage());
        }
    }

    @Test
    void urlsInMessagesCarryNoSecret() {
        assertEquals("jdbc:singlestore://***@db:3306/app?password=***&connectTimeout=***&flag",
                JdbcConnector.redacted("jdbc:singlestore://root:pw@db:3306/app?password=pw&connectTimeout=5&flag"));
        assertEquals("jdbc:singlestore://db/", JdbcConnector.redacted("jdbc:singlestore://db/"));
        S2mtlsException userInfo = assertThrows(S2mtlsException.class, () -> JdbcConnector.checkUrl("jdbc:singlestore://root:pw@db/"));
        assertFalse(userInfo.getMessage().contains("pw"), userInfo.getMessage());
        JdbcConnector.checkUrl("jdbc:singlestore://db:3306/app?connectTimeout=5000&SOCKETTIMEOUT=1&&sessionVariables=sql_mode='ANSI'");
        S2mtlsException encoded = assertThrows(S2mtlsException.class, () -> JdbcConnector.checkUrl("jdbc:singlestore://db/?%73slMode=disable"));
        assertTrue(encoded.getMessage().contains("'%73slMode'") && encoded.getMessage().contains("--ssl-mode"), encoded.getMessage());
    }

    @Test
    void netmaskHostsMatchLikeTheServer() {
        assertTrue(HostPattern.matches("10.0.0.0/255.0.0.0", "10.1.2.3"));
        assertFalse(HostPattern.matches("10.0.0.0/255.0.0.0", "11.1.2.3"));
        assertTrue(HostPattern.matches("127.0.0.1/255.255.255.255", "127.0.0.1"));
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
