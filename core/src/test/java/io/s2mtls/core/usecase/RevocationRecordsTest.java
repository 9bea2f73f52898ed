package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which certificates a revocation reaches, and which accounts the store says use a credential. */
class RevocationRecordsTest {
    private final InMemoryCredentialStore store = new InMemoryCredentialStore(UUID.randomUUID().toString());
    private final S2mtls s2mtls = S2mtls.builder(store).build();

    private void issue(String subject, String name) {
        s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse(subject)).withKey(KeySpec.EC_P256).withName(name));
    }

    @Test
    void aNameRevokesCurrentAndSupersededCertificatesAndASerialOnlyItself() {
        s2mtls.authority().create(DistinguishedName.parse("/CN=Revocation CA"), KeySpec.EC_P256, 30, false);
        issue("/CN=app", "app");
        s2mtls.lifecycle().renew(List.of("app"), Optional.empty(), Optional.empty(), 1, done -> { });
        s2mtls.lifecycle().renew(List.of("app"), Optional.empty(), Optional.empty(), 1, done -> { });
        List<InventoryEntry> app = store.index().inventory().stream().filter(e -> e.name().equals("app")).toList();
        assertEquals(3, app.size());

        LifecycleUseCase.Revocation first = s2mtls.lifecycle().revoke("app", Optional.of(app.get(0).serialHex()), "old laptop");
        assertEquals(List.of(app.get(0).serial()), first.entries().stream().map(InventoryEntry::serial).toList());
        LifecycleUseCase.Revocation rest = s2mtls.lifecycle().revoke("app", Optional.empty(), "left");
        assertEquals(List.of(app.get(2).serial(), app.get(1).serial()), rest.entries().stream().map(InventoryEntry::serial).toList(),
                "the rest, most recent first");
        assertTrue(store.index().inventory().stream().allMatch(e -> e.name().equals("app") == (e.status() == CertificateStatus.REVOKED)));
        S2mtlsException again = assertThrows(S2mtlsException.class, () -> s2mtls.lifecycle().revoke("app", Optional.empty(), ""));
        assertTrue(again.getMessage().contains("already revoked"), again.getMessage());
    }

    @Test
    void recordedAccountsComeFromTheCredentialOrTheRequiredSubject() {
        s2mtls.authority().create(DistinguishedName.parse("/CN=Records CA"), KeySpec.EC_P256, 30, false);
        issue("/CN=app", "app");
        issue("/CN=other", "other");
        Instant now = Instant.now();
        UserAccount byPolicy = new UserAccount("app_rw", "10.0.%");
        UserAccount bySubject = new UserAccount("app_ro", "%");
        UserAccount foreign = new UserAccount("other", "%");
        store.commit(new StoreBatch(List.of(
                StoreState.newUser(ManagedUsers.record(byPolicy, TlsRequirement.x509(), List.of(), Optional.of("app"), now)),
                StoreState.newUser(ManagedUsers.record(bySubject, TlsRequirement.subject("/CN=app"), List.of(), Optional.empty(), now)),
                StoreState.newUser(ManagedUsers.record(foreign, TlsRequirement.x509(), List.of(), Optional.of("other"), now))), List.of()));
        List<InventoryEntry> targets = s2mtls.lifecycle().revocationTargets("app", Optional.empty());
        assertEquals(List.of(byPolicy, bySubject), s2mtls.lifecycle().recordedAccounts("app", targets));
        assertEquals(Optional.empty(), s2mtls.lifecycle().boundElsewhere(byPolicy, "app", targets));
        assertEquals(Optional.empty(), s2mtls.lifecycle().boundElsewhere(new UserAccount("unrecorded", "%"), "app", targets));
        assertTrue(s2mtls.lifecycle().boundElsewhere(foreign, "app", targets).orElseThrow().contains("credential 'other'"));
        List<InventoryEntry> otherTargets = s2mtls.lifecycle().revocationTargets("other", Optional.empty());
        assertTrue(s2mtls.lifecycle().boundElsewhere(bySubject, "other", otherTargets).orElseThrow().contains("requires the subject '/CN=app'"));
        assertEquals(List.of(foreign), s2mtls.lifecycle().recordedAccounts("other", otherTargets));
    }
}
