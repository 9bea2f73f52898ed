package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.port.StoreBatch;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        store.commit(new StoreBatch(List.of(StoreState.newUser(ManagedUsers.record(app, TlsRequirement.x509(),
                List.of(), Optional.of("app"), NOW))), List.of()));
        LifecycleUseCase lifecycle = s2mtls.lifecycle();

        lifecycle.recordUserChange(LifecycleUseCase.UserEvent.CREATE, app, Optional.of(TlsRequirement.x509()),
                List.of(PrivilegeGrant.parse("SELECT ON db.*")), Optional.empty(), "CREATE USER ...");
        lifecycle.recordUserChange(LifecycleUseCase.UserEvent.ALTER, app, Optional.of(TlsRequirement.subject("/O=x/CN=app")),
                List.of(), Optional.empty(), "ALTER USER ...");
        ManagedUser altered = store.index().managedUsers().get(key);
        assertEquals(new ManagedUser("app", "%", "SUBJECT", Optional.of("/O=x/CN=app"), List.of(PrivilegeGrant.parse("SELECT ON db.*").toString()), Optional.of("app"), NOW),
                altered, "an ALTER without grants keeps the grants and the credential recorded before");

        lifecycle.recordUserChange(LifecycleUseCase.UserEvent.LOCK, app, Optional.empty(), List.of(), Optional.empty(), "ALTER USER ... ACCOUNT LOCK");
        assertEquals(altered, store.index().managedUsers().get(key), "a lock leaves the record");
        lifecycle.recordUserChange(LifecycleUseCase.UserEvent.DROP, app, Optional.empty(), List.of(), Optional.empty(), "DROP USER ...");
        assertTrue(store.index().managedUsers().isEmpty(), "a drop forgets the account");

        List<AuditEvent> audit = store.recentAudit(Integer.MAX_VALUE);
        assertEquals(List.of("user.create", "user.alter", "user.lock", "user.drop"), audit.stream().map(AuditEvent::action).toList());
        AuditEvent alter = audit.get(1);
        assertEquals(NOW, alter.time());
        assertEquals("ops", alter.actor());
        assertEquals(Optional.of("'app'@'%'"), alter.user());
        assertEquals(Optional.of("/O=x/CN=app"), alter.subject());
        assertEquals(Optional.of("ALTER USER ..."), alter.detail());
    }

    @Test
    void userCreateRecordsNoOwnerAlterKeepsTheOwnerAndOldRecordsReadAsOwnedByNoPolicy() {
        InMemoryCredentialStore store = new InMemoryCredentialStore(UUID.randomUUID().toString());
        S2mtls s2mtls = S2mtls.builder(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).actor("ops").build();
        UserAccount owned = new UserAccount("owned", "%");
        UserAccount made = new UserAccount("made", "%");
        // apply of policy 'payments' recorded it
        store.commit(new StoreBatch(List.of(StoreState.newUser(ManagedUsers.record(owned, TlsRequirement.x509(),
                List.of(), Optional.of("owned"), NOW, Optional.of("payments")))), List.of()));
        LifecycleUseCase lifecycle = s2mtls.lifecycle();
        lifecycle.recordUserChange(LifecycleUseCase.UserEvent.ALTER, owned, Optional.of(TlsRequirement.subject("/CN=owned")),
                List.of(), Optional.empty(), "ALTER USER ...");
        assertEquals(Optional.of("payments"), store.index().managedUsers().get(ManagedUsers.key(owned)).policy(), "user alter keeps the owner");
        lifecycle.recordUserChange(LifecycleUseCase.UserEvent.CREATE, made, Optional.of(TlsRequirement.x509()),
                List.of(), Optional.empty(), "CREATE USER ...");
        ManagedUser record = store.index().managedUsers().get(ManagedUsers.key(made));
        assertEquals(Optional.empty(), record.policy(), "user create: owned by no policy");
        assertFalse(record.ownedBy("payments"));
        lifecycle.recordUserChange(LifecycleUseCase.UserEvent.CREATE, owned, Optional.of(TlsRequirement.x509()),
                List.of(), Optional.empty(), "CREATE USER ...");
        assertEquals(Optional.empty(), store.index().managedUsers().get(ManagedUsers.key(owned)).policy(),
                "an account made again with user create is no longer the policy's");

        // a record as stores persist it is tested with the records, in adapters-keystore (ManagedUserRecord)
        assertEquals(Optional.empty(), ManagedUsers.record(made, TlsRequirement.x509(), List.of(), Optional.empty(), NOW).policy());
    }
}
