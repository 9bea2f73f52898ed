package io.s2mtls.core.user;

import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PrivilegeGrantTest {

    @Test
    void parsesPrivilegeListsAndLevels() {
        assertEquals(new PrivilegeGrant(List.of("SELECT", "INSERT"), Optional.of("db"), Optional.empty()),
                PrivilegeGrant.parse("select,  Insert on db.*"));
        assertEquals(new PrivilegeGrant(List.of("ALL PRIVILEGES"), Optional.empty(), Optional.empty()),
                PrivilegeGrant.parse("ALL   PRIVILEGES ON *.*"));
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
}
