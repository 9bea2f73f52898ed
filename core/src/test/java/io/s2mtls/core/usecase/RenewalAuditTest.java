package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A renewal made for the renewal agent records its {@code agent.renew} event in the renewal's own commit, next to
 * {@code cert.renew}: a process killed after the commit cannot have stored the certificate without the event.
 */
class RenewalAuditTest {
    @Test
    void theAgentsEventIsPartOfTheRenewalCommit() {
        CountingStore store = new CountingStore(new InMemoryCredentialStore(UUID.randomUUID().toString()));
        S2mtls s2mtls = S2mtls.builder(store).build();
        s2mtls.authority().create(DistinguishedName.parse("/O=Audit/CN=CA"), KeySpec.EC_P256, 30, false);
        for (String name : List.of("app", "job")) {
            s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/O=Audit/CN=" + name)).withKey(KeySpec.EC_P256));
        }
        store.reset();

        List<LifecycleUseCase.Renewal> renewed = s2mtls.lifecycle().renew(RenewRequest.named(List.of("app", "job"), Optional.empty(),
                Optional.empty(), 1, done -> { }).alsoAuditedAs("agent.renew"), Optional.empty());

        assertEquals(1, store.committed.size(), "one commit for both renewals and their events: " + store.counts());
        assertEquals(0, store.appendAudit.get(), "no audit appended apart from the renewal");
        StoreBatch batch = store.committed.get(0);
        assertEquals(2, batch.writes().stream().filter(w -> w instanceof StoreWrite.PutCredential).count());
        assertEquals(List.of("cert.renew", "agent.renew", "cert.renew", "agent.renew"), batch.audit().stream().map(AuditEvent::action).toList());
        for (int i = 0; i < 2; i++) {
            String serial = renewed.get(i).renewed().entry().serialHex();
            assertEquals(Optional.of(serial), batch.audit().get(2 * i).serial());
            assertEquals(Optional.of(serial), batch.audit().get(2 * i + 1).serial());
            assertEquals(Optional.of("replaces serial " + renewed.get(i).replaced().serialHex()), batch.audit().get(2 * i + 1).detail());
        }
    }

    @Test
    void aPlainRenewalRecordsCertRenewOnlyAndAnActionMustLookLikeOne() {
        CountingStore store = new CountingStore(new InMemoryCredentialStore(UUID.randomUUID().toString()));
        S2mtls s2mtls = S2mtls.builder(store).build();
        s2mtls.authority().create(DistinguishedName.parse("/O=Audit/CN=CA"), KeySpec.EC_P256, 30, false);
        s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/O=Audit/CN=app")).withKey(KeySpec.EC_P256));
        store.reset();
        s2mtls.lifecycle().renew(RenewRequest.named(List.of("app"), Optional.empty(), Optional.empty(), 1, done -> { }), Optional.empty());
        assertEquals(List.of("cert.renew"), store.committed.get(0).audit().stream().map(AuditEvent::action).toList());
        RenewRequest plain = RenewRequest.all(Optional.empty(), Optional.empty(), 1, done -> { });
        assertThrows(IllegalArgumentException.class, () -> plain.alsoAuditedAs("agent renew; DROP"));
        assertThrows(IllegalArgumentException.class, () -> plain.alsoAuditedAs(""));
    }
}
