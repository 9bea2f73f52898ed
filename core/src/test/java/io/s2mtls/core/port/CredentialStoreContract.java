package io.s2mtls.core.port;

import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.testing.TestPki;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The behaviour every {@link CredentialStore} must have, on the granular port: the index read without
 * keys, one credential at a time, batches of compare-and-set writes that are all-or-nothing, the
 * append-only audit trail, refusal of wrong credentials and (for stores with a password of their own)
 * the password change. A store implementation (ours or a plugin's) extends this class in its tests and
 * supplies stores; every test here must pass.
 */
public abstract class CredentialStoreContract {

    /** A new, empty store at a fresh location. Repeated calls within one test open the same location. */
    protected abstract CredentialStore openStore();

    /** The same location as {@link #openStore()}, opened with a wrong password or bad credentials. */
    protected abstract CredentialStore openStoreWithWrongCredentials();

    /** What a wrong password or bad credentials give: BAD_INPUT for a password, EXTERNAL for a remote refusal. */
    protected ErrorKind wrongCredentialsKind() {
        return ErrorKind.BAD_INPUT;
    }

    /** The stored state as bytes, to prove a failed change left it untouched; empty when the store cannot say. */
    protected Optional<byte[]> rawState() {
        return Optional.empty();
    }

    /**
     * The same location opened with {@code password}, for stores that have a password of their own and
     * support {@link CredentialStore#changePassword}; empty (the default) for stores that refuse it.
     */
    protected Optional<CredentialStore> openStoreWithPassword(char[] password) {
        return Optional.empty();
    }

    private final KeyPair caKeys = TestPki.ecKeyPair();
    private final X509Certificate caCert = TestPki.selfSigned(caKeys, "CN=Contract CA,O=s2mtls", true);

    // ---------------------------------------------------------------- helpers for subclasses and tests

    /** A freshly signed credential with its key (not stored). */
    protected final Credential newCredential(String name) {
        KeyPair keys = TestPki.ecKeyPair();
        X509Certificate cert = TestPki.signed(keys, "CN=" + name + ",O=s2mtls", caKeys, "CN=Contract CA,O=s2mtls", false);
        return new Credential(name, cert, Optional.of(keys.getPrivate()));
    }

    /** The batch that stores {@code credential} under a free name, with its inventory entry and one audit event. */
    protected static StoreBatch issueBatch(Credential credential) {
        InventoryEntry entry = entryFor(credential.name(), credential.certificate());
        return StoreBatch.builder()
                .write(new StoreWrite.PutCredential(credential, Optional.empty()))
                .write(new StoreWrite.AddEntry(entry))
                .audit(AuditEvent.certificate(entry.recordedAt(), "contract", "cert.issue", entry, Optional.empty()))
                .build();
    }

    /** Issues a new credential {@code name} (which must be free) into {@code store} in one commit. */
    protected final Credential issue(CredentialStore store, String name) {
        Credential credential = newCredential(name);
        store.commit(issueBatch(credential));
        return credential;
    }

    protected static InventoryEntry entryFor(String name, X509Certificate cert) {
        return new InventoryEntry(cert.getSerialNumber(), name, "/O=s2mtls/CN=" + name,
                cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), "00".repeat(32),
                CertificateProfile.CLIENT, CertificateStatus.VALID, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    private static AuditEvent event(int n) {
        return new AuditEvent(Instant.parse("2026-11-27T01:02:03.123456789Z").plusSeconds(n), "ops \"root\"", "test.event",
                Optional.of(Integer.toHexString(n + 1).toUpperCase(java.util.Locale.ROOT)), Optional.of("/O=x/CN=a\\+b \u00e9"),
                Optional.empty(), Optional.of("line\nbreak " + n));
    }

    private static ManagedUser user(String name, String policy) {
        return new ManagedUser(name, "%", "SUBJECT", Optional.of("/O=ExampleOrg/CN=" + name), List.of("SELECT ON appdb.*"),
                Optional.of(name), Instant.parse("2026-11-27T01:02:03Z"), Optional.ofNullable(policy));
    }

    private static void assertSameCredential(Credential expected, Credential actual) throws Exception {
        assertEquals(expected.name(), actual.name());
        assertArrayEquals(expected.certificate().getEncoded(), actual.certificate().getEncoded());
        assertEquals(expected.privateKey().isPresent(), actual.privateKey().isPresent());
        if (expected.privateKey().isPresent()) {
            assertArrayEquals(expected.privateKey().get().getEncoded(), actual.privateKey().get().getEncoded());
        }
    }

    /** Runs {@code failing}, which must throw {@link StoreConflictException}, and proves nothing changed. */
    private void assertConflictChangesNothing(CredentialStore store, StoreBatch failing) {
        StoreIndex before = store.index();
        List<AuditEvent> auditBefore = store.recentAudit(1000);
        Optional<byte[]> rawBefore = rawState();
        assertThrows(StoreConflictException.class, () -> store.commit(failing));
        assertEquals(before, store.index());
        assertEquals(auditBefore, store.recentAudit(1000));
        rawBefore.ifPresent(bytes -> assertArrayEquals(bytes, rawState().orElseThrow(), "the stored bytes changed"));
        try (CredentialStore reopened = openStore()) {
            assertEquals(before, reopened.index());
        }
    }

    // ---------------------------------------------------------------- reads

    @Test
    void aNewStoreReadsAsTheEmptyIndex() {
        try (CredentialStore store = openStore()) {
            assertEquals(StoreIndex.empty(), store.index());
            assertTrue(store.authority().isEmpty());
            assertTrue(store.credential("nobody").isEmpty());
            assertEquals(List.of(), store.recentAudit(10));
        }
    }

    @Test
    void theIndexListsCredentialsEntriesAndUsersWithoutKeys() {
        Credential alice;
        X509Certificate signedOnly = TestPki.signed(TestPki.ecKeyPair(), "CN=carol", caKeys, "CN=Contract CA,O=s2mtls", false);
        try (CredentialStore store = openStore()) {
            store.commit(StoreBatch.of(new StoreWrite.SetAuthority(CaMaterial.local(caCert, caKeys.getPrivate()), Optional.empty()),
                    event(0)));
            alice = issue(store, "alice");
            // a certificate signed from a CSR: recorded, but no credential
            store.commit(StoreBatch.of(new StoreWrite.AddEntry(entryFor("carol", signedOnly)), event(1)));
            Credential certOnly = new Credential("dora", newCredential("dora").certificate(), Optional.empty());
            store.commit(StoreBatch.builder().write(new StoreWrite.PutCredential(certOnly, Optional.empty()))
                    .write(new StoreWrite.AddEntry(entryFor("dora", certOnly.certificate()))).build());
        }
        try (CredentialStore reopened = openStore()) {
            StoreIndex index = reopened.index();
            assertEquals(Optional.of(CaCertificates.of(CaMaterial.local(caCert, caKeys.getPrivate()))), index.authority());
            assertEquals(List.of("alice", "dora"), List.copyOf(index.credentials().keySet()));
            assertEquals(new StoredCredential("alice", alice.certificate().getSerialNumber(), true), index.credential("alice").orElseThrow());
            assertFalse(index.credential("dora").orElseThrow().hasKey());
            assertEquals(List.of(alice.certificate().getSerialNumber(), signedOnly.getSerialNumber(),
                    index.credential("dora").orElseThrow().serial()), List.copyOf(index.entries().keySet()));
            assertEquals("carol", index.entry(signedOnly.getSerialNumber()).orElseThrow().name());
            assertEquals(index, reopened.index(), "reading the index twice gives the same index");
        }
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void aLocalAuthorityRoundTripsWithItsKey() throws Exception {
        try (CredentialStore store = openStore()) {
            store.commit(StoreBatch.of(new StoreWrite.SetAuthority(CaMaterial.local(caCert, caKeys.getPrivate()), Optional.empty()),
                    event(0)));
        }
        try (CredentialStore reopened = openStore()) {
            CaMaterial ca = reopened.authority().orElseThrow();
            assertArrayEquals(caCert.getEncoded(), ca.certificate().getEncoded());
            assertArrayEquals(caKeys.getPrivate().getEncoded(), ca.privateKey().orElseThrow().getEncoded());
            assertTrue(ca.keyReference().isEmpty());
            assertEquals(caCert.getSerialNumber(), reopened.index().requireAuthority().serial());
        }
    }

    @Test
    void aRemoteAuthorityKeepsOnlyTheReference() throws Exception {
        try (CredentialStore store = openStore()) {
            store.commit(StoreBatch.of(new StoreWrite.SetAuthority(CaMaterial.remote(caCert, "vault-transit:ca"), Optional.empty()),
                    event(0)));
        }
        try (CredentialStore reopened = openStore()) {
            CaMaterial ca = reopened.authority().orElseThrow();
            assertArrayEquals(caCert.getEncoded(), ca.certificate().getEncoded());
            assertEquals(Optional.of("vault-transit:ca"), ca.keyReference());
            assertTrue(ca.privateKey().isEmpty());
            assertEquals(Optional.of("vault-transit:ca"), reopened.index().requireAuthority().keyReference());
        }
    }

    @Test
    void anIntermediateAuthorityKeepsItsChainInOrder() throws Exception {
        KeyPair rootKeys = TestPki.ecKeyPair();
        KeyPair middleKeys = TestPki.ecKeyPair();
        X509Certificate root = TestPki.selfSigned(rootKeys, "CN=Contract Root", true);
        X509Certificate middle = TestPki.signed(middleKeys, "CN=Contract Middle", rootKeys, "CN=Contract Root", true);
        X509Certificate issuing = TestPki.signed(caKeys, "CN=Contract Issuing", middleKeys, "CN=Contract Middle", true);
        try (CredentialStore store = openStore()) {
            store.commit(StoreBatch.of(new StoreWrite.SetAuthority(
                    CaMaterial.local(issuing, caKeys.getPrivate()).withChain(List.of(middle, root)), Optional.empty()), event(0)));
        }
        try (CredentialStore reopened = openStore()) {
            CaMaterial ca = reopened.authority().orElseThrow();
            assertArrayEquals(issuing.getEncoded(), ca.certificate().getEncoded());
            assertEquals(List.of(middle, root), ca.chain());
            assertEquals(List.of(issuing, middle, root), ca.bundle());
            assertTrue(ca.privateKey().isPresent());
            assertEquals(List.of(issuing, middle, root), reopened.index().requireAuthority().bundle());
            // replacing the CA names the serial it replaces
            reopened.commit(StoreBatch.of(new StoreWrite.SetAuthority(
                    CaMaterial.remote(issuing, "vault-transit:ca").withChain(List.of(middle, root)),
                    Optional.of(issuing.getSerialNumber())), event(1)));
        }
        try (CredentialStore reopened = openStore()) {
            CaMaterial ca = reopened.authority().orElseThrow();
            assertEquals(List.of(middle, root), ca.chain());
            assertEquals(Optional.of("vault-transit:ca"), ca.keyReference());
        }
    }

    /** Two intermediates under one root (the root's key kept), as a rotation holds them. */
    private record RotationCas(KeyPair rootKeys, X509Certificate root, KeyPair oldKeys, X509Certificate old,
                               KeyPair nextKeys, X509Certificate next) {
        static RotationCas make() {
            KeyPair rootKeys = TestPki.ecKeyPair();
            KeyPair oldKeys = TestPki.ecKeyPair();
            KeyPair nextKeys = TestPki.ecKeyPair();
            X509Certificate root = TestPki.selfSigned(rootKeys, "CN=Rotation Root", true);
            return new RotationCas(rootKeys, root, oldKeys, TestPki.signed(oldKeys, "CN=Rotation CA", rootKeys, "CN=Rotation Root", true),
                    nextKeys, TestPki.signed(nextKeys, "CN=Rotation CA", rootKeys, "CN=Rotation Root", true));
        }

        io.s2mtls.core.pki.AuthoritySet withoutRotation() {
            return new io.s2mtls.core.pki.AuthoritySet(CaMaterial.local(old, oldKeys.getPrivate()).withChain(List.of(root)),
                    Optional.empty(), Optional.of(CaMaterial.local(root, rootKeys.getPrivate())), io.s2mtls.core.pki.RotationPhase.NONE);
        }

        io.s2mtls.core.pki.AuthoritySet begun() {
            return new io.s2mtls.core.pki.AuthoritySet(CaMaterial.local(old, oldKeys.getPrivate()).withChain(List.of(root)),
                    Optional.of(CaMaterial.remote(next, "vault-transit:ca-2").withChain(List.of(root))),
                    Optional.of(CaMaterial.local(root, rootKeys.getPrivate())), io.s2mtls.core.pki.RotationPhase.BEGUN);
        }

        io.s2mtls.core.pki.AuthoritySet switched() {
            return new io.s2mtls.core.pki.AuthoritySet(CaMaterial.remote(next, "vault-transit:ca-2").withChain(List.of(root)),
                    Optional.of(CaMaterial.local(old, oldKeys.getPrivate()).withChain(List.of(root))),
                    Optional.empty(), io.s2mtls.core.pki.RotationPhase.SWITCHED);
        }
    }

    private static void assertSameAuthorities(io.s2mtls.core.pki.AuthoritySet expected, io.s2mtls.core.pki.AuthoritySet actual) throws Exception {
        assertEquals(expected.phase(), actual.phase());
        assertSameCa(expected.issuing(), actual.issuing());
        assertEquals(expected.other().isPresent(), actual.other().isPresent(), "the rotation's other CA");
        if (expected.other().isPresent()) {
            assertSameCa(expected.other().get(), actual.other().get());
        }
        assertEquals(expected.root().isPresent(), actual.root().isPresent(), "the root");
        if (expected.root().isPresent()) {
            assertSameCa(expected.root().get(), actual.root().get());
        }
    }

    private static void assertSameCa(CaMaterial expected, CaMaterial actual) throws Exception {
        assertArrayEquals(expected.certificate().getEncoded(), actual.certificate().getEncoded());
        assertEquals(expected.chain(), actual.chain());
        assertEquals(expected.keyReference(), actual.keyReference());
        assertEquals(expected.privateKey().isPresent(), actual.privateKey().isPresent());
        if (expected.privateKey().isPresent()) {
            assertArrayEquals(expected.privateKey().get().getEncoded(), actual.privateKey().get().getEncoded());
        }
    }

    @Test
    void everyCaOfARotationRoundTripsWithItsKeyAndPhase() throws Exception {
        RotationCas cas = RotationCas.make();
        try (CredentialStore store = openStore()) {
            store.commit(StoreBatch.of(new StoreWrite.SetAuthority(cas.withoutRotation(), Optional.empty()), event(0)));
        }
        try (CredentialStore reopened = openStore()) {
            assertSameAuthorities(cas.withoutRotation(), reopened.authorities().orElseThrow());
            assertEquals(cas.withoutRotation().certificates(), reopened.index().authorities().orElseThrow());
            assertArrayEquals(cas.old().getEncoded(), reopened.authority().orElseThrow().certificate().getEncoded());
            reopened.commit(StoreBatch.of(new StoreWrite.SetAuthority(cas.begun(), Optional.of(cas.withoutRotation().state())), event(1)));
        }
        try (CredentialStore reopened = openStore()) {
            assertSameAuthorities(cas.begun(), reopened.authorities().orElseThrow());
            io.s2mtls.core.pki.Authorities index = reopened.index().authorities().orElseThrow();
            assertEquals(cas.begun().certificates(), index);
            assertEquals(List.of(cas.old(), cas.root(), cas.next()), index.trustBundle());
            assertArrayEquals(cas.old().getEncoded(), reopened.authority().orElseThrow().certificate().getEncoded(),
                    "the old CA still issues after begin");
            reopened.commit(StoreBatch.of(new StoreWrite.SetAuthority(cas.switched(), Optional.of(cas.begun().state())), event(2)));
        }
        try (CredentialStore reopened = openStore()) {
            assertSameAuthorities(cas.switched(), reopened.authorities().orElseThrow());
            assertEquals(cas.switched().certificates(), reopened.index().authorities().orElseThrow());
            assertArrayEquals(cas.next().getEncoded(), reopened.authority().orElseThrow().certificate().getEncoded());
            assertEquals(Optional.of("vault-transit:ca-2"), reopened.authority().orElseThrow().keyReference());
        }
    }

    @Test
    void replacingTheAuthoritiesWithAStaleStateConflicts() {
        RotationCas cas = RotationCas.make();
        try (CredentialStore store = openStore()) {
            store.commit(StoreBatch.of(new StoreWrite.SetAuthority(cas.withoutRotation(), Optional.empty()), event(0)));
            store.commit(StoreBatch.of(new StoreWrite.SetAuthority(cas.begun(), Optional.of(cas.withoutRotation().state())), event(1)));
            // a second "begin" that read the store before the first one committed
            assertConflictChangesNothing(store, StoreBatch.of(
                    new StoreWrite.SetAuthority(cas.begun(), Optional.of(cas.withoutRotation().state())), event(2)));
            // the serial alone is not enough: the phase is part of what is expected
            assertConflictChangesNothing(store, StoreBatch.of(
                    new StoreWrite.SetAuthority(cas.switched(), Optional.of(io.s2mtls.core.pki.AuthorityState.single(cas.old().getSerialNumber()))),
                    event(3)));
        }
    }

    @Test
    void theIssuerOfAnEntryRoundTrips() {
        try (CredentialStore store = openStore()) {
            Credential credential = newCredential("issued_by");
            InventoryEntry plain = entryFor(credential.name(), credential.certificate());
            InventoryEntry entry = new InventoryEntry(plain.serial(), plain.name(), plain.subject(), plain.notBefore(), plain.notAfter(),
                    plain.sha256Fingerprint(), plain.profile(), plain.status(), plain.recordedAt(), Optional.of(caCert.getSerialNumber()));
            Credential other = newCredential("unknown_issuer");
            store.commit(StoreBatch.builder()
                    .write(new StoreWrite.PutCredential(credential, Optional.empty())).write(new StoreWrite.AddEntry(entry))
                    .write(new StoreWrite.PutCredential(other, Optional.empty()))
                    .write(new StoreWrite.AddEntry(entryFor(other.name(), other.certificate())))
                    .build());
            store.commit(StoreBatch.builder().write(new StoreWrite.UpdateEntry(entry.withStatus(CertificateStatus.REVOKED), CertificateStatus.VALID)).build());
        }
        try (CredentialStore reopened = openStore()) {
            assertEquals(Optional.of(caCert.getSerialNumber()), reopened.index().currentEntry("issued_by").orElseThrow().issuer());
            assertEquals(CertificateStatus.REVOKED, reopened.index().currentEntry("issued_by").orElseThrow().status());
            assertEquals(Optional.empty(), reopened.index().currentEntry("unknown_issuer").orElseThrow().issuer());
        }
    }

    @Test
    void credentialsRoundTripOneAtATime() throws Exception {
        Credential alice;
        Credential bob;
        Credential bobRenewed;
        try (CredentialStore store = openStore()) {
            store.commit(StoreBatch.of(new StoreWrite.SetAuthority(CaMaterial.local(caCert, caKeys.getPrivate()), Optional.empty()),
                    event(0)));
            alice = issue(store, "alice");
            bob = issue(store, "bob");
            bobRenewed = newCredential("bob");
            InventoryEntry renewedEntry = entryFor("bob", bobRenewed.certificate());
            store.commit(StoreBatch.builder()
                    .write(new StoreWrite.PutCredential(bobRenewed, Optional.of(bob.certificate().getSerialNumber())))
                    .write(new StoreWrite.AddEntry(renewedEntry))
                    .write(new StoreWrite.UpdateEntry(store.index().entry(bob.certificate().getSerialNumber()).orElseThrow()
                            .withStatus(CertificateStatus.SUPERSEDED), CertificateStatus.VALID))
                    .build());
        }
        try (CredentialStore reopened = openStore()) {
            assertSameCredential(alice, reopened.credential("alice").orElseThrow());
            assertSameCredential(bobRenewed, reopened.credential("bob").orElseThrow());
            assertTrue(reopened.credential("carol").isEmpty());
            StoreIndex index = reopened.index();
            assertEquals(3, index.entries().size());
            assertEquals(CertificateStatus.SUPERSEDED, index.entry(bob.certificate().getSerialNumber()).orElseThrow().status());
            assertEquals(bobRenewed.certificate().getSerialNumber(), index.currentEntry("bob").orElseThrow().serial());
            reopened.commit(StoreBatch.of(new StoreWrite.RemoveCredential("alice", alice.certificate().getSerialNumber()), event(1)));
        }
        try (CredentialStore reopened = openStore()) {
            assertTrue(reopened.credential("alice").isEmpty());
            assertEquals(Set.of("bob"), reopened.index().credentials().keySet());
            assertTrue(reopened.index().entry(alice.certificate().getSerialNumber()).isPresent(), "the inventory entry stays");
        }
    }

    @Test
    void statusChangesPersist() {
        BigInteger serial;
        try (CredentialStore store = openStore()) {
            serial = issue(store, "dave").certificate().getSerialNumber();
            InventoryEntry entry = store.index().entry(serial).orElseThrow();
            store.commit(StoreBatch.of(new StoreWrite.UpdateEntry(entry.withStatus(CertificateStatus.REVOKED), CertificateStatus.VALID),
                    event(0)));
        }
        try (CredentialStore reopened = openStore()) {
            assertEquals(CertificateStatus.REVOKED, reopened.index().entry(serial).orElseThrow().status());
        }
    }

    @Test
    void managedUsersRoundTripAndAreForgotten() {
        ManagedUser reader = user("app_reader", "payments \"eu\"");
        ManagedUser writer = user("app_writer", null);
        try (CredentialStore store = openStore()) {
            store.commit(StoreBatch.builder()
                    .write(new StoreWrite.PutManagedUser(reader.key(), Optional.of(reader), Optional.empty()))
                    .write(new StoreWrite.PutManagedUser(writer.key(), Optional.of(writer), Optional.empty()))
                    .audit(event(0)).build());
        }
        try (CredentialStore reopened = openStore()) {
            assertEquals(Map.of(reader.key(), reader, writer.key(), writer), reopened.index().managedUsers());
            reopened.commit(StoreBatch.of(new StoreWrite.PutManagedUser(reader.key(), Optional.empty(), Optional.of(reader)), event(1)));
        }
        try (CredentialStore reopened = openStore()) {
            assertEquals(Map.of(writer.key(), writer), reopened.index().managedUsers());
        }
    }

    // ---------------------------------------------------------------- all-or-nothing and expectations

    @Test
    void aBatchWhoseLaterExpectationFailsWritesNothing() {
        try (CredentialStore store = openStore()) {
            Credential erin = issue(store, "erin");
            Credential frank = newCredential("frank");
            ManagedUser reader = user("app_reader", null);
            StoreBatch failing = StoreBatch.builder()
                    .write(new StoreWrite.PutCredential(frank, Optional.empty()))
                    .write(new StoreWrite.AddEntry(entryFor("frank", frank.certificate())))
                    .write(new StoreWrite.PutManagedUser(reader.key(), Optional.of(reader), Optional.empty()))
                    .write(new StoreWrite.AddEntry(entryFor("erin", erin.certificate()))) // already recorded
                    .audit(event(7))
                    .build();
            assertConflictChangesNothing(store, failing);
            assertTrue(store.credential("frank").isEmpty());
            assertFalse(store.recentAudit(10).contains(event(7)));
        }
    }

    @Test
    void takingANameThatIsTakenConflicts() {
        try (CredentialStore store = openStore()) {
            issue(store, "gina");
            assertConflictChangesNothing(store, issueBatch(newCredential("gina")));
        }
    }

    @Test
    void replacingTheWrongSerialConflicts() {
        try (CredentialStore store = openStore()) {
            Credential gina = issue(store, "gina");
            Credential renewed = newCredential("gina");
            StoreBatch wrongSerial = StoreBatch.builder()
                    .write(new StoreWrite.PutCredential(renewed, Optional.of(gina.certificate().getSerialNumber().add(BigInteger.ONE))))
                    .write(new StoreWrite.AddEntry(entryFor("gina", renewed.certificate()))).build();
            assertConflictChangesNothing(store, wrongSerial);
            assertConflictChangesNothing(store, StoreBatch.of(
                    new StoreWrite.RemoveCredential("gina", gina.certificate().getSerialNumber().add(BigInteger.ONE)), event(1)));
            assertConflictChangesNothing(store, StoreBatch.of(
                    new StoreWrite.RemoveCredential("nobody", gina.certificate().getSerialNumber()), event(1)));
            store.commit(StoreBatch.of(new StoreWrite.SetAuthority(CaMaterial.local(caCert, caKeys.getPrivate()), Optional.empty()),
                    event(2)));
            assertConflictChangesNothing(store, StoreBatch.of(
                    new StoreWrite.SetAuthority(CaMaterial.local(caCert, caKeys.getPrivate()), Optional.empty()), event(3)));
            assertConflictChangesNothing(store, StoreBatch.of(new StoreWrite.SetAuthority(CaMaterial.local(caCert, caKeys.getPrivate()),
                    Optional.of(caCert.getSerialNumber().add(BigInteger.ONE))), event(3)));
        }
    }

    @Test
    void recordingASerialTwiceConflicts() {
        try (CredentialStore store = openStore()) {
            Credential hank = issue(store, "hank");
            assertConflictChangesNothing(store, StoreBatch.of(new StoreWrite.AddEntry(entryFor("other", hank.certificate())), event(1)));
        }
    }

    @Test
    void updatingAnEntryWithTheWrongExpectedStatusConflicts() {
        try (CredentialStore store = openStore()) {
            Credential ivy = issue(store, "ivy");
            InventoryEntry entry = store.index().entry(ivy.certificate().getSerialNumber()).orElseThrow();
            assertConflictChangesNothing(store, StoreBatch.of(
                    new StoreWrite.UpdateEntry(entry.withStatus(CertificateStatus.VALID), CertificateStatus.REVOKED), event(1)));
            InventoryEntry unknown = entryFor("ghost", newCredential("ghost").certificate());
            assertConflictChangesNothing(store, StoreBatch.of(
                    new StoreWrite.UpdateEntry(unknown.withStatus(CertificateStatus.REVOKED), CertificateStatus.VALID), event(1)));
        }
    }

    @Test
    void aManagedUserRecordThatChangedConflicts() {
        ManagedUser first = user("app_reader", null);
        ManagedUser second = user("app_reader", "payments");
        try (CredentialStore store = openStore()) {
            store.commit(StoreBatch.of(new StoreWrite.PutManagedUser(first.key(), Optional.of(first), Optional.empty()), event(0)));
            // expects none, finds one
            assertConflictChangesNothing(store, StoreBatch.of(
                    new StoreWrite.PutManagedUser(first.key(), Optional.of(second), Optional.empty()), event(1)));
            // expects another record than the one there
            assertConflictChangesNothing(store, StoreBatch.of(
                    new StoreWrite.PutManagedUser(first.key(), Optional.empty(), Optional.of(second)), event(1)));
            store.commit(StoreBatch.of(new StoreWrite.PutManagedUser(first.key(), Optional.of(second), Optional.of(first)), event(2)));
            assertEquals(Map.of(second.key(), second), store.index().managedUsers());
        }
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void concurrentCommitsLoseNothing() throws Exception {
        int threads = 4;
        int perThread = 5;
        try (CredentialStore store = openStore()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            issue(store, "t" + thread + "-" + i);
                        }
                    }));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
        try (CredentialStore reopened = openStore()) {
            StoreIndex index = reopened.index();
            assertEquals(threads * perThread, index.credentials().size());
            assertEquals(threads * perThread, index.entries().size());
            Set<BigInteger> serials = new HashSet<>();
            index.inventory().forEach(e -> assertTrue(serials.add(e.serial()), "serial repeated"));
            assertEquals(threads * perThread, reopened.recentAudit(1000).size());
        }
    }

    // ---------------------------------------------------------------- audit

    @Test
    void recentAuditReturnsTheLastEventsOldestFirstAndSurvivesReopening() {
        try (CredentialStore store = openStore()) {
            store.appendAudit(List.of(event(0), event(1)));
            store.commit(StoreBatch.of(List.of(), List.of(event(2))));
            store.appendAudit(List.of(event(3), event(4)));
            assertEquals(List.of(event(2), event(3), event(4)), store.recentAudit(3));
        }
        try (CredentialStore reopened = openStore()) {
            assertEquals(List.of(event(0), event(1), event(2), event(3), event(4)), reopened.recentAudit(100));
            assertEquals(List.of(event(4)), reopened.recentAudit(1));
            assertEquals(List.of(), reopened.recentAudit(0));
            assertEquals(StoreIndex.empty(), reopened.index(), "audit events change nothing else");
        }
    }

    @Test
    void aCommitAppendsItsAuditEventsInOrder() {
        try (CredentialStore store = openStore()) {
            Credential judy = newCredential("judy");
            StoreBatch batch = StoreBatch.builder().write(new StoreWrite.PutCredential(judy, Optional.empty()))
                    .write(new StoreWrite.AddEntry(entryFor("judy", judy.certificate()))).audit(event(5)).audit(event(6)).build();
            store.commit(batch);
        }
        try (CredentialStore reopened = openStore()) {
            assertEquals(List.of(event(5), event(6)), reopened.recentAudit(2));
        }
    }

    // ---------------------------------------------------------------- credentials and password

    @Test
    void wrongCredentialsAreRefusedWithoutChangingTheStore() {
        try (CredentialStore store = openStore()) {
            issue(store, "frank");
        }
        Optional<byte[]> rawBefore = rawState();
        S2mtlsException failure = assertThrows(S2mtlsException.class, () -> {
            try (CredentialStore wrong = openStoreWithWrongCredentials()) {
                wrong.index();
            }
        });
        assertEquals(wrongCredentialsKind(), failure.kind());
        assertFalse(failure.getMessage().contains("\n"));
        S2mtlsException writeFailure = assertThrows(S2mtlsException.class, () -> {
            try (CredentialStore wrong = openStoreWithWrongCredentials()) {
                wrong.commit(issueBatch(newCredential("mallory")));
            }
        });
        assertEquals(wrongCredentialsKind(), writeFailure.kind());
        rawBefore.ifPresent(bytes -> assertArrayEquals(bytes, rawState().orElseThrow()));
        try (CredentialStore store = openStore()) {
            assertTrue(store.credential("frank").isPresent());
            assertTrue(store.credential("mallory").isEmpty());
        }
    }

    @Test
    void changingThePasswordKeepsEverythingOrIsRefused() throws Exception {
        Credential kate;
        try (CredentialStore store = openStore()) {
            store.commit(StoreBatch.of(new StoreWrite.SetAuthority(CaMaterial.local(caCert, caKeys.getPrivate()), Optional.empty()),
                    event(0)));
            kate = issue(store, "kate");
        }
        char[] newPassword = "a brand new store password".toCharArray();
        Optional<CredentialStore> probe = openStoreWithPassword(newPassword.clone());
        probe.ifPresent(CredentialStore::close);
        if (probe.isEmpty()) {
            // a store without a password of its own refuses, and changes nothing
            Optional<byte[]> rawBefore = rawState();
            try (CredentialStore store = openStore()) {
                StoreIndex before = store.index();
                S2mtlsException refused = assertThrows(S2mtlsException.class,
                        () -> store.changePassword(newPassword.clone(), List.of(event(1))));
                assertEquals(ErrorKind.BAD_INPUT, refused.kind());
                assertEquals(before, store.index());
                assertFalse(store.recentAudit(10).contains(event(1)));
            }
            rawBefore.ifPresent(bytes -> assertArrayEquals(bytes, rawState().orElseThrow()));
            return;
        }
        Optional<byte[]> rawBefore = rawState();
        try (CredentialStore wrong = openStoreWithWrongCredentials()) {
            S2mtlsException refused = assertThrows(S2mtlsException.class, () -> wrong.changePassword(newPassword.clone(), List.of(event(1))));
            assertEquals(wrongCredentialsKind(), refused.kind());
        }
        rawBefore.ifPresent(bytes -> assertArrayEquals(bytes, rawState().orElseThrow()));
        try (CredentialStore store = openStore()) {
            store.changePassword(newPassword.clone(), List.of(event(2)));
            assertSameCredential(kate, store.credential("kate").orElseThrow(), "the store keeps working after the change");
        }
        try (CredentialStore old = openStore()) {
            S2mtlsException stale = assertThrows(S2mtlsException.class, old::index);
            assertEquals(wrongCredentialsKind(), stale.kind());
        }
        try (CredentialStore renewed = openStoreWithPassword(newPassword.clone()).orElseThrow()) {
            assertSameCredential(kate, renewed.credential("kate").orElseThrow());
            assertArrayEquals(caKeys.getPrivate().getEncoded(), renewed.authority().orElseThrow().privateKey().orElseThrow().getEncoded());
            assertEquals(event(2), renewed.recentAudit(1).get(0));
            assertFalse(renewed.recentAudit(10).contains(event(1)));
            assertEquals(1, renewed.index().entries().size());
            assertTrue(renewed.index().authority().isPresent());
        }
    }

    private static void assertSameCredential(Credential expected, Credential actual, String message) throws Exception {
        assertArrayEquals(expected.certificate().getEncoded(), actual.certificate().getEncoded(), message);
        assertArrayEquals(expected.privateKey().orElseThrow().getEncoded(), actual.privateKey().orElseThrow().getEncoded(), message);
    }
}
