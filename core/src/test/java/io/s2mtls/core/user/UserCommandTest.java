package io.s2mtls.core.user;

import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserCommandTest {
    private static final UserAccount ALICE = UserAccount.anyHost("alice");

    @Test
    void anAmbiguousSubjectNeedsForce() {
        TlsRequirement.Subject ambiguous = new TlsRequirement.Subject("/CN=foo\\/O=bar", true);
        S2mtlsException e = assertThrows(S2mtlsException.class,
                () -> new UserCommand.CreateUser(new UserPolicy(ALICE, ambiguous, List.of()), false));
        assertEquals(ErrorKind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("ambiguous"));
        new UserCommand.CreateUser(new UserPolicy(ALICE, ambiguous, List.of()), true);
        assertThrows(S2mtlsException.class, () -> new UserCommand.AlterUser(ALICE, ambiguous, false));
        assertThrows(S2mtlsException.class, () -> new UserCommand.AlterUser(ALICE,
                new TlsRequirement.Issuer("/CN=ca", Optional.of(ambiguous)), false));
    }

    @Test
    void emptySubjectsAndNulCharactersAreRefused() {
        assertThrows(S2mtlsException.class, () -> TlsRequirement.subject(""));
        assertThrows(S2mtlsException.class, () -> new TlsRequirement.Issuer("", Optional.empty()));
        assertThrows(S2mtlsException.class, () -> new UserAccount("", "%"));
        assertThrows(S2mtlsException.class, () -> new UserAccount("a\0", "%"));
        assertThrows(S2mtlsException.class, () -> new UserAccount("a", "\0"));
    }

    @Test
    void databaseTargetNeedsACaUnlessTlsIsOffAndHidesSecrets() {
        assertThrows(S2mtlsException.class, () -> DatabaseTarget.withPassword("jdbc:singlestore://h/", "admin", "pw".toCharArray(), List.of()));
        assertThrows(S2mtlsException.class, () -> DatabaseTarget.withPassword("mysql://h/", "admin", "pw".toCharArray(), List.of()));
        DatabaseTarget plain = new DatabaseTarget("jdbc:singlestore://h/", "admin", Optional.of("secret".toCharArray()),
                Optional.empty(), List.of(), DatabaseTarget.SslMode.DISABLE, false);
        assertTrue(!plain.toString().contains("secret"));
    }

    @Test
    void keywords() {
        assertEquals("NONE", TlsRequirement.none().keyword());
        assertEquals("SSL", TlsRequirement.ssl().keyword());
        assertEquals("X509", TlsRequirement.x509().keyword());
        assertEquals("SUBJECT", TlsRequirement.subject("/CN=x").keyword());
    }
}
