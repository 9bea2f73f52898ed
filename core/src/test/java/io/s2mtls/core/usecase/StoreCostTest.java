package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.user.UserAccount;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What each use case asks of the store: queries read the index and decrypt no key, one issue decrypts the
 * CA key only and commits once, bulk work commits one batch, export reads one credential, and renewal and
 * revocation write their entries with the status they expect.
 */
class StoreCostTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final int STORED = 12;

    private String name;
    private CountingStore store;
    private S2mtls s2mtls;
    private final List<X509Certificate> certificates = new ArrayList<>();

    @BeforeEach
    void setUp() {
        name = UUID.randomUUID().toString();
        store = new CountingStore(new InMemoryCredentialStore(name));
        s2mtls = S2mtls.builder(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        s2mtls.authority().create(DistinguishedName.parse("/CN=Cost CA"), KeySpec.EC_P256, 3650, false);
        List<IssueCommand> commands = IntStream.range(0, STORED)
                .mapToObj(i -> IssueCommand.client(DistinguishedName.parse("/CN=user" + i)).withKey(KeySpec.EC_P256)
                        .withDays(i % 3 == 0 ? 10 : 365))
                .toList();
        s2mtls.issuance().issueAll(commands, 1, done -> { }).forEach(c -> certificates.add(c.certificate()));
        s2mtls.lifecycle().revoke("user1", "left");
        store.reset();
    }

    /** The same store seen by another writer, uncounted. */
    private S2mtls otherWriter() {
        return S2mtls.builder(new InMemoryCredentialStore(name)).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    }

    private static IssueCommand client(String cn) {
        return IssueCommand.client(DistinguishedName.parse("/CN=" + cn)).withKey(KeySpec.EC_P256);
    }

    @Test
    void inventoryQueriesReadTheIndexAndDecryptNoKey() {
        InventoryUseCase inventory = s2mtls.inventory();
        assertEquals(STORED, inventory.list().size());
        assertEquals(STORED - 1, inventory.list(new InventoryUseCase.Query(Optional.of("user*"), Set.of(InventoryUseCase.Standing.VALID),
                Set.of(), Optional.empty())).size());
        assertEquals(4, inventory.expiringWithin(Duration.ofDays(30)).size(), "user0, user3, user6 and user9 end in 10 days");
        assertTrue(inventory.recorded("user5"));
        assertEquals(List.of("user2", "user0"), inventory.renewalNames(List.of("user2", "user0", "user2")));
        assertEquals(List.of("user0", "user3", "user6", "user9"), inventory.dueForRenewal(Duration.ofDays(30)));
        LifecycleUseCase lifecycle = s2mtls.lifecycle();
        List<InventoryEntry> targets = lifecycle.revocationTargets("user4", Optional.empty());
        assertEquals(List.of(), lifecycle.recordedAccounts("user4", targets));
        assertEquals(Optional.empty(), lifecycle.boundElsewhere(UserAccount.anyHost("user4"), "user4", targets));
        assertTrue(s2mtls.verification().verify(certificates.get(2)).isOk(), "a stored certificate verifies");
        assertTrue(!s2mtls.verification().verify(certificates.get(1)).isOk(), "the revoked one does not");

        assertEquals(0, store.authority.get(), "no query decrypts the CA key: " + store.counts());
        assertEquals(0, store.credential.get(), "no query decrypts a credential's key: " + store.counts());
        assertEquals(0, store.commit.get(), store.counts());
        assertEquals(0, store.recentAudit.get(), "no query reads the audit trail: " + store.counts());
    }

    @Test
    void oneIssueReadsTheIndexDecryptsOnlyTheCaKeyAndCommitsOnce() {
        IssuedCertificate issued = s2mtls.issuance().issue(client("one"));
        assertEquals(1, store.index.get(), store.counts());
        assertEquals(1, store.authority.get(), store.counts());
        assertEquals(0, store.credential.get(), "no stored credential is decrypted: " + store.counts());
        assertEquals(1, store.commit.get(), store.counts());
        StoreBatch batch = store.committed.get(0);
        assertEquals(2, batch.writes().size(), batch.toString());
        StoreWrite.PutCredential put = (StoreWrite.PutCredential) batch.writes().get(0);
        assertEquals(Optional.empty(), put.replacing(), "the name must be free");
        assertEquals(issued.entry(), ((StoreWrite.AddEntry) batch.writes().get(1)).entry());
        assertEquals(List.of("cert.issue"), batch.audit().stream().map(e -> e.action()).toList());
    }

    @Test
    void bulkIssueIsOneBatchWhateverTheCount() {
        int n = 150;
        List<IssueCommand> commands = IntStream.range(0, n).mapToObj(i -> client("bulk" + i)).toList();
        s2mtls.issuance().issueAll(commands, 2, done -> { });
        assertEquals(1, store.commit.get(), "one commit for " + n + " credentials: " + store.counts());
        assertEquals(1, store.index.get(), store.counts());
        assertEquals(1, store.authority.get(), store.counts());
        assertEquals(0, store.credential.get(), store.counts());
        assertEquals(2 * n, store.committed.get(0).writes().size());
        assertEquals(STORED + n, s2mtls.inventory().list().size());
    }

    @Test
    void exportReadsOneCredentialAndNoCaKey() {
        InventoryUseCase.CredentialExport export = s2mtls.inventory().export("user7");
        assertEquals(certificates.get(7), export.credential().certificate());
        assertEquals(1, store.credential.get(), store.counts());
        assertEquals(0, store.authority.get(), "the CA certificate comes from the index: " + store.counts());
    }

    @Test
    void renewalReadsOnlyWhatItRenewsAndSupersedesWithTheExpectedStatus() {
        LifecycleUseCase.Renewal renewal = s2mtls.lifecycle().renew(List.of("user5"), Optional.empty(), Optional.empty(), 1, done -> { }).get(0);
        assertEquals(1, store.credential.get(), "only the renewed credential is read: " + store.counts());
        assertEquals(1, store.authority.get(), store.counts());
        assertEquals(1, store.commit.get(), store.counts());
        StoreBatch batch = store.committed.get(0);
        StoreWrite.UpdateEntry superseded = (StoreWrite.UpdateEntry) batch.writes().get(0);
        assertEquals(CertificateStatus.VALID, superseded.expectedStatus());
        assertEquals(renewal.replaced().withStatus(CertificateStatus.SUPERSEDED), superseded.entry());
        assertEquals(Optional.of(certificates.get(5).getSerialNumber()), ((StoreWrite.PutCredential) batch.writes().get(1)).replacing());
        assertEquals(renewal.renewed().entry(), ((StoreWrite.AddEntry) batch.writes().get(2)).entry());

        store.reset();
        List<LifecycleUseCase.Renewal> due = s2mtls.lifecycle().renewDue(Duration.ofDays(30), Optional.empty(), Optional.empty(), 2, done -> { });
        assertEquals(List.of("user0", "user3", "user6", "user9"), due.stream().map(r -> r.replaced().name()).toList());
        assertEquals(1, store.commit.get(), "one batch for every due renewal: " + store.counts());
        assertEquals(4, store.credential.get(), "each due credential is read once, no other: " + store.counts());
        assertEquals(12, store.committed.get(0).writes().size());
    }

    @Test
    void revocationUpdatesTheEntryExpectingItsStatusAndDecryptsOnlyTheCaKeyForTheCrl() {
        LifecycleUseCase.Revocation revocation = s2mtls.lifecycle().revoke("user8", "lost");
        assertEquals(0, store.credential.get(), store.counts());
        assertEquals(1, store.authority.get(), "the CRL is signed with the CA key: " + store.counts());
        assertEquals(1, store.commit.get(), store.counts());
        StoreWrite.UpdateEntry update = (StoreWrite.UpdateEntry) store.committed.get(0).writes().get(0);
        assertEquals(CertificateStatus.VALID, update.expectedStatus());
        assertEquals(CertificateStatus.REVOKED, update.entry().status());
        assertTrue(revocation.crlPem().contains("BEGIN X509 CRL"));
    }

    @Test
    void aNameTakenByAnotherWriterMeanwhileIsTheOrdinaryErrorAndNothingIsWritten() {
        S2mtls other = otherWriter();
        store.beforeCommit((attempt, batch) -> {
            if (attempt == 1) {
                other.issuance().issue(client("taken"));
            }
        });
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> s2mtls.issuance().issue(client("taken")));
        assertEquals(ErrorKind.BAD_INPUT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("'taken' is already in the store"), e.getMessage());
        assertEquals(1, store.commit.get(), "the rule is checked again, not retried: " + store.counts());
        assertEquals(2, store.index.get(), "the index is read again after the conflict: " + store.counts());
        assertEquals(1, store.authority.get(), "the CA key is not decrypted again: " + store.counts());
        assertEquals(0, store.credential.get(), store.counts());
        assertEquals(1, s2mtls.inventory().list(new InventoryUseCase.Query(Optional.of("taken"), Set.of(), Set.of(), Optional.empty())).size(),
                "only the other writer's certificate");
    }

    @Test
    void aConflictThatBreaksNoRuleIsRetriedWithoutTheCallerNoticing() {
        S2mtls other = otherWriter();
        store.beforeCommit((attempt, batch) -> {
            if (attempt == 1) {
                // a store whose compare-and-set is coarser than one entry reports any concurrent write as a conflict
                other.issuance().issue(client("unrelated"));
                throw new io.s2mtls.core.port.StoreConflictException("the index changed");
            }
        });
        IssuedCertificate mine = s2mtls.issuance().issue(client("mine"));
        assertEquals(2, store.commit.get(), store.counts());
        assertEquals(1, store.authority.get(), "the retry signs nothing again: " + store.counts());
        assertEquals(mine.certificate().getSerialNumber(), store.index().credential("mine").orElseThrow().serial());
        assertTrue(store.index().credential("unrelated").isPresent());
    }

    @Test
    void aStoreThatKeepsChangingEndsTheCommandWithNothingWritten() {
        StoreState before = StoreState.of(store);
        store.beforeCommit((attempt, batch) -> {
            throw new io.s2mtls.core.port.StoreConflictException("the index changed");
        });
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> s2mtls.issuance().issue(client("never")));
        assertEquals(ErrorKind.EXTERNAL, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was written"), e.getMessage());
        assertEquals(StoreCommits.ATTEMPTS, store.commit.get(), "bounded: " + store.counts());
        store.reset();
        assertEquals(before, StoreState.of(store));
    }

    @Test
    void aRenewalOrRevocationThatAnotherWriterDidMeanwhileIsRefusedWithNothingWritten() {
        S2mtls other = otherWriter();
        store.beforeCommit((attempt, batch) -> {
            if (attempt == 1) {
                other.lifecycle().renew(List.of("user4"), Optional.empty(), Optional.empty(), 1, done -> { });
            }
        });
        S2mtlsException renew = assertThrows(S2mtlsException.class,
                () -> s2mtls.lifecycle().renew(List.of("user4"), Optional.empty(), Optional.empty(), 1, done -> { }));
        assertEquals(ErrorKind.BAD_INPUT, renew.kind(), renew.getMessage());
        assertTrue(renew.getMessage().contains("was superseded by someone else meanwhile; nothing was renewed"), renew.getMessage());
        assertEquals(2, s2mtls.inventory().list(new InventoryUseCase.Query(Optional.of("user4"), Set.of(), Set.of(), Optional.empty())).size(),
                "the old certificate and their renewal, not mine");

        store.reset().beforeCommit((attempt, batch) -> {
            if (attempt == 1) {
                other.lifecycle().revoke("user5", "theirs");
            }
        });
        S2mtlsException revoke = assertThrows(S2mtlsException.class, () -> s2mtls.lifecycle().revoke("user5", "mine"));
        assertEquals(ErrorKind.BAD_INPUT, revoke.kind(), revoke.getMessage());
        assertTrue(revoke.getMessage().contains("was revoked by someone else meanwhile"), revoke.getMessage());
        assertEquals(1, store.recentAudit(Integer.MAX_VALUE).stream().filter(e -> e.action().equals("cert.revoke")
                && e.detail().equals(Optional.of("theirs"))).count());
        assertEquals(0, store.recentAudit(Integer.MAX_VALUE).stream().filter(e -> e.detail().equals(Optional.of("mine"))).count());
    }

    @Test
    void aCaReplacedMeanwhileIsRefusedByIssueAndByCaCreateForce() {
        S2mtls other = otherWriter();
        BigInteger before = store.index().requireAuthority().serial();
        store.reset().beforeCommit((attempt, batch) -> {
            if (attempt == 1) {
                other.authority().create(DistinguishedName.parse("/CN=Their CA"), KeySpec.EC_P256, 3650, true);
                // the batch itself expects nothing of the CA; a coarse compare-and-set reports the change
                throw new io.s2mtls.core.port.StoreConflictException("the index changed");
            }
        });
        S2mtlsException issue = assertThrows(S2mtlsException.class, () -> s2mtls.issuance().issue(client("signed_by_the_old_ca")));
        assertEquals(ErrorKind.BAD_INPUT, issue.kind(), issue.getMessage());
        assertTrue(issue.getMessage().contains("replaced the store's CA"), issue.getMessage());
        assertTrue(store.index().credential("signed_by_the_old_ca").isEmpty());

        BigInteger theirs = store.index().requireAuthority().serial();
        store.reset().beforeCommit((attempt, batch) -> {
            if (attempt == 1) {
                other.authority().create(DistinguishedName.parse("/CN=Third CA"), KeySpec.EC_P256, 3650, true);
            }
        });
        S2mtlsException force = assertThrows(S2mtlsException.class, () -> s2mtls.authority().create(
                DistinguishedName.parse("/CN=My CA"), KeySpec.EC_P256, 3650, true));
        assertEquals(ErrorKind.BAD_INPUT, force.kind(), force.getMessage());
        assertTrue(force.getMessage().contains("replaced the store's CA"), force.getMessage());
        assertEquals(1, store.commit.get(), "refused, not retried: " + store.counts());
        assertTrue(!before.equals(theirs) && !store.index().requireAuthority().serial().equals(theirs), "the third CA stays");

        store.reset();
        BigInteger now = store.index().requireAuthority().serial();
        s2mtls.authority().create(DistinguishedName.parse("/CN=My CA"), KeySpec.EC_P256, 3650, true);
        StoreWrite.SetAuthority replace = (StoreWrite.SetAuthority) store.committed.get(0).writes().get(0);
        assertEquals(Optional.of(io.s2mtls.core.pki.AuthorityState.single(now)), replace.replacing(), "--force expects the CA it replaces");
        assertEquals(0, store.authority.get(), "creating a CA decrypts none: " + store.counts());
    }
}
