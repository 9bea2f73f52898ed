package io.s2mtls.core.user;

import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrivilegeGrantTest {

    @Test
    void parsesPrivilegeListsAndLevels() {
        assertEquals(new PrivilegeGrant(List.of("SELECT", "INSERT"), Optional.of("db"), Optional.empty()),
                PrivilegeGrant.parse("select,  Insert on db.*"));
        assertEquals(new PrivilegeGrant(List.of("ALL PRIVILEGES"), Optional.empty(), Optional.empty()),
                PrivilegeGrant.parse("ALL   PRIVILEGES ON *.*", new GrantRules(false, true)));
        assertEquals(new PrivilegeGrant(List.of("CREATE TEMPORARY TABLES"), Optional.of("a`b"), Optional.of("t.x")),
                PrivilegeGrant.parse("CREATE TEMPORARY TABLES ON `a``b`.`t.x`"));
        assertEquals("SELECT ON `db`.`t`", PrivilegeGrant.parse("SELECT ON db.t").toString());
    }

    @Test
    void refusesAnythingOutsideTheGrammar() {
        for (String spec : List.of("", "SELECT", "ON db.*", "SELECT ON", "SELECT ON db", "SELECT ON *", "SELECT,,INSERT ON *.*",
                "SELECT ON *.*; DROP TABLE x", "SEL;ECT ON *.*", "SELECT ON db.t extra", "SELECT ON db.`x",
                "SELECT (col) ON db.t", "SELECT, SELECT ON *.*", "A B C D E ON *.*", "SELECT ON d-b.*", "SELECT ON db.*.*",
                "SELECT ON `a\0b`.*")) {
            S2mtlsException e = assertThrows(S2mtlsException.class, () -> PrivilegeGrant.parse(spec), spec);
            assertEquals(ErrorKind.BAD_INPUT, e.kind());
        }
    }

    @Test
    void aDatabaseNameIsLiteralUnlessPatternsAreAllowed() {
        PrivilegeGrant literal = PrivilegeGrant.parse("SELECT ON app_db.*");
        assertFalse(literal.databasePattern());
        assertEquals("app\\_db", literal.databaseAsPattern());
        assertEquals("SELECT ON `app_db`.*", literal.toString());
        assertEquals("a\\\\b\\%c\\_d", PrivilegeGrant.escapeWildcards("a\\b%c_d"));

        PrivilegeGrant pattern = PrivilegeGrant.parse("SELECT ON `app_%`.*", new GrantRules(true, false));
        assertTrue(pattern.databasePattern());
        assertEquals("app_%", pattern.databaseAsPattern());
        assertEquals("SELECT ON `app_%`.* (database pattern)", pattern.toString());
        assertNotEquals(literal, PrivilegeGrant.parse("SELECT ON app_db.*", new GrantRules(true, false)));

        // a pattern without wildcards is the literal it stands for, so SHOW GRANTS' `app\_db` is app_db
        PrivilegeGrant escaped = PrivilegeGrant.parse("SELECT ON `app\\_db`.*", GrantRules.SERVER);
        assertEquals(literal, escaped);
        // the database of a table grant is compared exactly by the server: never a pattern
        PrivilegeGrant table = PrivilegeGrant.parse("SELECT ON `app_%`.t", GrantRules.SERVER);
        assertFalse(table.databasePattern());
        assertEquals(Optional.of("app_%"), table.database());
        assertThrows(S2mtlsException.class, () -> new PrivilegeGrant(List.of("SELECT"), Optional.of("a_b"), Optional.of("t"), true));
    }

    @Test
    void aPercentInADatabaseNameIsRefusedWithoutPatterns() {
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> PrivilegeGrant.parse("SELECT ON `app%`.*"));
        assertEquals(ErrorKind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("grant-patterns"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void withGrantOptionIsThePrivilegeGrantOptionAndAllIsAllPrivileges() {
        GrantRules admin = new GrantRules(false, true);
        assertEquals(List.of("SELECT", "GRANT OPTION"), PrivilegeGrant.parse("SELECT ON db.* with grant  option", admin).privileges());
        assertEquals(PrivilegeGrant.parse("SELECT, GRANT OPTION ON db.*", admin), PrivilegeGrant.parse("SELECT ON db.* WITH GRANT OPTION", admin));
        assertEquals(List.of("GRANT OPTION"), PrivilegeGrant.parse("GRANT OPTION ON db.* WITH GRANT OPTION", admin).privileges());
        assertEquals("ALL PRIVILEGES ON `db`.*", PrivilegeGrant.parse("ALL ON db.*").toString());
    }

    @Test
    void administrativePrivilegesAreRefusedUnlessAllowed() {
        for (String spec : List.of("SELECT ON db.* WITH GRANT OPTION", "GRANT OPTION ON db.t", "CREATE USER ON *.*", "SUPER ON *.*",
                "ALL ON *.*", "ALL PRIVILEGES ON *.*", "INSERT ON *.*", "UPDATE ON mysql.*", "DELETE ON MySQL.global_priv",
                "ALL ON mysql.*", "PROXY ON *.*", "SET USER ON *.*", "FILE ON *.*", "ALTER USER ON *.*", "ROLE_ADMIN ON *.*")) {
            S2mtlsException e = assertThrows(S2mtlsException.class, () -> PrivilegeGrant.parse(spec), spec);
            assertEquals(ErrorKind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage().contains("'" + spec + "'") && e.getMessage().contains("allow-admin-privileges"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
            assertTrue(PrivilegeGrant.parse(spec, new GrantRules(false, true)).adminReason().isPresent(), spec);
        }
        // a pattern that matches mysql reaches the grant tables too
        assertThrows(S2mtlsException.class, () -> PrivilegeGrant.parse("INSERT ON `m%`.*", new GrantRules(true, false)));
        assertThrows(S2mtlsException.class, () -> PrivilegeGrant.parse("INSERT ON `my_ql`.*", new GrantRules(true, false)));
        // but a literal look-alike does not
        assertTrue(PrivilegeGrant.parse("INSERT ON my_ql.*").adminReason().isEmpty());
        for (String spec : List.of("SELECT ON *.*", "SELECT ON mysql.*", "SELECT, INSERT, UPDATE, DELETE ON app.*", "ALL ON app.*",
                "PROCESS, RELOAD ON *.*", "SHOW VIEW ON mysql.user")) {
            assertTrue(PrivilegeGrant.parse(spec).adminReason().isEmpty(), spec);
        }
    }

    @Test
    void serverPatternsMatchAsTheServerDoes() {
        assertTrue(PrivilegeGrant.matches("app_db", "appXdb"));
        assertFalse(PrivilegeGrant.matches("app\\_db", "appXdb"));
        assertTrue(PrivilegeGrant.matches("app\\_db", "app_db"));
        assertTrue(PrivilegeGrant.matches("%", "mysql"));
        assertTrue(PrivilegeGrant.matches("M%L", "mysql"));
        assertFalse(PrivilegeGrant.matches("my%x", "mysql"));
        assertFalse(PrivilegeGrant.hasWildcard("a\\_b\\%"));
        assertEquals("a_b%", PrivilegeGrant.unescape("a\\_b\\%"));
    }
}
