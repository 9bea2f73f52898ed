package io.s2mtls.core.port;

import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
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
 * The behaviour every {@link CredentialStore} must have. A store implementation (ours or a plugin's)
 * extends this class in its tests and supplies fresh stores; every test here must pass.
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

    private final KeyPair caKeys = TestPki.ecKeyPair();
    private final X509Certificate caCert = TestPki.selfSigned(caKeys, "CN=Contract CA,O=s2mtls", true);

    protected final StoreSnapshot issue(CredentialStore store, String name) {
        KeyPair keys = TestPki.ecKeyPair();
        X509Certificate cert = TestPki.signed(keys, "CN=" + name + ",O=s2mtls", caKeys, "CN=Contract CA,O=s2mtls", false);
        return store.update(current -> current.withIssued(Optional.of(new Credential(name, cert, Optional.of(keys.getPrivate()))),
                entryFor(name, cert), false));
    }

    protected static InventoryEntry entryFor(String name, X509Certificate cert) {
        return new InventoryEntry(cert.getSerialNumber(), name, "/O=s2mtls/CN=" + name,
                cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), "00".repeat(32),
                CertificateProfile.CLIENT, CertificateStatus.VALID, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void aNewStoreReadsEmpty() {
        try (CredentialStore store = openStore()) {
            StoreSnapshot snapshot = store.read();
            assertTrue(snapshot.authority().isEmpty());
            assertTrue(snapshot.credentials().isEmpty());
            assertTrue(snapshot.inventory().isEmpty());
        }
    }

    @Test
    void authorityRoundTripsWithItsKey() throws Exception {
        try (CredentialStore store = openStore()) {
            store.update(current -> current.withAuthority(CaMaterial.local(caCert, caKeys.getPrivate())));
        }
        try (CredentialStore reopened = openStore()) {
            CaMaterial ca = reopened.read().requireAuthority();
            assertArrayEquals(caCert.getEncoded(), ca.certificate().getEncoded());
            assertArrayEquals(caKeys.getPrivate().getEncoded(), ca.privateKey().orElseThrow().getEncoded());
            assertTrue(ca.keyReference().isEmpty());
        }
    }

    @Test
    void anIntermediateAuthorityKeepsItsChainInOrder() throws Exception {
        java.security.KeyPair rootKeys = TestPki.ecKeyPair();
        java.security.KeyPair middleKeys = TestPki.ecKeyPair();
        X509Certificate root = TestPki.selfSigned(rootKeys, "CN=Contract Root", true);
        X509Certificate middle = TestPki.signed(middleKeys, "CN=Contract Middle", rootKeys, "CN=Contract Root", true);
        X509Certificate issuing = TestPki.signed(caKeys, "CN=Contract Issuing", middleKeys, "CN=Contract Middle", true);
        try (CredentialStore store = openStore()) {
            store.update(current -> current.withAuthority(CaMaterial.local(issuing, caKeys.getPrivate()).withChain(List.of(middle, root))));
        }
        try (CredentialStore reopened = openStore()) {
            CaMaterial ca = reopened.read().requireAuthority();
            assertArrayEquals(issuing.getEncoded(), ca.certificate().getEncoded());
            assertEquals(List.of(middle, root), ca.chain());
            assertEquals(List.of(issuing, middle, root), ca.bundle());
            assertTrue(ca.privateKey().isPresent());
        }
        try (CredentialStore store = openStore()) {
            store.update(current -> current.withAuthority(CaMaterial.remote(issuing, "vault-transit:ca").withChain(List.of(middle, root))));
        }
        try (CredentialStore reopened = openStore()) {
            assertEquals(List.of(middle, root), reopened.read().requireAuthority().chain());
        }
    }

    @Test
    void remoteAuthorityKeepsOnlyTheReference() throws Exception {
        try (CredentialStore store = openStore()) {
            store.update(current -> current.withAuthority(CaMaterial.remote(caCert, "vault-transit:ca")));
        }
        try (CredentialStore reopened = openStore()) {
            CaMaterial ca = reopened.read().requireAuthority();
            assertArrayEquals(caCert.getEncoded(), ca.certificate().getEncoded());
            assertEquals(Optional.of("vault-transit:ca"), ca.keyReference());
            assertTrue(ca.privateKey().isEmpty());
        }
    }

    @Test
    void credentialsAndInventoryRoundTrip() throws Exception {
        StoreSnapshot written;
        try (CredentialStore store = openStore()) {
            store.update(current -> current.withAuthority(CaMaterial.local(caCert, caKeys.getPrivate())));
            issue(store, "alice");
            written = issue(store, "bob");
            // a certificate signed from a CSR: recorded, but no credential
            X509Certificate signedOnly = TestPki.signed(TestPki.ecKeyPair(), "CN=carol", caKeys, "CN=Contract CA,O=s2mtls", false);
            written = store.update(current -> current.withIssued(Optional.empty(), entryFor("carol", signedOnly), false));
        }
        try (CredentialStore reopened = openStore()) {
            StoreSnapshot read = reopened.read();
            assertEquals(Set.of("alice", "bob"), read.credentials().keySet());
            for (String name : List.of("alice", "bob")) {
                Credential expected = written.credential(name).orElseThrow();
                Credential actual = read.credential(name).orElseThrow();
                assertArrayEquals(expected.certificate().getEncoded(), actual.certificate().getEncoded());
                assertArrayEquals(expected.privateKey().orElseThrow().getEncoded(), actual.privateKey().orElseThrow().getEncoded());
            }
            assertEquals(written.inventory(), read.inventory());
            assertEquals(3, read.inventory().size());
        }
    }

    @Test
    void auditTrailAndManagedUsersRoundTrip() {
        io.s2mtls.core.pki.AuditEvent event = new io.s2mtls.core.pki.AuditEvent(Instant.parse("2026-11-27T01:02:03.123456789Z"),
                "ops \"root\"", "cert.issue", Optional.of("ABC123"), Optional.of("/O=x/CN=a\\+b \u00e9"), Optional.empty(),
                Optional.of("line\nbreak"));
        io.s2mtls.core.pki.ManagedUser user = new io.s2mtls.core.pki.ManagedUser("app_reader", "%", "SUBJECT",
                Optional.of("/O=ExampleOrg/CN=app_reader"), List.of("SELECT ON appdb.*"), Optional.of("app_reader"),
                Instant.parse("2026-11-27T01:02:03Z"), Optional.of("payments \"eu\""));
        try (CredentialStore store = openStore()) {
            store.update(current -> current.withAudit(List.of(event)).withManagedUser(user.key(), Optional.of(user)));
            store.update(current -> current.withAudit(List.of(event)));
        }
        try (CredentialStore reopened = openStore()) {
            StoreSnapshot read = reopened.read();
            assertEquals(List.of(event, event), read.audit());
            assertEquals(java.util.Map.of(user.key(), user), read.managedUsers());
            reopened.update(current -> current.withManagedUser(user.key(), Optional.empty()));
        }
        try (CredentialStore reopened = openStore()) {
            assertTrue(reopened.read().managedUsers().isEmpty());
            assertEquals(2, reopened.read().audit().size());
        }
    }

    @Test
    void statusChangesPersist() {
        BigInteger serial;
        try (CredentialStore store = openStore()) {
            StoreSnapshot after = issue(store, "dave");
            InventoryEntry entry = after.inventory().get(0);
            serial = entry.serial();
            store.update(current -> current.withEntry(current.entry(serial).orElseThrow().withStatus(CertificateStatus.REVOKED)));
        }
        try (CredentialStore reopened = openStore()) {
            assertEquals(CertificateStatus.REVOKED, reopened.read().entry(serial).orElseThrow().status());
        }
    }

    @Test
    void aFailedChangeLeavesTheStoreAsItWas() {
        try (CredentialStore store = openStore()) {
            issue(store, "erin");
            StoreSnapshot before = store.read();
            Optional<byte[]> rawBefore = rawState();
            S2mtlsException failure = assertThrows(S2mtlsException.class, () -> issue(store, "erin"));
            assertEquals(ErrorKind.BAD_INPUT, failure.kind());
            assertThrows(IllegalStateException.class, () -> store.update(current -> {
                throw new IllegalStateException("abort");
            }));
            assertEquals(before.inventory(), store.read().inventory());
            assertEquals(before.credentials().keySet(), store.read().credentials().keySet());
            rawBefore.ifPresent(bytes -> assertArrayEquals(bytes, rawState().orElseThrow()));
        }
    }

    @Test
    void concurrentUpdatesLoseNothing() throws Exception {
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
            StoreSnapshot read = reopened.read();
            assertEquals(threads * perThread, read.credentials().size());
            assertEquals(threads * perThread, read.inventory().size());
            Set<BigInteger> serials = new HashSet<>();
            read.inventory().forEach(e -> assertTrue(serials.add(e.serial()), "serial repeated"));
        }
    }

    @Test
    void wrongCredentialsAreRefusedWithoutChangingTheStore() {
        try (CredentialStore store = openStore()) {
            issue(store, "frank");
        }
        Optional<byte[]> rawBefore = rawState();
        S2mtlsException failure = assertThrows(S2mtlsException.class, () -> {
            try (CredentialStore wrong = openStoreWithWrongCredentials()) {
                wrong.read();
            }
        });
        assertEquals(wrongCredentialsKind(), failure.kind());
        assertFalse(failure.getMessage().contains("\n"));
        rawBefore.ifPresent(bytes -> assertArrayEquals(bytes, rawState().orElseThrow()));
        try (CredentialStore store = openStore()) {
            assertTrue(store.read().credential("frank").isPresent());
        }
    }
}
