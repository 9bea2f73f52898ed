package io.s2mtls.adapters.alpha;

/** An adapter that uses the shared persisted records, which every adapter may; only RulesCanFailTest looks at it. */
public class UsesSharedRecords {
    public Class<?> record() {
        return io.s2mtls.adapters.records.AuditRecord.class;
    }
}
