package io.s2mtls.adapters.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.s2mtls.adapters.vault.testing.RawVault;
import io.s2mtls.adapters.vault.testing.StoreSecrets;
import io.s2mtls.adapters.vault.testing.TestPluginContext;
import io.s2mtls.adapters.vault.testing.VaultDouble;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreConflictException;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.spi.StoreLocation;
import io.s2mtls.core.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the Vault store does beyond the shared contract: its KV layout, CAS, deleted versions, namespaces, size limits. */
class VaultStoreBehaviourTest {
    private final VaultDouble vault = VaultDouble.http();
    private final RawVault raw = new RawVault(vault.address());
    private final KeyPair caKeys = TestPki.ecKeyPair();
    private final X509Certificate caCert = TestPki.selfSigned(caKeys, "CN=Behaviour CA", true);

    @AfterEach
    void stop() {
        vault.close();
    }

    private TestPluginContext context() {
        return TestPluginContext.of(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", vault.rootToken()));
    }

    private CredentialStore open(String uri, TestPluginContext context) {
        return new VaultStoreProvider().open(StoreLocation.parse(uri), context);
    }

    private CredentialStore open(String uri) {
        return open(uri, context());
    }

    static AuditEvent event(String action) {
        return new AuditEvent(Instant.now(), "tester", action, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private Credential credential(String name, KeyPair keys) {
        return new Credential(name, TestPki.signed(keys, "CN=" + name, caKeys, "CN=Behaviour CA", false), Optional.of(keys.getPrivate()));
    }

    static InventoryEntry entry(Credential credential) {
        X509Certificate cert = credential.certificate();
        return new InventoryEntry(cert.getSerialNumber(), credential.name(), "CN = " + credential.name(), cert.getNotBefore().toInstant(),
                cert.getNotAfter().toInstant(), "ab".repeat(32), CertificateProfile.CLIENT, CertificateStatus.VALID, Instant.now());
    }

    static StoreBatch issueBatch(Credential credential) {
        return StoreBatch.builder().write(new StoreWrite.PutCredential(credential, Optional.empty()))
                .write(new StoreWrite.AddEntry(entry(credential))).audit(event("cert.issue")).build();
    }

    private Credential issue(CredentialStore store, String name, KeyPair keys) {
        Credential credential = credential(name, keys);
        store.commit(issueBatch(credential));
        return credential;
    }

    private void setCa(CredentialStore store) {
        store.commit(StoreBatch.of(new StoreWrite.SetAuthority(CaMaterial.local(caCert, caKeys.getPrivate()), Optional.empty()), event("ca.create")));
    }

    @Test
    void eachCredentialIsItsOwnSecretWithPemInside() throws Exception {
        try (CredentialStore store = open("vault:secret/teams/prod")) {
            setCa(store);
            issue(store, "alice", TestPki.ecKeyPair());
            issue(store, "bob", TestPki.ecKeyPair());
            assertEquals("vault:secret/teams/prod", store.describe());
        }
        StoreSecrets secrets = new StoreSecrets(vault, "secret", "teams/prod");
        JsonNode marker = secrets.marker();
        assertEquals("s2mtls-store/2", marker.get("format").asText());
        assertEquals(256, marker.get("nameShards").asInt());
        assertTrue(secrets.ca().orElseThrow().get("certificate").asText().startsWith("-----BEGIN CERTIFICATE-----\n"));
        assertTrue(secrets.ca().orElseThrow().get("privateKey").asText().startsWith("-----BEGIN PRIVATE KEY-----\n"));
        for (String name : List.of("alice", "bob")) {
            JsonNode credential = secrets.credential(name).orElseThrow();
            assertEquals(name, credential.get("name").asText());
            assertTrue(credential.get("privateKey").asText().startsWith("-----BEGIN PRIVATE KEY-----\n"));
            assertFalse(credential.toString().contains(name.equals("alice") ? "bob" : "alice"), "one credential per secret");
        }
        assertEquals(Set.of("alice", "bob"), secrets.credentialNames());
        assertEquals(2, secrets.entries().size());
        for (JsonNode shard : secrets.shards("names")) {
            assertFalse(shard.toString().contains("PRIVATE KEY"), "the index holds no key");
        }
        assertEquals(3, secrets.shards("audit").stream().mapToInt(chunk -> chunk.path("events").size()).sum());
        // every write carried check-and-set
        long writes = vault.requests().stream().filter(r -> r.startsWith("POST secret/data/teams/prod")).count();
        assertTrue(writes >= 7, "marker, CA, 2 credentials, 2+2 shards, audit: " + writes);
    }

    @Test
    void everyKeyTypeRoundTrips() throws Exception {
        List<KeyPair> pairs = List.of(generate("RSA", 2048), generate("EC", 384), KeyPairGenerator.getInstance("Ed25519").generateKeyPair(),
                TestPki.ecKeyPair());
        try (CredentialStore store = open("vault:secret/keys")) {
            for (int i = 0; i < pairs.size(); i++) {
                issue(store, "k" + i, pairs.get(i));
            }
        }
        try (CredentialStore store = open("vault:secret/keys")) {
            for (int i = 0; i < pairs.size(); i++) {
                Credential read = store.credential("k" + i).orElseThrow();
                assertArrayEquals(pairs.get(i).getPrivate().getEncoded(), read.privateKey().orElseThrow().getEncoded());
                assertEquals(pairs.get(i).getPrivate().getAlgorithm(), read.privateKey().orElseThrow().getAlgorithm());
            }
        }
    }

    @Test
    void writesUseCheckAndSetEvenWhenTheMountRequiresIt() {
        vault.configureKv("secret", 0, true);
        try (CredentialStore store = open("vault:secret/strict")) {
            issue(store, "a", TestPki.ecKeyPair());
            issue(store, "b", TestPki.ecKeyPair());
            assertEquals(2, store.index().inventory().size());
            assertEquals(2, store.recentAudit(10).size());
        }
        assertTrue(vault.requests().stream().noneMatch(r -> r.startsWith("POST secret/metadata")));
    }

    @Test
    void aWriterOfAnotherNameInTheSameShardIsRetriedOnFreshContent() {
        try (CredentialStore store = open("vault:secret/race"); CredentialStore other = open("vault:secret/race")) {
            issue(store, "first", TestPki.ecKeyPair());
            // two names in the same names shard, so that both writers need the same secret
            String mine = "n0";
            String theirs = java.util.stream.IntStream.range(1, 100_000).mapToObj(i -> "n" + i)
                    .filter(n -> VaultCredentialStore.shardOf(n, 256) == VaultCredentialStore.shardOf(mine, 256)).findFirst().orElseThrow();
            int[] calls = {0};
            ((VaultCredentialStore) store).afterChecks(() -> {
                if (calls[0]++ == 0) {
                    issue(other, theirs, TestPki.ecKeyPair()); // commits between our check and our writes
                }
            });
            issue(store, mine, TestPki.ecKeyPair());
            assertEquals(1, calls[0]);
            assertTrue(((VaultCredentialStore) store).conflicts() >= 1, "our write of the shared shard was refused once");
            assertEquals(Set.of("first", mine, theirs), store.index().credentials().keySet());
            assertTrue(store.credential(mine).isPresent());
            assertTrue(store.credential(theirs).isPresent());
            assertEquals(3, store.index().inventory().size());
        }
    }

    @Test
    void aConflictFoundWhileWritingUndoesTheShardsAlreadyWritten() {
        try (CredentialStore store = open("vault:secret/undo"); CredentialStore other = open("vault:secret/undo")) {
            issue(store, "first", TestPki.ecKeyPair());
            Credential mine = credential("taken", TestPki.ecKeyPair());
            ((VaultCredentialStore) store).afterChecks(() -> issue(other, "taken", TestPki.ecKeyPair()));
            // our entry is written first, then our reference finds the name taken: the entry must go again
            assertThrows(StoreConflictException.class, () -> store.commit(issueBatch(mine)));
            ((VaultCredentialStore) store).afterChecks(() -> { });
            assertTrue(store.index().entry(mine.certificate().getSerialNumber()).isEmpty(), "our entry was undone");
            assertEquals(2, store.index().inventory().size());
            assertEquals(2, store.recentAudit(10).size(), "no audit event for the refused batch");
            assertArrayEquals(other.credential("taken").orElseThrow().certificate().getSignature(),
                    store.credential("taken").orElseThrow().certificate().getSignature());
        }
    }

    @Test
    void aSecretThatWouldOutgrowVaultIsRefusedBeforeAnythingIsWritten() {
        try (CredentialStore store = open("vault:secret/big")) {
            issue(store, "a", TestPki.ecKeyPair());
            Optional<byte[]> before = vault.rawKvTree("secret", "big");
            ManagedUser huge = new ManagedUser("wide", "%", "SUBJECT", Optional.empty(),
                    java.util.Collections.nCopies(40_000, "SELECT ON some_database_with_a_long_name.*"), Optional.empty(),
                    Instant.parse("2026-11-27T01:02:03Z"), Optional.empty());
            Credential b = credential("b", TestPki.ecKeyPair());
            StoreBatch batch = StoreBatch.builder().write(new StoreWrite.PutCredential(b, Optional.empty()))
                    .write(new StoreWrite.AddEntry(entry(b)))
                    .write(new StoreWrite.PutManagedUser(huge.key(), Optional.of(huge), Optional.empty())).audit(event("user.create")).build();
            S2mtlsException failure = assertThrows(S2mtlsException.class, () -> store.commit(batch));
            assertEquals(ErrorKind.BAD_INPUT, failure.kind());
            assertTrue(failure.getMessage().contains("1000000 bytes") && failure.getMessage().contains("nothing was written"),
                    failure.getMessage());
            assertArrayEquals(before.orElseThrow(), vault.rawKvTree("secret", "big").orElseThrow());
            assertEquals(0, vault.refusedAsTooLarge(), "refused by the store, not by Vault");
        }
    }

    @Test
    void aSoftDeletedOrDestroyedMarkerReadsEmptyAndTheNextWriteStartsANewGeneration() {
        try (CredentialStore store = open("vault:secret/deleted")) {
            issue(store, "a", TestPki.ecKeyPair());
            raw.send("DELETE", "secret/data/deleted", vault.rootToken(), null);
            assertTrue(store.index().inventory().isEmpty());
            assertTrue(store.credential("a").isEmpty());
            issue(store, "b", TestPki.ecKeyPair());
            assertEquals(List.of("b"), store.index().inventory().stream().map(InventoryEntry::name).toList());
            raw.send("POST", "secret/destroy/deleted", vault.rootToken(), "{\"versions\":[2]}");
            assertTrue(store.index().credentials().isEmpty());
            issue(store, "c", TestPki.ecKeyPair());
            assertEquals(3, raw.send("GET", "secret/metadata/deleted", vault.rootToken(), null).json().at("/data/current_version").asInt());
            // undeleting the first marker brings its store back
            raw.send("POST", "secret/undelete/deleted", vault.rootToken(), "{\"versions\":[1]}");
            raw.send("POST", "secret/data/deleted", vault.rootToken(), "{\"data\":" + raw.send("GET", "secret/data/deleted?version=1",
                    vault.rootToken(), null).json().at("/data/data") + ",\"options\":{\"cas\":3}}");
            assertEquals(Set.of("a"), store.index().credentials().keySet());
        }
    }

    @Test
    void aSecretThatIsNotAStoreIsRefusedAndLeftAlone() {
        raw.send("POST", "secret/data/other-app", vault.rootToken(), "{\"data\":{\"password\":\"hunter2\"}}");
        try (CredentialStore store = open("vault:secret/other-app")) {
            S2mtlsException failure = assertThrows(S2mtlsException.class, store::index);
            assertEquals(ErrorKind.BAD_INPUT, failure.kind());
            assertTrue(failure.getMessage().contains("not an s2mtls store"), failure.getMessage());
            assertThrows(S2mtlsException.class, () -> issue(store, "x", TestPki.ecKeyPair()));
        }
        assertEquals("hunter2", vault.kvData("secret", "other-app").orElseThrow().get("password").asText());
        assertEquals(List.of("other-app"), vault.kvKeys("secret", "other-app"));
    }

    @Test
    void aDamagedShardIsBadInputNamingTheSecret() {
        try (CredentialStore store = open("vault:secret/damaged")) {
            issue(store, "a", TestPki.ecKeyPair());
            String shard = new StoreSecrets(vault, "secret", "damaged").keys().stream().filter(k -> k.contains("/names/")).findFirst().orElseThrow();
            raw.send("POST", "secret/data/" + shard, vault.rootToken(), "{\"data\":{\"credentials\":[{\"credential\":{\"name\":\"a\"}}]}}");
            S2mtlsException failure = assertThrows(S2mtlsException.class, store::index);
            assertEquals(ErrorKind.BAD_INPUT, failure.kind());
            assertTrue(failure.getMessage().contains("secret/data/" + shard) && failure.getMessage().contains("damaged"), failure.getMessage());
        }
    }

    @Test
    void theNamespaceIsSentAsAHeader() {
        vault.createNamespace("team-a");
        vault.mount("team-a/secret", "kv-v2");
        try (CredentialStore store = open("vault:secret/s2mtls", context().withEnvironment("VAULT_NAMESPACE", "team-a"))) {
            issue(store, "a", TestPki.ecKeyPair());
        }
        assertTrue(vault.kvData("team-a/secret", "s2mtls").isPresent());
        assertTrue(vault.kvData("secret", "s2mtls").isEmpty());
        try (CredentialStore store = open("vault:secret/s2mtls", context().withOption("namespace", "team-a/"))) {
            assertEquals(1, store.index().inventory().size());
        }
    }

    @Test
    void badUrisAndOptionsAreBadInput() {
        for (String uri : List.of("vault:secret", "vault:secret/", "vault:/secret/x", "vault:secret/../x", "vault:secret//x")) {
            S2mtlsException failure = assertThrows(S2mtlsException.class, () -> open(uri, context()), uri);
            assertEquals(ErrorKind.BAD_INPUT, failure.kind());
        }
        S2mtlsException unknown = assertThrows(S2mtlsException.class,
                () -> open("vault:secret/x", context().withOption("token", "x")).index());
        assertEquals(ErrorKind.BAD_INPUT, unknown.kind());
        S2mtlsException plain = assertThrows(S2mtlsException.class,
                () -> open("vault:secret/x", context().withEnvironment("VAULT_ADDR", "http://vault.example.com:8200")).index());
        assertEquals(ErrorKind.BAD_INPUT, plain.kind());
        assertTrue(plain.getMessage().contains("plain http"), plain.getMessage());
        S2mtlsException noToken = assertThrows(S2mtlsException.class,
                () -> open("vault:secret/x", context().withoutEnvironment("VAULT_TOKEN")).index());
        assertEquals(ErrorKind.BAD_INPUT, noToken.kind());
        assertTrue(noToken.getMessage().contains("VAULT_TOKEN"));
    }

    @Test
    void optionsOverrideTheEnvironment() {
        try (VaultDouble other = VaultDouble.http()) {
            TestPluginContext context = TestPluginContext.of(Map.of("VAULT_ADDR", other.address(), "VAULT_TOKEN", vault.rootToken()))
                    .withOption("addr", vault.address());
            try (CredentialStore store = open("vault:secret/override", context)) {
                issue(store, "a", TestPki.ecKeyPair());
            }
            assertTrue(vault.kvData("secret", "override").isPresent());
            assertTrue(other.requests().isEmpty());
        }
    }

    private static KeyPair generate(String algorithm, int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        generator.initialize(bits);
        return generator.generateKeyPair();
    }
}
