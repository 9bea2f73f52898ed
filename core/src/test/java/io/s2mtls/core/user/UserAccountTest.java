package io.s2mtls.core.user;

import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserAccountTest {

    @Test
    void spacesAtTheEdgesOfANameOrHostAreRefused() {
        for (String name : List.of("app ", " app", "app\t", "\u00A0app", "app\u2003")) {
            S2mtlsException e = assertThrows(S2mtlsException.class, () -> new UserAccount(name, "%"));
            assertEquals(ErrorKind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage().startsWith("user: ") && e.getMessage().contains("space"), e.getMessage());
        }
        S2mtlsException host = assertThrows(S2mtlsException.class, () -> new UserAccount("app", "10.0.% "));
        assertTrue(host.getMessage().startsWith("host: "), host.getMessage());
        // inside a name, and other control characters at its edges, are names a server stores exactly
        assertEquals("my app", new UserAccount("my app", "%").name());
        assertEquals("inj\r\n", new UserAccount("inj\r\n", "%").name());
    }
}
