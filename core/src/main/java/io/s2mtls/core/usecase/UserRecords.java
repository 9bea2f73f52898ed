package io.s2mtls.core.usecase;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreConflictException;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Records a database account change in the store through one {@link io.s2mtls.core.port.CredentialStore#commit}:
 * the managed-user record (compare-and-set on the record read just before) and the audit event. What
 * {@code user create/alter/drop} and {@code cert revoke --lock-user/--drop-user} leave in the store.
 */
final class UserRecords {
    /** How often a commit is retried when another writer changed the same record meanwhile. */
    private static final int ATTEMPTS = 5;

    private final Environment environment;

    UserRecords(Environment environment) {
        this.environment = environment;
    }

    /**
     * CREATE and ALTER record {@code requirement} (an ALTER without grants keeps the grants recorded before,
     * and both keep the recorded credential); DROP forgets the account; LOCK leaves the record as it is. A
     * CREATE is owned by no policy (no apply ever drops it); an ALTER keeps the owner recorded before.
     *
     * @param certificate the certificate the change was about (a revocation), if any
     * @param detail      what was run, for the audit trail
     */
    void record(UserEvent event, UserAccount account, Optional<TlsRequirement> requirement, List<PrivilegeGrant> grants,
                Optional<InventoryEntry> certificate, String detail) {
        if ((event == UserEvent.CREATE || event == UserEvent.ALTER) && requirement.isEmpty()) {
            throw new IllegalArgumentException(event + " records the requirement that was set up");
        }
        Instant now = environment.clock().instant();
        String key = ManagedUsers.key(account);
        Optional<String> subject = certificate.map(InventoryEntry::subject).or(() -> requirement.flatMap(ManagedUsers::subject));
        AuditEvent audit = new AuditEvent(now, environment.actor(), event.action(), certificate.map(InventoryEntry::serialHex),
                subject, Optional.of(account.toString()), Optional.of(detail));
        for (int attempt = 1; ; attempt++) {
            StoreIndex index = environment.store().index();
            Optional<ManagedUser> before = Optional.ofNullable(index.managedUsers().get(key));
            Optional<ManagedUser> after = switch (event) {
                case CREATE, ALTER -> Optional.of(ManagedUsers.record(account, requirement.orElseThrow(),
                        event == UserEvent.ALTER && grants.isEmpty() ? before.map(ManagedUser::grants).orElse(List.of())
                                : grants.stream().map(PrivilegeGrant::toString).toList(),
                        before.flatMap(ManagedUser::credential), now,
                        event == UserEvent.ALTER ? before.flatMap(ManagedUser::policy) : Optional.empty()));
                case DROP -> Optional.empty();
                case LOCK -> before;
            };
            StoreBatch batch = after.equals(before) && event == UserEvent.LOCK ? new StoreBatch(List.of(), List.of(audit))
                    : StoreBatch.of(new StoreWrite.PutManagedUser(key, after, before), audit);
            try {
                environment.store().commit(batch);
                return;
            } catch (StoreConflictException e) {
                if (attempt >= ATTEMPTS) {
                    throw S2mtlsException.badInput("the store's record of " + account + " kept changing while this change was"
                            + " recorded (" + e.getMessage() + "); the server was changed, run 's2mtls user show' and record it again");
                }
            }
        }
    }
}
