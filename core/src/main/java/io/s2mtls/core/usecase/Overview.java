package io.s2mtls.core.usecase;

import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Everything the metrics and the report show, read in one pass without decrypting any key.
 *
 * @param at               when it was read (the environment's clock)
 * @param authorities      every CA the store holds; empty when it has none
 * @param credentials      the current inventory entry of every named credential, by name
 * @param managedUsers     the database users s2mtls manages, by {@code name@host}
 * @param lastAgentRenewal when the renewal agent last renewed a credential ({@code agent.renew} in the audit trail)
 * @param recentAudit      the last events of the audit trail, oldest first
 */
public record Overview(Instant at, Optional<Authorities> authorities, List<InventoryEntry> credentials,
                       Map<String, ManagedUser> managedUsers, Optional<Instant> lastAgentRenewal, List<AuditEvent> recentAudit) {
    public Overview {
        requireNonNull(at, "at is null");
        requireNonNull(authorities, "authorities is null");
        credentials = List.copyOf(credentials);
        managedUsers = Map.copyOf(managedUsers);
        requireNonNull(lastAgentRenewal, "lastAgentRenewal is null");
        recentAudit = List.copyOf(recentAudit);
    }
}
