package io.s2mtls.core.usecase;

import io.s2mtls.core.pki.AuditEvent;

import java.util.List;
import java.util.Optional;

/** The audit trail, read on demand from the end: what was done, by whom, when. */
public final class AuditUseCase {
    private final Environment environment;

    AuditUseCase(Environment environment) {
        this.environment = environment;
    }

    /**
     * The last {@code limit} events of the trail, oldest first, narrowed to {@code action} when given
     * (e.g. {@code cert.revoke}); the cost does not grow with the trail.
     */
    public List<AuditEvent> recent(int limit, Optional<String> action) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit is negative");
        }
        return environment.store().recentAudit(limit).stream()
                .filter(e -> action.isEmpty() || e.action().equals(action.get()))
                .toList();
    }

    /** The whole trail, oldest first, narrowed to {@code action} when given. */
    public List<AuditEvent> all(Optional<String> action) {
        return recent(Integer.MAX_VALUE, action);
    }
}
