package io.s2mtls.adapters.records;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The formatter-free instant reader gives exactly what Instant.parse gives, and refuses what it refuses. */
class FieldsTest {
    @Test
    void instantsReadAsInstantParseReadsThem() {
        String[] good = {"2026-11-27T01:02:03Z", "2026-11-27T01:02:03.123456789Z", "2024-02-29T23:59:59.1Z", "1970-01-01T00:00:00Z",
                "0001-01-01T00:00:00.000001Z", "9999-12-31T23:59:59.999Z", "1969-07-20T20:17:40.5Z", "+10000-01-01T00:00:00Z", "2026-11-27T24:00:00Z", "2016-12-31T23:59:60Z", "2026-11-27T01:02:03.Z"};
        for (String text : good) {
            assertEquals(Instant.parse(text), Fields.instant("t", text), text);
        }
        Instant now = Instant.now();
        assertEquals(now, Fields.instant("t", now.toString()));
        String[] bad = {"2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", 
                "2026-11-27 01:02:03Z", "2026-11-27T01:02:03", "2026-1x-27T01:02:03Z", "2026-11-27T01:02:03.1234567890Z", "2026-11-27T01:02Z"};
        for (String text : bad) {
            assertThrows(DateTimeParseException.class, () -> Instant.parse(text), text);
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Fields.instant("t", text), text);
            assertEquals("field 't' is not an ISO-8601 instant: " + text, refused.getMessage());
        }
    }
}
