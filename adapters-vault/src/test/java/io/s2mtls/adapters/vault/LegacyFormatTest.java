package io.s2mtls.adapters.vault;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s2mtls.adapters.vault.testing.RawVault;
import io.s2mtls.adapters.vault.testing.StoreSecrets;
import io.s2mtls.adapters.vault.testing.TestPluginContext;
import io.s2mtls.adapters.vault.testing.VaultDouble;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.spi.StoreLocation;
import io.s2mtls.core.testing.TestPki;
import io.s2mtls.core.x509.Pem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A store written in the single-secret format (s2mtls-store/1) is read as it is and converted on its first write. */
class LegacyFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final VaultDouble vault = VaultDouble.http();
    private final RawVault raw = new RawVault(vault.address());
    private final KeyPair caKeys = TestPki.ecKeyPair();
    private final X509Certificate caCert = TestPki.selfSigned(caKeys, "CN=Old CA", true);
    private final KeyPair aliceKeys = TestPki.ecKeyPair();
    private final X509Certificate alice = TestPki.signed(aliceKeys, "CN=alice", caKeys, "CN=Old CA", false);
    private final X509Certificate carolSigned = TestPki.signed(TestPki.ecKeyPair(), "CN=carol", caKeys, "CN=Old CA", false);

    @AfterEach
    void stop() {
        vault.close();
    }

    private CredentialStore open() {
        return new VaultStoreProvider().open(StoreLocation.parse("vault:secret/s2mtls/old"),
                TestPluginContext.of(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", vault.rootToken())));
    }

    /** The secret exactly as the single-secret store wrote it. */
    private ObjectNode oldDocument() {
        ObjectNode data = JSON.createObjectNode();
        data.put("format", "s2mtls-store/1");
        data.putObject("ca").put("certificate", Pem.certificate(caCert)).put("private_key", Pem.privateKey(caKeys.getPrivate()));
        data.putObject("credentials").putObject("alice").put("certificate", Pem.certificate(alice))
                .put("private_key", Pem.privateKey(aliceKeys.getPrivate()));
        ArrayNode inventory = data.putArray("inventory");
        for (X509Certificate cert : List.of(alice, carolSigned)) {
            String name = cert == alice ? "alice" : "carol";
            inventory.addObject().put("serial", cert.getSerialNumber().toString(16)).put("name", name).put("subject", "CN = " + name)
                    .put("not_before", cert.getNotBefore().toInstant().toString()).put("not_after", cert.getNotAfter().toInstant().toString())
                    .put("sha256", "ab".repeat(32)).put("profile", "CLIENT").put("status", cert == alice ? "VALID" : "REVOKED")
                    .put("recorded_at", "2026-11-2" + (cert == alice ? "7" : "8") + "T01:02:03Z");
        }
        data.putArray("audit")
                .add("{\"time\":\"2026-11-27T01:02:03Z\",\"actor\":\"ops\",\"action\":\"ca.create\",\"subject\":\"CN = Old CA\"}")
                .add("{\"time\":\"2026-11-27T01:02:04.5Z\",\"actor\":\"ops \\\"root\\\"\",\"action\":\"cert.issue\",\"serial\":\""
                        + alice.getSerialNumber().toString(16).toUpperCase() + "\",\"detail\":\"line\\nbreak\"}");
        data.putArray("managed_users").add("{\"name\":\"app_reader\",\"host\":\"%\",\"requirement\":\"SUBJECT\",\"subject\":\"/CN=alice\","
                + "\"grants\":[\"SELECT ON appdb.*\"],\"credential\":\"alice\",\"recordedAt\":\"2026-11-27T01:02:03Z\",\"policy\":\"p\"}");
        return data;
    }

    private void writeOldStore() {
        ObjectNode body = JSON.createObjectNode();
        body.set("data", oldDocument());
        assertEquals(200, raw.send("POST", "secret/data/s2mtls/old", vault.rootToken(), body.toString()).status());
    }

    private static final AuditEvent ISSUE = new AuditEvent(Instant.parse("2026-11-27T01:02:04.5Z"), "ops \"root\"", "cert.issue",
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("line\nbreak"));

    private void assertOldContent(CredentialStore store) throws Exception {
        StoreIndex index = store.index();
        assertEquals(caCert, index.requireAuthority().certificate());
        assertTrue(index.credentials().containsKey("alice"));
        assertEquals(List.of(alice.getSerialNumber(), carolSigned.getSerialNumber()), List.copyOf(index.entries().keySet()).subList(0, 2));
        assertEquals(CertificateStatus.REVOKED, index.entry(carolSigned.getSerialNumber()).orElseThrow().status());
        ManagedUser user = index.managedUsers().get("app_reader@%");
        assertEquals(Optional.of("alice"), user.credential());
        assertEquals(Optional.of("p"), user.policy());
        Credential read = store.credential("alice").orElseThrow();
        assertArrayEquals(alice.getEncoded(), read.certificate().getEncoded());
        assertArrayEquals(aliceKeys.getPrivate().getEncoded(), read.privateKey().orElseThrow().getEncoded());
        assertArrayEquals(caKeys.getPrivate().getEncoded(), store.authority().orElseThrow().privateKey().orElseThrow().getEncoded());
        List<AuditEvent> audit = store.recentAudit(100);
        assertEquals("ca.create", audit.get(0).action());
        assertEquals(Optional.of(alice.getSerialNumber().toString(16).toUpperCase()), audit.get(1).serial());
        assertEquals(ISSUE.detail(), audit.get(1).detail());
        assertEquals(ISSUE.actor(), audit.get(1).actor());
    }

    @Test
    void anOldStoreIsReadAsItIsWithoutWriting() throws Exception {
        writeOldStore();
        int writesBefore = writes();
        try (CredentialStore store = open()) {
            assertOldContent(store);
            assertEquals(2, store.recentAudit(100).size());
        }
        assertEquals(writesBefore, writes(), "reading converts nothing");
        assertEquals(List.of("s2mtls/old"), vault.kvKeys("secret", "s2mtls/old"));
    }

    @Test
    void theFirstWriteConvertsItAndKeepsEverything() throws Exception {
        writeOldStore();
        Credential bob = new Credential("bob", TestPki.signed(TestPki.ecKeyPair(), "CN=bob", caKeys, "CN=Old CA", false),
                Optional.of(TestPki.ecKeyPair().getPrivate()));
        try (CredentialStore store = open()) {
            store.commit(VaultStoreBehaviourTest.issueBatch(bob));
        }
        StoreSecrets secrets = new StoreSecrets(vault, "secret", "s2mtls/old");
        assertEquals("s2mtls-store/2", secrets.marker().get("format").asText());
        assertEquals(Set.of("alice", "bob"), secrets.credentialNames());
        assertTrue(secrets.credential("alice").orElseThrow().get("privateKey").asText().contains("PRIVATE KEY"));
        try (CredentialStore store = open()) {
            assertOldContent(store);
            StoreIndex index = store.index();
            List<BigInteger> order = List.copyOf(index.entries().keySet());
            assertEquals(List.of(alice.getSerialNumber(), carolSigned.getSerialNumber(), bob.certificate().getSerialNumber()), order,
                    "old entries first, in their order, then the new one");
            assertEquals(bob.certificate(), store.credential("bob").orElseThrow().certificate());
            assertEquals(List.of("ca.create", "cert.issue", "cert.issue"), store.recentAudit(100).stream().map(AuditEvent::action).toList());
            InventoryEntry aliceEntry = index.currentEntry("alice").orElseThrow();
            assertEquals("alice", aliceEntry.name());
        }
        // the old document stays in the marker's version history
        assertEquals("s2mtls-store/1", raw.send("GET", "secret/data/s2mtls/old?version=1", vault.rootToken(), null)
                .json().at("/data/data/format").asText());
        assertEquals(2, raw.send("GET", "secret/metadata/s2mtls/old", vault.rootToken(), null).json().at("/data/current_version").asInt());
    }

    @Test
    void anOldStoreChangedWhileItIsConvertedIsConvertedAgainFromTheNewContent() throws Exception {
        writeOldStore();
        // an old s2mtls writes the single secret while this one converts it: the marker's check-and-set fails
        try (CredentialStore store = open(); CredentialStore racing = open()) {
            int[] changes = {0};
            ((VaultCredentialStore) store).afterConversionWrites(() -> {
                if (changes[0]++ == 0) {
                    ObjectNode changed = oldDocument();
                    ((ArrayNode) changed.get("audit")).add("{\"time\":\"2026-11-29T00:00:00Z\",\"actor\":\"old\",\"action\":\"old.write\"}");
                    ObjectNode body = JSON.createObjectNode();
                    body.set("data", changed);
                    body.putObject("options").put("cas", 1);
                    assertEquals(200, raw.send("POST", "secret/data/s2mtls/old", vault.rootToken(), body.toString()).status());
                }
            });
            store.appendAudit(List.of(VaultStoreBehaviourTest.event("new.write")));
            assertEquals(2, changes[0], "converted twice");
            assertEquals(List.of("ca.create", "cert.issue", "old.write", "new.write"),
                    racing.recentAudit(100).stream().map(AuditEvent::action).toList());
        }
        assertEquals(3, raw.send("GET", "secret/metadata/s2mtls/old", vault.rootToken(), null).json().at("/data/current_version").asInt());
    }

    private int writes() {
        return (int) vault.requests().stream().filter(r -> r.startsWith("POST")).count();
    }
}
