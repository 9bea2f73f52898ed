package io.s2mtls.adapters.records;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.s2mtls.core.pki.AuditEvent;

import java.util.Optional;

/** An audit event as stores persist it: one JSON object, absent fields left out. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditRecord(String time, String actor, String action, String serial, String subject, String user, String detail) {

    public static AuditRecord of(AuditEvent e) {
        return new AuditRecord(e.time().toString(), e.actor(), e.action(), e.serial().orElse(null), e.subject().orElse(null),
                e.user().orElse(null), e.detail().orElse(null));
    }

    /** The domain value; an {@link IllegalArgumentException} names the field that is wrong. */
    public AuditEvent toEvent() {
        return new AuditEvent(Fields.instant("time", time), Fields.text("actor", actor), Fields.text("action", action),
                Optional.ofNullable(serial), Optional.ofNullable(subject), Optional.ofNullable(user), Optional.ofNullable(detail));
    }
}
