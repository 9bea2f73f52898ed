package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreWrite;
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
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the users and revocation use cases write through the granular port: one commit per change with the
 * managed-user record (compare-and-set on the record read before) and its audit event, at the environment's
 * clock; and which accounts the store says log in with a credential.
 */
class WorkflowRecordsTest {
    private static final Instant NOW = Instant.parse("2026-11-27T03:00:00Z");

    private final InMemoryCredentialStore store = new InMemoryCredentialStore(UUID.randomUUID().toString());
    private final S2mtls s2mtls = S2mtls.builder(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).actor("ops").build();

    private void put(UserAccount account, Optional<ManagedUser> record) {
        store.commit(new StoreBatch(List.of(new StoreWrite.PutManagedUser(ManagedUsers.key(account), record,
                Optional.ofNullable(store.index().managedUsers().get(ManagedUsers.key(account))))), List.of()));
    }

    @Test
    void createAlterLockDropEachCommitTheRecordAndTheEvent() {
        UserRecords records = new UserRecords(new Environment(store, Clock.fixed(NOW, ZoneOffset.UTC), new java.security.SecureRandom(),
                r -> null, "ops"));
        UserAccount owned = new UserAccount("owned", "%");
        // apply of policy 'payments' recorded it, with the credential it logs in with
        put(owned, Optional.of(ManagedUsers.record(owned, TlsRequirement.x509(), List.of("SELECT ON `db`.*"), Optional.of("owned"), NOW,
                Optional.of("payments"))));

        records.record(UserEvent.ALTER, owned, Optional.of(TlsRequirement.subject("/CN=owned")), List.of(), Optional.empty(), "ALTER USER ...");
        assertEquals(new ManagedUser("owned", "%", "SUBJECT", Optional.of("/CN=owned"), List.of("SELECT ON `db`.*"), Optional.of("owned"), NOW,
                Optional.of("payments")), store.index().managedUsers().get("owned@%"),
                "an ALTER without grants keeps the grants, the credential and the owner");
        ManagedUser altered = store.index().managedUsers().get("owned@%");
        records.record(UserEvent.LOCK, owned, Optional.empty(), List.of(), Optional.empty(), "ALTER USER ... ACCOUNT LOCK");
        assertEquals(altered, store.index().managedUsers().get("owned@%"), "a lock leaves the record");
        records.record(UserEvent.CREATE, owned, Optional.of(TlsRequirement.x509()), List.of(PrivilegeGrant.parse("SELECT ON other.*")),
                Optional.empty(), "CREATE USER ...");
        ManagedUser made = store.index().managedUsers().get("owned@%");
        assertEquals(List.of(Optional.empty(), List.of("SELECT ON `other`.*"), Optional.of("owned")), List.of(made.policy(), made.grants(), made.credential()),
                "user create: owned by no policy, its own grants, the credential kept");
        records.record(UserEvent.DROP, owned, Optional.empty(), List.of(), Optional.empty(), "DROP USER ...");
        assertTrue(store.index().managedUsers().isEmpty(), "a drop forgets the account");

        List<AuditEvent> trail = store.recentAudit(10);
        assertEquals(List.of("user.alter", "user.lock", "user.create", "user.drop"), trail.stream().map(AuditEvent::action).toList());
        assertTrue(trail.stream().allMatch(e -> e.time().equals(NOW) && e.actor().equals("ops") && e.user().equals(Optional.of("'owned'@'%'"))),
                trail.toString());
        assertEquals(Optional.of("/CN=owned"), trail.get(0).subject());
    }

    @Test
    void aRecordChangedMeanwhileIsReadAgainNotOverwritten() {
        UserAccount app = new UserAccount("app", "%");
        AtomicInteger commits = new AtomicInteger();
        // another writer records the account between this writer's read and its commit, once
        InMemoryCredentialStore behind = new InMemoryCredentialStore(UUID.randomUUID().toString());
        io.s2mtls.core.port.CredentialStore racing = new io.s2mtls.core.port.CredentialStore() {
            @Override
            public String describe() {
                return behind.describe();
            }

            @Override
            public io.s2mtls.core.port.StoreIndex index() {
                return behind.index();
            }

            @Override
            public Optional<io.s2mtls.core.pki.CaMaterial> authority() {
                return behind.authority();
            }

            @Override
            public Optional<io.s2mtls.core.pki.Credential> credential(String name) {
                return behind.credential(name);
            }

            @Override
            public List<AuditEvent> recentAudit(int limit) {
                return behind.recentAudit(limit);
            }

            @Override
            public void commit(StoreBatch batch) {
                if (commits.getAndIncrement() == 0) {
                    behind.commit(new StoreBatch(List.of(new StoreWrite.PutManagedUser("app@%", Optional.of(ManagedUsers.record(app,
                            TlsRequirement.x509(), List.of(), Optional.of("app"), NOW, Optional.of("payments"))), Optional.empty())), List.of()));
                }
                behind.commit(batch);
            }
        };
        UserRecords records = new UserRecords(new Environment(racing, Clock.fixed(NOW, ZoneOffset.UTC), new java.security.SecureRandom(),
                r -> null, "ops"));
        records.record(UserEvent.ALTER, app, Optional.of(TlsRequirement.subject("/CN=app")), List.of(), Optional.empty(), "ALTER USER ...");
        ManagedUser record = racing.index().managedUsers().get("app@%");
        assertEquals(List.of("SUBJECT", Optional.of("app"), Optional.of("payments")), List.of(record.requirement(), record.credential(), record.policy()),
                "the retry read the other writer's record and kept its credential and owner");
        assertEquals(List.of("user.alter"), racing.recentAudit(10).stream().map(AuditEvent::action).toList(), "one event, not two");
        assertTrue(commits.get() >= 2);
    }

    @Test
    void recordedAccountsComeFromTheCredentialOrTheRequiredSubject() {
        s2mtls.authority().create(DistinguishedName.parse("/CN=Records CA"), KeySpec.EC_P256, 30, false);
        s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/CN=app")).withKey(KeySpec.EC_P256).withName("app"));
        s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/CN=other")).withKey(KeySpec.EC_P256).withName("other"));
        UserAccount byPolicy = new UserAccount("app_rw", "10.0.%");
        UserAccount bySubject = new UserAccount("app_ro", "%");
        UserAccount foreign = new UserAccount("other", "%");
        put(byPolicy, Optional.of(ManagedUsers.record(byPolicy, TlsRequirement.x509(), List.of(), Optional.of("app"), NOW)));
        put(bySubject, Optional.of(ManagedUsers.record(bySubject, TlsRequirement.subject("/CN=app"), List.of(), Optional.empty(), NOW)));
        put(foreign, Optional.of(ManagedUsers.record(foreign, TlsRequirement.x509(), List.of(), Optional.of("other"), NOW)));
        List<InventoryEntry> targets = s2mtls.lifecycle().revocationTargets("app", Optional.empty());
        assertEquals(List.of(byPolicy, bySubject), RevocationUseCase.recordedAccounts(store.index(), "app", targets));
        assertEquals(Optional.empty(), RevocationUseCase.boundElsewhere(store.index(), byPolicy, "app", targets));
        assertEquals(Optional.empty(), RevocationUseCase.boundElsewhere(store.index(), new UserAccount("unrecorded", "%"), "app", targets));
        assertTrue(RevocationUseCase.boundElsewhere(store.index(), foreign, "app", targets).orElseThrow().contains("credential 'other'"));
        List<InventoryEntry> otherTargets = s2mtls.lifecycle().revocationTargets("other", Optional.empty());
        assertTrue(RevocationUseCase.boundElsewhere(store.index(), bySubject, "other", otherTargets).orElseThrow()
                .contains("requires the subject '/CN=app'"));
        assertEquals(List.of(foreign), RevocationUseCase.recordedAccounts(store.index(), "other", otherTargets));
    }
}
