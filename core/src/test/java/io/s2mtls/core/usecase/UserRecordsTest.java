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

    @Test
    void userCreateRecordsNoOwnerAlterKeepsTheOwnerAndOldRecordsReadAsOwnedByNoPolicy() {
        InMemoryCredentialStore store = new InMemoryCredentialStore(UUID.randomUUID().toString());
        S2mtls s2mtls = S2mtls.builder(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).actor("ops").build();
        UserAccount owned = new UserAccount("owned", "%");
        UserAccount made = new UserAccount("made", "%");
        // apply of policy 'payments' recorded it
        store.update(current -> current.withManagedUser(ManagedUsers.key(owned), Optional.of(ManagedUsers.record(owned, TlsRequirement.x509(),
                List.of(), Optional.of("owned"), NOW, Optional.of("payments")))));
        LifecycleUseCase lifecycle = s2mtls.lifecycle();
        lifecycle.recordUserChange(LifecycleUseCase.UserEvent.ALTER, owned, Optional.of(TlsRequirement.subject("/CN=owned")),
                List.of(), Optional.empty(), "ALTER USER ...");
        assertEquals(Optional.of("payments"), store.read().managedUsers().get(ManagedUsers.key(owned)).policy(), "user alter keeps the owner");
        lifecycle.recordUserChange(LifecycleUseCase.UserEvent.CREATE, made, Optional.of(TlsRequirement.x509()),
                List.of(), Optional.empty(), "CREATE USER ...");
        ManagedUser record = store.read().managedUsers().get(ManagedUsers.key(made));
        assertEquals(Optional.empty(), record.policy(), "user create: owned by no policy");
        assertFalse(record.ownedBy("payments"));
        lifecycle.recordUserChange(LifecycleUseCase.UserEvent.CREATE, owned, Optional.of(TlsRequirement.x509()),
                List.of(), Optional.empty(), "CREATE USER ...");
        assertEquals(Optional.empty(), store.read().managedUsers().get(ManagedUsers.key(owned)).policy(),
                "an account made again with user create is no longer the policy's");

        ManagedUser withPolicy = ManagedUsers.record(owned, TlsRequirement.x509(), List.of("SELECT ON `db`.*"), Optional.of("owned"), NOW,
                Optional.of("payments \"eu\""));
        assertTrue(withPolicy.toJsonLine().contains("\"policy\":\"payments \\\"eu\\\"\""), withPolicy.toJsonLine());
        assertEquals(withPolicy, ManagedUser.fromJsonLine(withPolicy.toJsonLine()));
        ManagedUser old = ManagedUser.fromJsonLine("{\"name\":\"owned\",\"host\":\"%\",\"requirement\":\"X509\",\"grants\":[],"
                + "\"credential\":\"owned\",\"recordedAt\":\"2026-01-01T00:00:00Z\"}");
        assertEquals(Optional.empty(), old.policy(), "a record from before policies had names is owned by no policy");
        assertFalse(old.ownedBy("payments"));
        assertFalse(ManagedUsers.record(made, TlsRequirement.x509(), List.of(), Optional.empty(), NOW).toJsonLine().contains("policy"));
    }
}
