package io.s2mtls.core.pki;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One event of the audit trail: who did what, when, to which certificate or user. Stores append it in
 * the same atomic commit as the change it records; how they persist it is theirs.
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
}
