package io.s2mtls.adapters.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.s2mtls.adapters.vault.testing.RawVault;
import io.s2mtls.adapters.vault.testing.TestPluginContext;
import io.s2mtls.adapters.vault.testing.VaultDouble;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreSnapshot;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the Vault store does beyond the shared contract: its KV layout, CAS, deleted versions, namespaces. */
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

    private StoreSnapshot issue(CredentialStore store, String name, KeyPair keys) {
        X509Certificate cert = TestPki.signed(keys, "CN=" + name, caKeys, "CN=Behaviour CA", false);
        InventoryEntry entry = new InventoryEntry(cert.getSerialNumber(), name, "CN = " + name, cert.getNotBefore().toInstant(),
                cert.getNotAfter().toInstant(), "ab".repeat(32), CertificateProfile.CLIENT, CertificateStatus.VALID, Instant.now());
        return store.update(current -> current.withIssued(Optional.of(new Credential(name, cert, Optional.of(keys.getPrivate()))), entry, false));
    }

    @Test
    void theStoreIsOneKvV2SecretWithPemInside() throws Exception {
        try (CredentialStore store = open("vault:secret/teams/prod", context())) {
            store.update(current -> current.withAuthority(CaMaterial.local(caCert, caKeys.getPrivate())));
            issue(store, "alice", TestPki.ecKeyPair());
            assertEquals("vault:secret/teams/prod", store.describe());
        }
        JsonNode data = raw.send("GET", "secret/data/teams/prod", vault.rootToken(), null).json().at("/data/data");
        assertEquals("s2mtls-store/1", data.get("format").asText());
        assertTrue(data.at("/ca/certificate").asText().startsWith("-----BEGIN CERTIFICATE-----\n"));
        assertTrue(data.at("/ca/private_key").asText().startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertTrue(data.at("/credentials/alice/private_key").asText().startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertEquals("alice", data.at("/inventory/0/name").asText());
        JsonNode metadata = raw.send("GET", "secret/metadata/teams/prod", vault.rootToken(), null).json().get("data");
        assertEquals(2, metadata.get("current_version").asInt(), "one version per change");
    }

    @Test
    void everyKeyTypeRoundTrips() throws Exception {
        List<KeyPair> pairs = List.of(generate("RSA", 2048), generate("EC", 384), KeyPairGenerator.getInstance("Ed25519").generateKeyPair(),
                TestPki.ecKeyPair());
        try (CredentialStore store = open("vault:secret/keys", context())) {
            for (int i = 0; i < pairs.size(); i++) {
                issue(store, "k" + i, pairs.get(i));
            }
        }
        try (CredentialStore store = open("vault:secret/keys", context())) {
            StoreSnapshot read = store.read();
            for (int i = 0; i < pairs.size(); i++) {
                assertArrayEquals(pairs.get(i).getPrivate().getEncoded(), read.credential("k" + i).orElseThrow().privateKey().orElseThrow().getEncoded());
                assertEquals(pairs.get(i).getPrivate().getAlgorithm(), read.credential("k" + i).orElseThrow().privateKey().orElseThrow().getAlgorithm());
            }
        }
    }

    @Test
    void writesUseCheckAndSetEvenWhenTheMountRequiresIt() {
        vault.configureKv("secret", 0, true);
        try (CredentialStore store = open("vault:secret/strict", context())) {
            issue(store, "a", TestPki.ecKeyPair());
            issue(store, "b", TestPki.ecKeyPair());
            assertEquals(2, store.read().inventory().size());
        }
        assertTrue(vault.requests().stream().noneMatch(r -> r.startsWith("POST secret/metadata")));
    }

    @Test
    void aConflictingWriterIsRetriedOnFreshContent() {
        try (CredentialStore store = open("vault:secret/race", context())) {
            issue(store, "first", TestPki.ecKeyPair());
            int[] calls = {0};
            StoreSnapshot result = store.update(current -> {
                if (calls[0]++ == 0) {
                    // another writer commits between our read and our write
                    raw.send("POST", "secret/data/race", vault.rootToken(), "{\"data\":" + vault.kvData("secret", "race").orElseThrow() + "}");
                }
                return current.withAuthority(CaMaterial.remote(caCert, "vault-transit:ca"));
            });
            assertEquals(2, calls[0], "re-applied once after the conflict");
            assertEquals(1, vault.casConflicts());
            assertEquals(1, ((VaultCredentialStore) store).conflicts());
            assertTrue(result.authority().isPresent());
            assertEquals(1, store.read().inventory().size());
        }
    }

    @Test
    void aSoftDeletedOrDestroyedLatestVersionReadsEmptyAndTheNextWriteStacksOnIt() {
        try (CredentialStore store = open("vault:secret/deleted", context())) {
            issue(store, "a", TestPki.ecKeyPair());
            raw.send("DELETE", "secret/data/deleted", vault.rootToken(), null);
            assertTrue(store.read().inventory().isEmpty());
            issue(store, "b", TestPki.ecKeyPair());
            assertEquals(List.of("b"), store.read().inventory().stream().map(InventoryEntry::name).toList());
            raw.send("POST", "secret/destroy/deleted", vault.rootToken(), "{\"versions\":[2]}");
            assertTrue(store.read().credentials().isEmpty());
            issue(store, "c", TestPki.ecKeyPair());
            assertEquals(3, raw.send("GET", "secret/metadata/deleted", vault.rootToken(), null).json().at("/data/current_version").asInt());
        }
    }

    @Test
    void aSecretThatIsNotAStoreIsRefusedAndLeftAlone() {
        raw.send("POST", "secret/data/other-app", vault.rootToken(), "{\"data\":{\"password\":\"hunter2\"}}");
        try (CredentialStore store = open("vault:secret/other-app", context())) {
            S2mtlsException failure = assertThrows(S2mtlsException.class, store::read);
            assertEquals(ErrorKind.BAD_INPUT, failure.kind());
            assertTrue(failure.getMessage().contains("not an s2mtls store"), failure.getMessage());
            assertThrows(S2mtlsException.class, () -> issue(store, "x", TestPki.ecKeyPair()));
        }
        assertEquals("hunter2", vault.kvData("secret", "other-app").orElseThrow().get("password").asText());
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
            assertEquals(1, store.read().inventory().size());
        }
    }

    @Test
    void badUrisAndOptionsAreBadInput() {
        for (String uri : List.of("vault:secret", "vault:secret/", "vault:/secret/x", "vault:secret/../x", "vault:secret//x")) {
            S2mtlsException failure = assertThrows(S2mtlsException.class, () -> open(uri, context()), uri);
            assertEquals(ErrorKind.BAD_INPUT, failure.kind());
        }
        S2mtlsException unknown = assertThrows(S2mtlsException.class,
                () -> open("vault:secret/x", context().withOption("token", "x")).read());
        assertEquals(ErrorKind.BAD_INPUT, unknown.kind());
        S2mtlsException plain = assertThrows(S2mtlsException.class,
                () -> open("vault:secret/x", context().withEnvironment("VAULT_ADDR", "http://vault.example.com:8200")).read());
        assertEquals(ErrorKind.BAD_INPUT, plain.kind());
        assertTrue(plain.getMessage().contains("plain http"), plain.getMessage());
        S2mtlsException noToken = assertThrows(S2mtlsException.class,
                () -> open("vault:secret/x", context().withoutEnvironment("VAULT_TOKEN")).read());
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
