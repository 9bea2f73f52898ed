package io.s2mtls.adapters.jdbc;

import io.s2mtls.adapters.jdbc.testing.TestAuthority;
import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.user.UserPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the real MariaDB: a grant on {@code app_db.*} reaches {@code app_db} and not {@code appXdb} ('_' is a
 * wildcard to the server), whatever the session's sql_mode; a pattern reaches every database it matches only
 * when it was asked for.
 */
@ExtendWith(TestDatabaseExtension.class)
class GrantsMeanWhatTheySayTest {
    private static TestDatabase db;
    private static UserDirectory directory;

    @BeforeAll
    static void open() {
        db = TestDatabase.get();
        db.sql("CREATE DATABASE IF NOT EXISTS gm_app_db", "CREATE DATABASE IF NOT EXISTS gm_appXdb",
                "CREATE TABLE IF NOT EXISTS gm_app_db.t (x INT)", "REPLACE INTO gm_app_db.t VALUES (1)",
                "CREATE TABLE IF NOT EXISTS gm_appXdb.secret (x INT PRIMARY KEY)", "REPLACE INTO gm_appXdb.secret VALUES (42)");
        directory = new SingleStoreDirectoryProvider().open(db.adminTarget(), LoginMatrixTest.Contexts.empty());
    }

    @AfterAll
    static void close() {
        directory.close();
    }

    /** Creates {@code name} (REQUIRE X509) with {@code grant}, through {@code through}, and returns its certificate. */
    private static TestAuthority.Issued account(UserDirectory through, String name, PrivilegeGrant grant) {
        UserAccount account = UserAccount.anyHost(name);
        through.execute(List.of(new UserCommand.DropUser(account, true),
                new UserCommand.CreateUser(new UserPolicy(account, TlsRequirement.x509(), List.of(grant)), false)));
        return db.authority().issueClient("CN=" + name + ",O=s2mtls tests");
    }

    private static int select(String user, TestAuthority.Issued cert, String table) throws SQLException {
        try (Connection connection = JdbcConnector.connect(db.userTarget(user, cert)); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT x FROM " + table)) {
            row.next();
            return row.getInt(1);
        }
    }

    @Test
    void aGrantOnAppDbReachesAppDbAndNotAppXdb() throws SQLException {
        TestAuthority.Issued cert = account(directory, "gm_literal", PrivilegeGrant.parse("SELECT ON gm_app_db.*"));
        assertEquals(1, select("gm_literal", cert, "gm_app_db.t"));
        SQLException denied = assertThrows(SQLException.class, () -> select("gm_literal", cert, "gm_appXdb.secret"));
        assertEquals(1142, denied.getErrorCode(), denied.getMessage());
        assertTrue(directory.show(UserAccount.anyHost("gm_literal")).orElseThrow().grants()
                .contains("GRANT SELECT ON `gm\\_app\\_db`.* TO `gm_literal`@`%`"));
        directory.drop(UserAccount.anyHost("gm_literal"));
    }

    @Test
    void noBackslashEscapesDoesNotChangeTheEscapedName() throws SQLException {
        try (Connection connection = db.adminConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
            JdbcUserDirectory noEscapes = JdbcUserDirectory.open(connection, db.adminTarget(), java.util.Optional.empty());
            TestAuthority.Issued cert = account(noEscapes, "gm_nbe", PrivilegeGrant.parse("SELECT ON gm_app_db.*"));
            assertEquals(1, select("gm_nbe", cert, "gm_app_db.t"));
            SQLException denied = assertThrows(SQLException.class, () -> select("gm_nbe", cert, "gm_appXdb.secret"));
            assertEquals(1142, denied.getErrorCode(), denied.getMessage());
            noEscapes.drop(UserAccount.anyHost("gm_nbe"));
        }
    }

    @Test
    void aPatternReachesWhatItMatchesOnlyWhenAskedFor() throws SQLException {
        TestAuthority.Issued cert = account(directory, "gm_pattern",
                PrivilegeGrant.parse("SELECT ON gm_app_db.*", new io.s2mtls.core.user.GrantRules(true, false)));
        assertEquals(42, select("gm_pattern", cert, "gm_appXdb.secret"));
        directory.drop(UserAccount.anyHost("gm_pattern"));
    }

    @Test
    void grantOptionIsGrantedAndReadBack() {
        UserAccount account = UserAccount.anyHost("gm_grantor");
        PrivilegeGrant grant = PrivilegeGrant.parse("SELECT ON gm_app_db.* WITH GRANT OPTION", new io.s2mtls.core.user.GrantRules(false, true));
        List<String> sql = directory.execute(List.of(new UserCommand.DropUser(account, true),
                new UserCommand.CreateUser(new UserPolicy(account, TlsRequirement.x509(), List.of(grant)), false)));
        assertEquals("GRANT SELECT, GRANT OPTION ON `gm\\_app\\_db`.* TO 'gm_grantor'@'%'", sql.get(2));
        assertTrue(directory.show(account).orElseThrow().grants()
                .contains("GRANT SELECT ON `gm\\_app\\_db`.* TO `gm_grantor`@`%` WITH GRANT OPTION"));
        directory.drop(account);
    }
}
