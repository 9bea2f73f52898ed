package io.s2mtls.core.pki;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonLineTest {
    @Test
    void auditEventsRoundTripWithAwkwardCharacters() {
        AuditEvent event = new AuditEvent(Instant.parse("2026-11-27T01:02:03.5Z"), "ro\"ot\\", "cert.revoke",
                Optional.of("0A1B"), Optional.of("/CN=Jos\\xC3\\xA9/O=\u0001\t\n\u007f\u00e9\ud83d\ude00"), Optional.of("'a'@'%'"), Optional.empty());
        String line = event.toJsonLine();
        assertTrue(!line.contains("\n") && !line.contains("\u0001"), line);
        assertEquals(event, AuditEvent.fromJsonLine(line));
        assertTrue(line.startsWith("{\"time\":\"2026-11-27T01:02:03.500Z\",\"actor\":"), line);
    }

    @Test
    void managedUsersRoundTrip() {
        ManagedUser user = new ManagedUser("u", "10.0.%", "X509", Optional.empty(), List.of("SELECT ON db.*", "INSERT ON db.t"),
                Optional.empty(), Instant.parse("2026-01-01T00:00:00Z"));
        assertEquals(user, ManagedUser.fromJsonLine(user.toJsonLine()));
    }

    @Test
    void malformedLinesAreRefused() {
        for (String bad : List.of("", "{", "{\"time\":1}", "{\"time\":\"2026-01-01T00:00:00Z\"}", "{\"a\":\"b\"} x", "[]")) {
            assertThrows(RuntimeException.class, () -> AuditEvent.fromJsonLine(bad), bad);
        }
    }
}
