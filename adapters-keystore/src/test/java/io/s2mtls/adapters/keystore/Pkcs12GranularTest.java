package io.s2mtls.adapters.keystore;

import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.testing.TestPki;
import io.s2mtls.core.x509.Pkcs12Builder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What makes the PKCS12 store granular: keys decrypted one at a time, unchanged items copied as stored, the audit sidecar, the size limit. */
class Pkcs12GranularTest {
    @TempDir
    Path directory;

    private final KeyPair caKeys = TestPki.ecKeyPair();
    private final X509Certificate caCert = TestPki.selfSigned(caKeys, Stores.CA_SUBJECT, true);

    private Path file() {
        return directory.resolve("store.p12");
    }

    private static AuditEvent event(String action) {
        return new AuditEvent(Instant.parse("2026-11-30T10:00:00Z"), "tester", action, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of("detail of " + action));
    }

    private static StoreBatch issueBatch(Stores.Issued issued) {
        return StoreBatch.builder().write(new StoreWrite.PutCredential(issued.credential(), Optional.empty()))
                .write(new StoreWrite.AddEntry(issued.entry())).audit(event("cert.issue " + issued.credential().name())).build();
    }

    /** A store with a local CA and the credentials alice and bob. */
    private void storeWithCaAliceAndBob() {
        try (CredentialStore store = Stores.open(file())) {
            store.commit(StoreBatch.of(new StoreWrite.SetAuthority(CaMaterial.local(caCert, caKeys.getPrivate()), Optional.empty()),
                    event("ca.create")));
            store.commit(issueBatch(Stores.issue("alice", caKeys)));
            store.commit(issueBatch(Stores.issue("bob", caKeys)));
        }
    }

    private static StoreFile parse(byte[] bytes) throws Exception {
        PasswordKeys keys = new PasswordKeys(Stores.PASSWORD.toCharArray());
        return StoreFile.read(Pkcs12Format.open(bytes, keys), keys);
    }

    /**
     * Rewrites the file (with a valid MAC) so that the private keys of bob and of the CA decrypt to garbage:
     * whoever decrypts one of them fails.
     */
    private void breakTheKeysOfBobAndTheCa() throws Exception {
        byte[] bytes = Files.readAllBytes(file());
        StoreFile stored = parse(bytes);
        PasswordKeys keys = new PasswordKeys(Stores.PASSWORD.toCharArray());
        byte[] aesKey = keys.pbkdf2Sha256(stored.salt, Pkcs12Builder.PBKDF2_ITERATIONS);
        byte[] garbage = "not a PKCS#8 private key at all".getBytes(StandardCharsets.US_ASCII);
        Credential bob;
        try (CredentialStore store = Stores.open(file())) {
            bob = store.credential("bob").orElseThrow();
        }
        List<byte[]> items = new ArrayList<>(stored.contentInfos);
        byte[] bobId = "s2mtls:bob".getBytes(StandardCharsets.UTF_8);
        items.set(3, Pkcs12Builder.encryptedContentInfo(List.of(Pkcs12Builder.certBag(bob.certificate().getEncoded(), "bob", bobId),
                Pkcs12Builder.shroudedKeyBag(garbage, "bob", bobId, aesKey, stored.salt)), aesKey, stored.salt));
        byte[] caId = "s2mtls:s2mtls CA".getBytes(StandardCharsets.UTF_8);
        items.set(1, Pkcs12Builder.encryptedContentInfo(List.of(Pkcs12Builder.certBag(caCert.getEncoded(), Pkcs12Format.CA_NAME, caId),
                Pkcs12Builder.shroudedKeyBag(garbage, Pkcs12Format.CA_NAME, caId, aesKey, stored.salt)), aesKey, stored.salt));
        byte[] macKey = keys.pkcs12MacKeySha256(stored.macSalt, stored.macIterations);
        Files.write(file(), Pkcs12Builder.pfx(items, macKey, stored.macSalt, stored.macIterations));
    }

    @Test
    void theIndexAndOneCredentialDecryptNoOtherKey() throws Exception {
        storeWithCaAliceAndBob();
        breakTheKeysOfBobAndTheCa();
        try (CredentialStore store = Stores.open(file())) {
            StoreIndex index = store.index();
            assertEquals(List.of("alice", "bob"), List.copyOf(index.credentials().keySet()));
            assertEquals(caCert, index.requireAuthority().certificate());
            assertTrue(store.credential("alice").orElseThrow().privateKey().isPresent(), "alice's key does not need bob's");
            S2mtlsException bob = assertThrows(S2mtlsException.class, () -> store.credential("bob"));
            assertTrue(bob.getMessage().contains("private key"), bob.getMessage());
            assertThrows(S2mtlsException.class, store::authority);
        }
    }

    @Test
    void aCommitCopiesTheItemsItDoesNotTouchAsTheyWereStored() throws Exception {
        storeWithCaAliceAndBob();
        breakTheKeysOfBobAndTheCa();
        StoreFile before = parse(Files.readAllBytes(file()));
        try (CredentialStore store = Stores.open(file())) {
            store.commit(issueBatch(Stores.issue("carol", caKeys))); // would fail if it decrypted bob's or the CA's key
            store.commit(StoreBatch.of(new StoreWrite.RemoveCredential("alice",
                    store.index().credential("alice").orElseThrow().serial()), event("forget alice")));
        }
        StoreFile after = parse(Files.readAllBytes(file()));
        assertArrayEquals(before.contentInfos.get(1), after.contentInfos.get(1), "the CA's item");
        assertArrayEquals(before.contentInfos.get(3), after.contentInfos.get(2), "bob's item");
        assertEquals(4, after.contentInfos.size());
        assertArrayEquals(before.salt, after.salt);
        assertArrayEquals(before.macSalt, after.macSalt);
        assertFalse(java.util.Arrays.equals(before.contentInfos.get(0), after.contentInfos.get(0)), "the index is rewritten");
        try (CredentialStore store = Stores.open(file())) {
            assertEquals(List.of("bob", "carol"), List.copyOf(store.index().credentials().keySet()));
            assertTrue(store.credential("carol").orElseThrow().privateKey().isPresent());
        }
    }

    @Test
    void aPasswordChangeReencryptsEverythingUnderFreshSalts() throws Exception {
        storeWithCaAliceAndBob();
        StoreFile before = parse(Files.readAllBytes(file()));
        try (CredentialStore store = Stores.open(file())) {
            store.changePassword("the next password".toCharArray(), List.of(event("store.password")));
        }
        PasswordKeys keys = new PasswordKeys("the next password".toCharArray());
        StoreFile after = StoreFile.read(Pkcs12Format.open(Files.readAllBytes(file()), keys), keys);
        assertFalse(java.util.Arrays.equals(before.salt, after.salt));
        assertFalse(java.util.Arrays.equals(before.macSalt, after.macSalt));
        for (int i = 0; i < before.contentInfos.size(); i++) {
            assertFalse(java.util.Arrays.equals(before.contentInfos.get(i), after.contentInfos.get(i)), "item " + i);
        }
        try (CredentialStore store = Stores.open(file(), "the next password")) {
            assertEquals(caKeys.getPrivate(), store.authority().orElseThrow().privateKey().orElseThrow());
            assertEquals(event("store.password"), store.recentAudit(1).get(0));
            assertEquals(4, store.recentAudit(10).size(), "the trail keeps its key across the change");
        }
    }

    // ---------------------------------------------------------------- size limit

    @Test
    void aWriteOverTheSizeLimitIsRefusedBeforeAnythingIsWritten() throws Exception {
        storeWithCaAliceAndBob();
        long size = Files.size(file());
        byte[] before = Files.readAllBytes(file());
        byte[] trailBefore = Files.readAllBytes(AuditTrail.of(file()));
        long limit = size + 200; // one more credential takes about a kilobyte
        try (CredentialStore store = new Pkcs12CredentialStore("pkcs12:" + file(), file(), new FixedPasswordContext(Stores.PASSWORD), limit)) {
            assertEquals(2, store.index().credentials().size(), "a store under the limit opens");
            S2mtlsException refused = assertThrows(S2mtlsException.class, () -> store.commit(issueBatch(Stores.issue("carol", caKeys))));
            assertEquals(ErrorKind.BAD_INPUT, refused.kind());
            assertTrue(refused.getMessage().contains("size limit of " + limit + " bytes"), refused.getMessage());
            assertFalse(refused.getMessage().contains("\n"));
        }
        assertArrayEquals(before, Files.readAllBytes(file()));
        assertArrayEquals(trailBefore, Files.readAllBytes(AuditTrail.of(file())));
        try (Pkcs12CredentialStore store = new Pkcs12CredentialStore("pkcs12:" + file(), file(), new FixedPasswordContext(Stores.PASSWORD),
                size - 1)) {
            S2mtlsException tooLarge = assertThrows(S2mtlsException.class, store::index);
            assertTrue(tooLarge.getMessage().contains("size limit of " + (size - 1) + " bytes"), tooLarge.getMessage());
        }
    }

    // ---------------------------------------------------------------- audit sidecar

    @Test
    void theAuditTrailIsAnOwnerOnlySidecarOfOneLinePerEvent() throws Exception {
        storeWithCaAliceAndBob();
        Path trail = directory.resolve("store.p12.audit");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(trail)));
        List<String> lines = Files.readAllLines(trail);
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).matches("[0-9a-f]{64} \\{\"time\":.*\"action\":\"ca.create\".*}"), lines.get(0));
        // not parsed on open: a trail of garbage does not stop the store from opening or writing
        Files.writeString(trail, "garbage\n", StandardOpenOption.APPEND);
        try (CredentialStore store = Stores.open(file())) {
            assertEquals(2, store.index().credentials().size());
            store.appendAudit(List.of(event("after garbage")));
            List<AuditEvent> recent = store.recentAudit(2);
            assertEquals(AuditTrail.DAMAGED, recent.get(0).action());
            assertEquals(event("after garbage"), recent.get(1));
        }
    }

    @Test
    void aTruncatedLastLineIsReportedAndTheNextAppendStartsAFreshLine() throws Exception {
        storeWithCaAliceAndBob();
        Path trail = AuditTrail.of(file());
        byte[] whole = Files.readAllBytes(trail);
        Files.write(trail, java.util.Arrays.copyOf(whole, whole.length - 20)); // a writer killed mid-append
        try (CredentialStore store = Stores.open(file())) {
            List<AuditEvent> recent = store.recentAudit(10);
            assertEquals(3, recent.size());
            assertEquals("ca.create", recent.get(0).action());
            assertEquals(AuditTrail.DAMAGED, recent.get(2).action());
            assertTrue(recent.get(2).detail().orElseThrow().contains("incomplete"), recent.get(2).toString());
            store.appendAudit(List.of(event("next")));
            recent = store.recentAudit(10);
            assertEquals(4, recent.size());
            assertEquals(AuditTrail.DAMAGED, recent.get(2).action());
            assertEquals(event("next"), recent.get(3));
        }
    }

    @Test
    void anAlteredLineFailsItsIntegrityCheck() throws Exception {
        storeWithCaAliceAndBob();
        Path trail = AuditTrail.of(file());
        String text = Files.readString(trail);
        Files.writeString(trail, text.replace("cert.issue alice", "cert.issue alicf"));
        try (CredentialStore store = Stores.open(file())) {
            List<AuditEvent> recent = store.recentAudit(3);
            assertEquals("ca.create", recent.get(0).action());
            assertEquals(AuditTrail.DAMAGED, recent.get(1).action());
            assertTrue(recent.get(1).detail().orElseThrow().contains("integrity"), recent.get(1).toString());
            assertEquals("cert.issue bob", recent.get(2).action());
        }
    }

    @Test
    void recentAuditReadsOnlyTheEndOfALongTrail() throws Exception {
        try (CredentialStore store = Stores.open(file())) {
            List<AuditEvent> many = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                many.add(event("event " + i));
            }
            store.appendAudit(many);
        }
        // damage the start of the trail: reading the last events never gets there
        Path trail = AuditTrail.of(file());
        byte[] bytes = Files.readAllBytes(trail);
        assertTrue(bytes.length > 3 * 64 * 1024, "the trail spans several read chunks");
        bytes[10] ^= 1;
        Files.write(trail, bytes);
        try (CredentialStore store = Stores.open(file())) {
            assertEquals(List.of(event("event 2997"), event("event 2998"), event("event 2999")), store.recentAudit(3));
            List<AuditEvent> all = store.recentAudit(Integer.MAX_VALUE);
            assertEquals(3000, all.size());
            assertEquals(AuditTrail.DAMAGED, all.get(0).action());
            assertEquals(event("event 1"), all.get(1));
        }
    }

    // ---------------------------------------------------------------- the previous format

    @Test
    void aVersion1StoreIsReadAndUpgradedOnItsNextWrite() throws Exception {
        Path file = file();
        try (var in = Pkcs12GranularTest.class.getResourceAsStream("legacy-store-v1.p12")) {
            Files.write(file, in.readAllBytes());
        }
        String password = "legacy store password";
        PasswordKeys keys = new PasswordKeys(password.toCharArray());
        assertTrue(StoreFile.isVersion1(Pkcs12Format.open(Files.readAllBytes(file), keys).authenticatedSafe()));
        List<AuditEvent> legacyAudit;
        StoreIndex legacyIndex;
        try (CredentialStore store = Stores.open(file, password)) {
            legacyIndex = store.index();
            assertEquals(List.of("alice", "bob"), List.copyOf(legacyIndex.credentials().keySet()));
            assertTrue(legacyIndex.credential("alice").orElseThrow().hasKey());
            assertFalse(legacyIndex.credential("bob").orElseThrow().hasKey());
            assertEquals(3, legacyIndex.entries().size());
            assertEquals(1, legacyIndex.requireAuthority().chain().size());
            assertEquals(Optional.of("payments \"eu\""), legacyIndex.managedUsers().get("app_reader@%").policy());
            legacyAudit = store.recentAudit(10);
            assertEquals(List.of("ca.create", "cert.issue"), legacyAudit.stream().map(AuditEvent::action).toList());
            assertEquals(Optional.of("line\nbreak"), legacyAudit.get(0).detail());
            Credential alice = store.credential("alice").orElseThrow();
            assertKeyMatches(alice);
            assertTrue(Files.notExists(AuditTrail.of(file)), "reading does not upgrade");
            store.commit(issueBatch(Stores.issue("carol2", caKeys)));
        }
        assertFalse(StoreFile.isVersion1(Pkcs12Format.open(Files.readAllBytes(file), keys).authenticatedSafe()));
        try (CredentialStore store = Stores.open(file, password)) {
            StoreIndex index = store.index();
            assertEquals(List.of("alice", "bob", "carol2"), List.copyOf(index.credentials().keySet()));
            assertEquals(legacyIndex.entries().size() + 1, index.entries().size());
            assertEquals(legacyIndex.managedUsers(), index.managedUsers());
            assertEquals(legacyIndex.authority(), index.authority());
            assertKeyMatches(store.credential("alice").orElseThrow());
            assertTrue(store.authority().orElseThrow().privateKey().isPresent());
            List<AuditEvent> audit = store.recentAudit(10);
            assertEquals(legacyAudit, audit.subList(0, 2), "the in-file trail moved to the sidecar");
            assertEquals("cert.issue carol2", audit.get(2).action());
        }
    }

    private static void assertKeyMatches(Credential credential) throws Exception {
        java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
        signer.initSign(credential.privateKey().orElseThrow());
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        signer.initVerify(credential.certificate().getPublicKey());
        signer.update(new byte[] {1, 2, 3});
        assertTrue(signer.verify(signature), credential.name() + "'s key belongs to its certificate");
    }
}
