package io.s2mtls.core.port;

import io.s2mtls.core.pki.AuditEvent;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What one {@link CredentialStore#commit} writes: entry changes, each with its expectation, and the audit
 * events that record them. Keys are generated and certificates signed before a batch is built.
 */
public record StoreBatch(List<StoreWrite> writes, List<AuditEvent> audit) {
    public StoreBatch {
        writes = List.copyOf(requireNonNull(writes, "writes is null"));
        audit = List.copyOf(requireNonNull(audit, "audit is null"));
    }

    public static StoreBatch of(List<StoreWrite> writes, List<AuditEvent> audit) {
        return new StoreBatch(writes, audit);
    }

    public static StoreBatch of(StoreWrite write, AuditEvent event) {
        return new StoreBatch(List.of(write), List.of(event));
    }

    public boolean isEmpty() {
        return writes.isEmpty() && audit.isEmpty();
    }

    /** Builds a batch in order. */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final List<StoreWrite> writes = new ArrayList<>();
        private final List<AuditEvent> audit = new ArrayList<>();

        private Builder() {
        }

        public Builder write(StoreWrite write) {
            writes.add(requireNonNull(write, "write is null"));
            return this;
        }

        public Builder audit(AuditEvent event) {
            audit.add(requireNonNull(event, "event is null"));
            return this;
        }

        public StoreBatch build() {
            return new StoreBatch(writes, audit);
        }
    }
}
