package io.s2mtls.adapters.records;

import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.ManagedUser;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit events and managed-user records as stores persist them (what core's hand-written JSON lines
 * did before the records moved here): awkward characters survive, one event stays on one line, records
 * written before policies had names read as owned by no policy, and malformed input is refused.
 */
class AuditAndUserRecordsTest {

    @Test
    void auditEventsRoundTripOnOneLineWithAwkwardCharacters() {
        AuditEvent event = new AuditEvent(Instant.parse("2026-11-27T01:02:03.5Z"), "ro\"ot\\", "cert.revoke",
                Optional.of("0A1B"), Optional.of("/CN=Jos\\xC3\\xA9/O=\u0001\t\n\u007f\u00e9\ud83d\ude00"), Optional.of("'a'@'%'"), Optional.empty());
        String line = StoreJson.auditLine(event);
        assertFalse(line.contains("\n") || line.contains("\r") || line.contains("\u0001"), line);
        assertTrue(line.startsWith("{\"time\":\"2026-11-27T01:02:03.500Z\",\"actor\":"), line);
        assertFalse(line.contains("\"detail\""), "an absent field is left out: " + line);
        assertEquals(event, StoreJson.auditEvent(line));
    }

    @Test
    void managedUsersRoundTripWithAndWithoutAnOwningPolicy() {
        ManagedUser plain = new ManagedUser("u", "10.0.%", "X509", Optional.empty(), List.of("SELECT ON db.*", "INSERT ON db.t"),
                Optional.empty(), Instant.parse("2026-01-01T00:00:00Z"));
        assertEquals(plain, user(StoreJson.write(ManagedUserRecord.of(plain))));
        ManagedUser owned = new ManagedUser("owned", "%", "SUBJECT", Optional.of("/O=x/CN=owned"), List.of("SELECT ON `db`.*"),
                Optional.of("owned"), Instant.parse("2026-11-27T03:00:00Z"), Optional.of("payments \"eu\""));
        byte[] json = StoreJson.write(ManagedUserRecord.of(owned));
        assertTrue(new String(json, StandardCharsets.UTF_8).contains("\"policy\":\"payments \\\"eu\\\"\""), new String(json, StandardCharsets.UTF_8));
        assertEquals(owned, user(json));
    }

    @Test
    void aRecordFromBeforePoliciesHadNamesIsOwnedByNoPolicy() {
        ManagedUser old = user(("{\"name\":\"owned\",\"host\":\"%\",\"requirement\":\"X509\",\"grants\":[],"
                + "\"credential\":\"owned\",\"recordedAt\":\"2026-01-01T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), old.policy());
        assertFalse(old.ownedBy("payments"));
    }

    @Test
    void malformedLinesAreRefused() {
        for (String bad : List.of("", "{", "{\"time\":1}", "{\"time\":\"2026-01-01T00:00:00Z\"}", "{\"a\":\"b\"}", "[]",
                "{\"time\":\"yesterday\",\"actor\":\"a\",\"action\":\"b\"}")) {
            assertThrows(IllegalArgumentException.class, () -> StoreJson.auditEvent(bad), bad);
        }
    }

    private static ManagedUser user(byte[] json) {
        return StoreJson.read(json, ManagedUserRecord.class).toUser();
    }
}
