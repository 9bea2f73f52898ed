package io.s2mtls.adapters.keystore;

import io.s2mtls.adapters.records.StoreJson;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.testing.TestPki;
import io.s2mtls.core.x509.Pkcs12Builder;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.SafeBag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * A store in rotation, item by item: the other CA and the root live in items of their own, the index reads their
 * certificates without any key, and the file is of version 3 only while it holds more than one CA.
 */
class Pkcs12RotationTest {
    @TempDir
    Path directory;

    private final KeyPair rootKeys = TestPki.ecKeyPair();
    private final KeyPair oldKeys = TestPki.ecKeyPair();
    private final KeyPair nextKeys = TestPki.ecKeyPair();
    private final X509Certificate root = TestPki.selfSigned(rootKeys, "CN=Rotation Root", true);
    private final X509Certificate old = TestPki.signed(oldKeys, Stores.CA_SUBJECT, rootKeys, "CN=Rotation Root", true);
    private final X509Certificate next = TestPki.signed(nextKeys, Stores.CA_SUBJECT, rootKeys, "CN=Rotation Root", true);

    private Path file() {
        return directory.resolve("store.p12");
    }

    private static AuditEvent event(String action) {
        return new AuditEvent(Instant.parse("2026-12-01T10:00:00Z"), "tester", action, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    private AuthoritySet single() {
        return new AuthoritySet(CaMaterial.local(old, oldKeys.getPrivate()).withChain(List.of(root)), Optional.empty(),
                Optional.of(CaMaterial.local(root, rootKeys.getPrivate())), RotationPhase.NONE);
    }

    private AuthoritySet begun() {
        return new AuthoritySet(CaMaterial.local(old, oldKeys.getPrivate()).withChain(List.of(root)),
                Optional.of(CaMaterial.local(next, nextKeys.getPrivate()).withChain(List.of(root))),
                Optional.of(CaMaterial.local(root, rootKeys.getPrivate())), RotationPhase.BEGUN);
    }

    /** A store in phase BEGUN (every CA key local, the root's too) holding alice and bob. */
    private void storeInRotation() {
        try (CredentialStore store = Stores.open(file())) {
            store.commit(StoreBatch.of(new StoreWrite.SetAuthority(begun(), Optional.empty()), event("ca.rotate.begin")));
            Stores.commit(store, List.of(Stores.issue("alice", oldKeys), Stores.issue("bob", oldKeys)));
        }
    }

    private static StoreFile parse(byte[] bytes, String password) throws Exception {
        PasswordKeys keys = new PasswordKeys(password.toCharArray());
        return StoreFile.read(Pkcs12Format.open(bytes, keys), keys);
    }

    private StoreFile parse() throws Exception {
        return parse(Files.readAllBytes(file()), Stores.PASSWORD);
    }

    /**
     * Rewrites the file (with a valid MAC) so that the private keys of the CA items at {@code positions} decrypt to
     * garbage: whoever decrypts one of them fails. The certificates stay readable.
     */
    private void breakTheKeysOf(AuthoritySet set, List<Integer> positions) throws Exception {
        StoreFile stored = parse();
        PasswordKeys keys = new PasswordKeys(Stores.PASSWORD.toCharArray());
        byte[] aesKey = keys.pbkdf2Sha256(stored.salt, Pkcs12Builder.PBKDF2_ITERATIONS);
        byte[] garbage = "not a PKCS#8 private key at all".getBytes(StandardCharsets.US_ASCII);
        List<byte[]> items = new ArrayList<>(stored.contentInfos);
        List<CaMaterial> cas = new ArrayList<>();
        List<String> names = List.of(Pkcs12Format.CA_NAME, Pkcs12Format.OTHER_CA_NAME, Pkcs12Format.ROOT_CA_NAME);
        cas.add(set.issuing());
        cas.add(set.other().orElseThrow());
        cas.add(set.root().orElseThrow());
        for (int position : positions) {
            int part = position - 2; // 0 = the authorities item, then issuing, other, root
            String name = names.get(part);
            CaMaterial ca = cas.get(part);
            byte[] id = ("s2mtls:" + name).getBytes(StandardCharsets.UTF_8);
            List<byte[]> bags = new ArrayList<>();
            bags.add(Pkcs12Builder.certBag(ca.certificate().getEncoded(), name, id));
            bags.add(Pkcs12Builder.shroudedKeyBag(garbage, name, id, aesKey, stored.salt));
            for (X509Certificate above : ca.chain()) {
                bags.add(Pkcs12Builder.certBag(above.getEncoded(), name + " chain", null));
            }
            items.set(position, Pkcs12Builder.encryptedContentInfo(bags, aesKey, stored.salt));
        }
        byte[] macKey = keys.pkcs12MacKeySha256(stored.macSalt, stored.macIterations);
        Files.write(file(), Pkcs12Builder.pfx(items, macKey, stored.macSalt, stored.macIterations));
    }

    private static final int ISSUING = 2;
    private static final int OTHER = 3;
    private static final int ROOT = 4;

    @Test
    void theIndexOfAStoreInRotationDecryptsNoKey() throws Exception {
        storeInRotation();
        breakTheKeysOf(begun(), List.of(ISSUING, OTHER, ROOT));
        try (CredentialStore store = Stores.open(file())) {
            Authorities authorities = store.index().authorities().orElseThrow();
            assertEquals(begun().certificates(), authorities);
            assertEquals(RotationPhase.BEGUN, authorities.phase());
            assertEquals(next, authorities.next().orElseThrow().certificate());
            assertEquals(List.of(root), authorities.next().orElseThrow().chain());
            assertEquals(root, authorities.root().orElseThrow().certificate());
            assertEquals(List.of("alice", "bob"), List.copyOf(store.index().credentials().keySet()));
            assertTrue(store.credential("alice").orElseThrow().privateKey().isPresent(), "a credential needs no CA key");
            S2mtlsException broken = assertThrows(S2mtlsException.class, store::authority);
            assertTrue(broken.getMessage().contains("private key"), broken.getMessage());
        }
    }

    @Test
    void authorityDecryptsOnlyTheIssuingKey() throws Exception {
        storeInRotation();
        breakTheKeysOf(begun(), List.of(OTHER, ROOT));
        try (CredentialStore store = Stores.open(file())) {
            CaMaterial issuing = store.authority().orElseThrow();
            assertEquals(old, issuing.certificate());
            assertEquals(oldKeys.getPrivate(), issuing.privateKey().orElseThrow());
            assertEquals(List.of(root), issuing.chain());
            // the hook bites: whoever decrypts the other CA's or the root's key fails
            assertThrows(S2mtlsException.class, store::authorities);
        }
    }

    @Test
    void authoritiesReturnsEveryKey() throws Exception {
        storeInRotation();
        try (CredentialStore store = Stores.open(file())) {
            AuthoritySet set = store.authorities().orElseThrow();
            assertEquals(RotationPhase.BEGUN, set.phase());
            assertEquals(oldKeys.getPrivate(), set.issuing().privateKey().orElseThrow());
            assertEquals(nextKeys.getPrivate(), set.other().orElseThrow().privateKey().orElseThrow());
            assertEquals(rootKeys.getPrivate(), set.root().orElseThrow().privateKey().orElseThrow());
            assertEquals(List.of(), set.root().orElseThrow().chain());
        }
    }

    @Test
    void aPasswordChangeKeepsEveryCaOfTheRotation() throws Exception {
        storeInRotation();
        try (CredentialStore store = Stores.open(file())) {
            store.changePassword("the next password".toCharArray(), List.of(event("store.password")));
        }
        try (CredentialStore store = Stores.open(file(), "the next password")) {
            AuthoritySet set = store.authorities().orElseThrow();
            assertEquals(begun().certificates(), set.certificates());
            assertEquals(nextKeys.getPrivate(), set.other().orElseThrow().privateKey().orElseThrow());
            assertEquals(rootKeys.getPrivate(), set.root().orElseThrow().privateKey().orElseThrow());
        }
        assertEquals(3, parse(Files.readAllBytes(file()), "the next password").document.version());
    }

    @Test
    void aCommitOfCredentialsCopiesTheCaItemsByteForByte() throws Exception {
        storeInRotation();
        breakTheKeysOf(begun(), List.of(ISSUING, OTHER, ROOT)); // a commit that decrypted a CA key would fail
        StoreFile before = parse();
        try (CredentialStore store = Stores.open(file())) {
            Stores.commit(store, List.of(Stores.issue("carol", oldKeys)));
            store.commit(StoreBatch.of(new StoreWrite.RemoveCredential("alice",
                    store.index().credential("alice").orElseThrow().serial()), event("forget alice")));
        }
        StoreFile after = parse();
        assertEquals(4, before.authorityItems().size(), "the authorities item and three CA items");
        assertEquals(before.authorityItems().size(), after.authorityItems().size());
        for (int i = 0; i < before.authorityItems().size(); i++) {
            assertArrayEquals(before.authorityItems().get(i), after.authorityItems().get(i), "CA item " + i);
        }
        assertArrayEquals(before.contentInfos.get(6), after.contentInfos.get(5), "bob's item");
        try (CredentialStore store = Stores.open(file())) {
            assertEquals(begun().certificates(), store.index().authorities().orElseThrow());
            assertEquals(List.of("bob", "carol"), List.copyOf(store.index().credentials().keySet()));
        }
    }

    @Test
    void theFormatVersionIsThreeOnlyWhileTheStoreHoldsMoreThanOneCa() throws Exception {
        CaMaterial alone = CaMaterial.local(old, oldKeys.getPrivate()).withChain(List.of(root));
        try (CredentialStore store = Stores.open(file())) {
            store.commit(StoreBatch.of(new StoreWrite.SetAuthority(alone, Optional.empty()), event("ca.create")));
            assertEquals(2, parse().document.version());
            store.commit(StoreBatch.of(new StoreWrite.SetAuthority(begun(), Optional.of(AuthoritySet.single(alone).state())),
                    event("ca.rotate.begin")));
            assertEquals(3, parse().document.version());
            AuthoritySet finished = AuthoritySet.single(CaMaterial.local(next, nextKeys.getPrivate()).withChain(List.of(root)));
            store.commit(StoreBatch.of(new StoreWrite.SetAuthority(finished, Optional.of(begun().state())), event("ca.rotate.finish")));
            assertEquals(2, parse().document.version(), "one CA again: readable by an s2mtls that reads version 2");
            assertEquals(2, parse().contentInfos.size());
            store.commit(StoreBatch.of(new StoreWrite.SetAuthority(single(), Optional.of(finished.state())), event("root kept")));
            assertEquals(3, parse().document.version(), "a root key is more than one CA");
        }
        try (CredentialStore store = Stores.open(file())) {
            assertEquals(single().certificates(), store.index().authorities().orElseThrow());
            assertEquals(rootKeys.getPrivate(), store.authorities().orElseThrow().root().orElseThrow().privateKey().orElseThrow());
        }
    }

    /**
     * The index item of a version-3 file keeps the version-2 document's fields, so an s2mtls that reads version 2
     * parses it, reaches its version check, and refuses with "use a newer s2mtls" instead of misreading the file.
     */
    @Test
    void theIndexOfVersionThreeParsesAsAVersionTwoDocument() throws Exception {
        storeInRotation();
        StoreFile stored = parse();
        byte[] json = secretOf(stored.contentInfos.get(0));
        StoreFile.IndexDocument document = StoreJson.read(json, StoreFile.IndexDocument.class);
        assertEquals(3, document.version());
        String text = new String(json, StandardCharsets.UTF_8);
        for (String field : List.of("phase", "other", "root", "begun")) {
            assertFalse(text.contains("\"" + field + "\""), "the index names no " + field + ": " + text);
        }
    }

    @Test
    void aNewerVersionIsRefusedWithUseANewerS2mtls() throws Exception {
        storeInRotation();
        StoreFile stored = parse();
        String text = new String(secretOf(stored.contentInfos.get(0)), StandardCharsets.UTF_8).replace("\"version\":3", "\"version\":4");
        PasswordKeys keys = new PasswordKeys(Stores.PASSWORD.toCharArray());
        byte[] aesKey = keys.pbkdf2Sha256(stored.salt, Pkcs12Builder.PBKDF2_ITERATIONS);
        List<byte[]> items = new ArrayList<>(stored.contentInfos);
        items.set(0, Pkcs12Builder.encryptedContentInfo(List.of(Pkcs12Builder.dataSecretBag(text.getBytes(StandardCharsets.UTF_8),
                StoreFile.INDEX_NAME)), aesKey, stored.salt));
        Files.write(file(), Pkcs12Builder.pfx(items, keys.pkcs12MacKeySha256(stored.macSalt, stored.macIterations), stored.macSalt,
                stored.macIterations));
        try (CredentialStore store = Stores.open(file())) {
            S2mtlsException refused = assertThrows(S2mtlsException.class, store::index);
            assertTrue(refused.getMessage().contains("format version 4 and this s2mtls reads versions 1 to 3; use a newer s2mtls"),
                    refused.getMessage());
        }
    }

    /** The first secret bag's value in an encrypted item (the index's or the authorities' JSON). */
    private static byte[] secretOf(byte[] item) throws Exception {
        PasswordKeys keys = new PasswordKeys(Stores.PASSWORD.toCharArray());
        EncryptedData encrypted = EncryptedData.getInstance(ContentInfo.getInstance(ASN1Primitive.fromByteArray(item)).getContent());
        byte[] plain = Pkcs12Format.decrypt(encrypted.getEncryptionAlgorithm(), encrypted.getContent().getOctets(), keys);
        SafeBag bag = SafeBag.getInstance(ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(plain)).getObjectAt(0));
        ASN1TaggedObject value = ASN1TaggedObject.getInstance(ASN1Sequence.getInstance(bag.getBagValue()).getObjectAt(1));
        return ASN1OctetString.getInstance(value.getExplicitBaseObject()).getOctets();
    }

    // ---------------------------------------------------------------- files written before rotation existed

    /** store-v2.p12 (and its audit sidecar) was written by main at ae37e5b, before this change; password "v2 store password". */
    @Test
    void aStoreWrittenBeforeRotationReadsAsASingleCaAndTakesARotation() throws Exception {
        String password = "v2 store password";
        for (String name : List.of("store-v2.p12", "store-v2.p12.audit")) {
            try (var in = Pkcs12RotationTest.class.getResourceAsStream(name)) {
                Files.write(directory.resolve(name.replace("store-v2", "store")), in.readAllBytes());
            }
        }
        StoreFile original = parse(Files.readAllBytes(file()), password);
        assertEquals(2, original.document.version());
        CaMaterial issuing;
        try (CredentialStore store = Stores.open(file(), password)) {
            StoreIndex index = store.index();
            Authorities authorities = index.authorities().orElseThrow();
            assertEquals(RotationPhase.NONE, authorities.phase());
            assertTrue(authorities.other().isEmpty() && authorities.root().isEmpty());
            assertEquals(1, authorities.issuing().chain().size(), "an intermediate under the fixture's root");
            issuing = store.authority().orElseThrow();
            assertEquals(Optional.of(AuthoritySet.single(issuing).certificates()), store.authorities().map(AuthoritySet::certificates));
            assertEquals(issuing.privateKey(), store.authorities().orElseThrow().issuing().privateKey());
            issuing.certificate().verify(issuing.chain().get(0).getPublicKey());
            Credential alice = store.credential("alice").orElseThrow();
            alice.certificate().verify(issuing.certificate().getPublicKey());
            assertTrue(alice.privateKey().isPresent());
            assertTrue(store.credential("bob").orElseThrow().privateKey().isEmpty());
            assertEquals(Optional.of(issuing.certificate().getSerialNumber()), index.currentEntry("alice").orElseThrow().issuer());
            assertEquals(List.of("ca.create"), store.recentAudit(10).stream().map(AuditEvent::action).toList());

            Stores.commit(store, List.of(Stores.issue("carol", oldKeys)));
        }
        StoreFile afterCommit = parse(Files.readAllBytes(file()), password);
        assertEquals(2, afterCommit.document.version(), "a store that holds one CA stays of version 2");
        assertArrayEquals(original.authorityItems().get(0), afterCommit.authorityItems().get(0), "the CA item is copied as stored");

        KeyPair nextKeysHere = TestPki.ecKeyPair();
        X509Certificate fixtureRoot = issuing.chain().get(0);
        X509Certificate nextHere = TestPki.signed(nextKeysHere, Stores.CA_SUBJECT, oldKeys, "CN=Not The Fixture Root", true);
        AuthoritySet begun = new AuthoritySet(issuing, Optional.of(CaMaterial.remote(nextHere, "vault-transit:next")),
                Optional.empty(), RotationPhase.BEGUN);
        try (CredentialStore store = Stores.open(file(), password)) {
            store.commit(StoreBatch.of(new StoreWrite.SetAuthority(begun, Optional.of(AuthoritySet.single(issuing).state())),
                    event("ca.rotate.begin")));
        }
        try (CredentialStore store = Stores.open(file(), password)) {
            assertEquals(begun.certificates(), store.index().authorities().orElseThrow());
            assertEquals(Optional.of("vault-transit:next"), store.authorities().orElseThrow().other().orElseThrow().keyReference());
            assertEquals(List.of(issuing.certificate(), fixtureRoot, nextHere), store.index().authorities().orElseThrow().trustBundle());
            assertEquals(List.of("alice", "bob", "carol"), List.copyOf(store.index().credentials().keySet()));
            assertEquals(List.of("ca.create", "ca.rotate.begin"), store.recentAudit(10).stream().map(AuditEvent::action).toList());
        }
        assertEquals(3, parse(Files.readAllBytes(file()), password).document.version());
    }

    @Test
    void aVersion1StoreReadsAsASingleCa() throws Exception {
        try (var in = Pkcs12RotationTest.class.getResourceAsStream("legacy-store-v1.p12")) {
            Files.write(file(), in.readAllBytes());
        }
        try (CredentialStore store = Stores.open(file(), "legacy store password")) {
            Authorities authorities = store.index().authorities().orElseThrow();
            assertEquals(RotationPhase.NONE, authorities.phase());
            assertTrue(authorities.other().isEmpty() && authorities.root().isEmpty());
            AuthoritySet set = store.authorities().orElseThrow();
            assertEquals(authorities, set.certificates());
            assertEquals(store.authority().orElseThrow().privateKey(), set.issuing().privateKey());
        }
    }
}
