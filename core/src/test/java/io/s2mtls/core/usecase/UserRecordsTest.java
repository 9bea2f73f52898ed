package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.port.StoreSnapshot;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a user change leaves in the store: the audit event and the managed-user record. */
class UserRecordsTest {
    private static final Instant NOW = Instant.parse("2026-11-27T03:00:00Z");

    @Test
    void createAlterLockDropKeepTheRecordRight() {
        InMemoryCredentialStore store = new InMemoryCredentialStore(UUID.randomUUID().toString());
        S2mtls s2mtls = S2mtls.builder(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).actor("ops").build();
        UserAccount app = new UserAccount("app", "%");
        String key = ManagedUsers.key(app);
        // plan/apply recorded the credential the account logs in with
        store.update(current -> current.withManagedUser(key, Optional.of(ManagedUsers.record(app, TlsRequirement.x509(),
                List.of(), Optional.of("app"), NOW))));
        LifecycleUseCase lifecycle = s2mtls.lifecycle();

        lifecycle.recordUserChange(LifecycleUseCase.UserEvent.CREATE, app, Optional.of(TlsRequirement.x509()),
                List.of(PrivilegeGrant.parse("SELECT ON db.*")), Optional.empty(), "CREATE USER ...");
        lifecycle.recordUserChange(LifecycleUseCase.UserEvent.ALTER, app, Optional.of(TlsRequirement.subject("/O=x/CN=app")),
                List.of(), Optional.empty(), "ALTER USER ...");
        ManagedUser altered = store.read().managedUsers().get(key);
        assertEquals(new ManagedUser("app", "%", "SUBJECT", Optional.of("/O=x/CN=app"), List.of(PrivilegeGrant.parse("SELECT ON db.*").toString()), Optional.of("app"), NOW),
                altered, "an ALTER without grants keeps the grants and the credential recorded before");

        lifecycle.recordUserChange(LifecycleUseCase.UserEvent.LOCK, app, Optional.empty(), List.of(), Optional.empty(), "ALTER USER ... ACCOUNT LOCK");
        assertEquals(altered, store.read().managedUsers().get(key), "a lock leaves the record");
        lifecycle.recordUserChange(LifecycleUseCase.UserEvent.DROP, app, Optional.empty(), List.of(), Optional.empty(), "DROP USER ...");
        StoreSnapshot after = store.read();
        assertTrue(after.managedUsers().isEmpty(), "a drop forgets the account");

        assertEquals(List.of("user.create", "user.alter", "user.lock", "user.drop"), after.audit().stream().map(AuditEvent::action).toList());
        AuditEvent alter = after.audit().get(1);
        assertEquals(NOW, alter.time());
        assertEquals("ops", alter.actor());
        assertEquals(Optional.of("'app'@'%'"), alter.user());
        assertEquals(Optional.of("/O=x/CN=app"), alter.subject());
        assertEquals(Optional.of("ALTER USER ..."), alter.detail());
    }
}
