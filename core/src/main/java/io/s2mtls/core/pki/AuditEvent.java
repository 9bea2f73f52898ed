package io.s2mtls.core.pki;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One line of the audit trail: who did what, when, to which certificate or user. Stores keep the trail
 * with the rest of their content, written in the same atomic update as the change it records.
 *
 * @param time    when it happened
 * @param actor   who did it (the operating-system user of the CLI, or what an embedding tool says)
 * @param action  e.g. {@code ca.create}, {@code cert.issue}, {@code cert.sign}, {@code cert.renew}, {@code cert.revoke}, {@code user.create}
 * @param serial  the certificate serial (upper-case hex), when a certificate is involved
 * @param subject the certificate subject (oneline), when a certificate is involved
 * @param user    the database user ({@code 'name'@'host'}), when one is involved
 * @param detail  anything else worth keeping, e.g. the serial a renewal replaced
 */
public record AuditEvent(Instant time, String actor, String action, Optional<String> serial, Optional<String> subject,
                         Optional<String> user, Optional<String> detail) {
    public AuditEvent {
        requireNonNull(time, "time is null");
        requireNonNull(actor, "actor is null");
        requireNonNull(action, "action is null");
        requireNonNull(serial, "serial is null");
        requireNonNull(subject, "subject is null");
        requireNonNull(user, "user is null");
        requireNonNull(detail, "detail is null");
    }

    public static AuditEvent certificate(Instant time, String actor, String action, InventoryEntry entry, Optional<String> detail) {
        return new AuditEvent(time, actor, action, Optional.of(entry.serialHex()), Optional.of(entry.subject()),
                Optional.empty(), detail);
    }

    /** One JSON line: {@code {"time":"...","actor":"...","action":"...","serial":"...",...}}; absent fields are left out. */
    public String toJsonLine() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("time", time.toString());
        fields.put("actor", actor);
        fields.put("action", action);
        fields.put("serial", serial.orElse(null));
        fields.put("subject", subject.orElse(null));
        fields.put("user", user.orElse(null));
        fields.put("detail", detail.orElse(null));
        return FlatJson.write(fields);
    }

    /** Reads what {@link #toJsonLine()} wrote; an {@link IllegalArgumentException} says what is wrong. */
    public static AuditEvent fromJsonLine(String line) {
        Map<String, Object> fields = FlatJson.read(line);
        return new AuditEvent(Instant.parse(text(fields, "time", true)), text(fields, "actor", true), text(fields, "action", true),
                Optional.ofNullable(text(fields, "serial", false)), Optional.ofNullable(text(fields, "subject", false)),
                Optional.ofNullable(text(fields, "user", false)), Optional.ofNullable(text(fields, "detail", false)));
    }

    static String text(Map<String, Object> fields, String name, boolean required) {
        Object value = fields.get(name);
        if (value == null && required) {
            throw new IllegalArgumentException("field '" + name + "' is missing");
        }
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException("field '" + name + "' is not a string");
        }
        return (String) value;
    }
}
