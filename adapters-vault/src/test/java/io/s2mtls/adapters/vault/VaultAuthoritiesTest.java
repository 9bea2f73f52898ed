package io.s2mtls.adapters.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s2mtls.adapters.vault.testing.RawVault;
import io.s2mtls.adapters.vault.testing.StoreSecrets;
import io.s2mtls.adapters.vault.testing.TestPluginContext;
import io.s2mtls.adapters.vault.testing.VaultDouble;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.spi.StoreLocation;
import io.s2mtls.core.testing.TestPki;
import io.s2mtls.core.x509.CertificateTemplate;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.Pem;
import io.s2mtls.core.x509.SigningKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the Vault store keeps every CA of a rotation: all in the one CA secret, so that each phase change is one
 * check-and-set write; CA secrets written before rotation existed read as one CA.
 */
class VaultAuthoritiesTest {
    private final VaultDouble vault = VaultDouble.http();
    private final RawVault raw = new RawVault(vault.address());

    private final KeyPair rootKeys = TestPki.ecKeyPair();
    private final X509Certificate root = TestPki.selfSigned(rootKeys, "CN=Layout Root", true);
    private final KeyPair oldKeys = TestPki.ecKeyPair();
    private final X509Certificate old = TestPki.signed(oldKeys, "CN=Layout CA", rootKeys, "CN=Layout Root", true);
    private final KeyPair nextKeys = TestPki.ecKeyPair();
    private final X509Certificate next = TestPki.signed(nextKeys, "CN=Layout CA", rootKeys, "CN=Layout Root", true);

    @AfterEach
    void stop() {
        vault.close();
    }

    private CredentialStore open(String path) {
        return new VaultStoreProvider().open(StoreLocation.parse("vault:secret/" + path),
                TestPluginContext.of(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", vault.rootToken())));
    }

    private AuthoritySet withoutRotation() {
        return new AuthoritySet(CaMaterial.local(old, oldKeys.getPrivate()).withChain(List.of(root)), Optional.empty(),
                Optional.of(CaMaterial.local(root, rootKeys.getPrivate())), RotationPhase.NONE);
    }

    private AuthoritySet begun() {
        return new AuthoritySet(CaMaterial.local(old, oldKeys.getPrivate()).withChain(List.of(root)),
                Optional.of(CaMaterial.remote(next, "vault-transit:ca-2").withChain(List.of(root))),
                Optional.of(CaMaterial.local(root, rootKeys.getPrivate())), RotationPhase.BEGUN);
    }

    private AuthoritySet switched() {
        return new AuthoritySet(CaMaterial.remote(next, "vault-transit:ca-2").withChain(List.of(root)),
                Optional.of(CaMaterial.local(old, oldKeys.getPrivate()).withChain(List.of(root))), Optional.empty(), RotationPhase.SWITCHED);
    }

    private static StoreBatch set(AuthoritySet set, Optional<AuthoritySet> replacing) {
        return StoreBatch.of(new StoreWrite.SetAuthority(set, replacing.map(AuthoritySet::state)),
                VaultStoreBehaviourTest.event("ca.rotate"));
    }

    /** The KV writes ("POST secret/data/KEY") made by {@code action}, audit chunks left out. */
    private List<String> writesOf(Runnable action) {
        int before = vault.requests().size();
        action.run();
        List<String> requests = vault.requests();
        return requests.subList(before, requests.size()).stream()
                .filter(r -> r.startsWith("POST secret/data/") && !r.contains("/audit/")).toList();
    }

    private static Set<String> fields(JsonNode node) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    @Test
    void eachPhaseChangeIsOneWriteOfTheCaSecretThatHoldsEveryCa() {
        try (CredentialStore store = open("layout")) {
            store.commit(set(withoutRotation(), Optional.empty()));
            String generation = new StoreSecrets(vault, "secret", "layout").generation();
            String caWrite = "POST secret/data/layout/" + generation + "/ca";

            assertEquals(List.of(caWrite), writesOf(() -> store.commit(set(begun(), Optional.of(withoutRotation())))));
            JsonNode ca = new StoreSecrets(vault, "secret", "layout").ca().orElseThrow();
            assertEquals(Set.of("certificate", "privateKey", "chain", "phase", "other", "root"), fields(ca));
            assertEquals("begun", ca.get("phase").asText());
            assertEquals(Pem.certificate(old), ca.get("certificate").asText());
            assertEquals(Pem.certificate(next), ca.at("/other/certificate").asText());
            assertEquals("vault-transit:ca-2", ca.at("/other/keyReference").asText());
            assertFalse(ca.get("other").has("privateKey"), "a Transit key stays in Vault");
            assertEquals(List.of(Pem.certificate(root)), List.of(ca.at("/other/chain/0").asText()));
            assertEquals(Pem.certificate(root), ca.at("/root/certificate").asText());
            assertTrue(ca.at("/root/privateKey").asText().startsWith("-----BEGIN PRIVATE KEY-----\n"));

            assertEquals(List.of(caWrite), writesOf(() -> store.commit(set(switched(), Optional.of(begun())))));
            ca = new StoreSecrets(vault, "secret", "layout").ca().orElseThrow();
            assertEquals(Set.of("certificate", "keyReference", "chain", "phase", "other"), fields(ca));
            assertEquals("switched", ca.get("phase").asText());
            assertEquals(Pem.certificate(old), ca.at("/other/certificate").asText());

            AuthoritySet finished = AuthoritySet.single(switched().issuing());
            assertEquals(List.of(caWrite), writesOf(() -> store.commit(set(finished, Optional.of(switched())))));
            assertEquals(Set.of("certificate", "keyReference", "chain"), fields(new StoreSecrets(vault, "secret", "layout").ca().orElseThrow()),
                    "one CA again: the document earlier versions wrote and read");
        }
        try (CredentialStore reopened = open("layout")) {
            Authorities index = reopened.index().authorities().orElseThrow();
            assertEquals(RotationPhase.NONE, index.phase());
            assertArrayEquals(TestPki.der(next), TestPki.der(index.issuing().certificate()));
            assertEquals(List.of(next, root), index.trustBundle());
        }
    }

    @Test
    void twoBeginsRacingOnTheCaSecretLeaveOneRotationAndTheOtherConflicts() {
        KeyPair theirKeys = TestPki.ecKeyPair();
        X509Certificate theirs = TestPki.signed(theirKeys, "CN=Layout CA", rootKeys, "CN=Layout Root", true);
        AuthoritySet theirBegin = new AuthoritySet(withoutRotation().issuing(),
                Optional.of(CaMaterial.local(theirs, theirKeys.getPrivate()).withChain(List.of(root))), withoutRotation().root(), RotationPhase.BEGUN);
        try (CredentialStore store = open("race"); CredentialStore other = open("race")) {
            store.commit(set(withoutRotation(), Optional.empty()));
            // the other process begins between our check and our write of the CA secret
            ((VaultCredentialStore) store).afterChecks(() -> other.commit(set(theirBegin, Optional.of(withoutRotation()))));
            assertThrows(io.s2mtls.core.port.StoreConflictException.class, () -> store.commit(set(begun(), Optional.of(withoutRotation()))));
            ((VaultCredentialStore) store).afterChecks(() -> { });
            assertTrue(((VaultCredentialStore) store).conflicts() >= 1, "our check-and-set on the CA secret was refused");
            assertEquals(theirBegin.certificates(), store.index().authorities().orElseThrow());
            assertArrayEquals(TestPki.der(theirs), TestPki.der(store.authorities().orElseThrow().other().orElseThrow().certificate()));
            assertEquals(2, store.recentAudit(10).stream().filter(e -> e.action().equals("ca.rotate")).count(),
                    "the first set's event and theirs; none for the refused begin");
        }
    }

    @Test
    void aCaSecretWrittenBeforeRotationsExistedReadsAsOneCa() throws Exception {
        KeyPair keys = TestPki.ecKeyPair();
        X509Certificate cert = TestPki.selfSigned(keys, "CN=Earlier CA", true);
        try (CredentialStore store = open("earlier")) {
            store.commit(VaultStoreBehaviourTest.issueBatch(new io.s2mtls.core.pki.Credential("a",
                    TestPki.signed(TestPki.ecKeyPair(), "CN=a", keys, "CN=Earlier CA", false), Optional.empty())));
        }
        // exactly the document the store wrote before rotation existed
        String generation = new StoreSecrets(vault, "secret", "earlier").generation();
        ObjectNode document = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        document.putObject("data").put("certificate", Pem.certificate(cert)).put("privateKey", Pem.privateKey(keys.getPrivate()))
                .putArray("chain");
        document.putObject("options").put("cas", 0);
        assertEquals(200, raw.send("POST", "secret/data/earlier/" + generation + "/ca", vault.rootToken(), document.toString()).status());
        try (CredentialStore store = open("earlier")) {
            Authorities index = store.index().authorities().orElseThrow();
            assertEquals(Authorities.single(new io.s2mtls.core.pki.CaCertificates(cert, List.of(), Optional.empty())), index);
            AuthoritySet all = store.authorities().orElseThrow();
            assertEquals(RotationPhase.NONE, all.phase());
            assertTrue(all.other().isEmpty() && all.root().isEmpty());
            assertArrayEquals(keys.getPrivate().getEncoded(), all.issuing().privateKey().orElseThrow().getEncoded());
            assertArrayEquals(keys.getPrivate().getEncoded(), store.authority().orElseThrow().privateKey().orElseThrow().getEncoded());
            // and a rotation can begin on it
            KeyPair nextCaKeys = TestPki.ecKeyPair();
            AuthoritySet begun = new AuthoritySet(all.issuing(),
                    Optional.of(CaMaterial.local(TestPki.selfSigned(nextCaKeys, "CN=Earlier CA", true), nextCaKeys.getPrivate())),
                    Optional.empty(), RotationPhase.BEGUN);
            store.commit(set(begun, Optional.of(all)));
            assertEquals(begun.certificates(), store.index().authorities().orElseThrow());
        }
    }

    @Test
    void theSingleSecretFormatReadsAsOneCaAndARotationConvertsIt() {
        ObjectNode data = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        data.put("format", "s2mtls-store/1");
        data.putObject("ca").put("certificate", Pem.certificate(root)).put("private_key", Pem.privateKey(rootKeys.getPrivate()));
        ObjectNode body = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        body.set("data", data);
        raw.send("POST", "secret/data/single", vault.rootToken(), body.toString());
        try (CredentialStore store = open("single")) {
            AuthoritySet one = store.authorities().orElseThrow();
            assertEquals(AuthoritySet.single(CaMaterial.local(root, rootKeys.getPrivate())).certificates(), one.certificates());
            assertEquals(one.certificates(), store.index().authorities().orElseThrow());
            AuthoritySet begun = new AuthoritySet(one.issuing(), Optional.of(CaMaterial.remote(next, "vault-transit:next")),
                    Optional.empty(), RotationPhase.BEGUN);
            store.commit(set(begun, Optional.of(one)));
            assertEquals("s2mtls-store/2", vault.kvData("secret", "single").orElseThrow().get("format").asText());
            assertEquals(begun.certificates(), store.authorities().orElseThrow().certificates());
            assertEquals(Optional.of("vault-transit:next"), store.authorities().orElseThrow().other().orElseThrow().keyReference());
        }
    }

    @Test
    void aCaSecretWhoseRotationDoesNotHoldTogetherIsBadInputNamingIt() {
        try (CredentialStore store = open("broken")) {
            store.commit(set(begun(), Optional.empty()));
        }
        StoreSecrets secrets = new StoreSecrets(vault, "secret", "broken");
        String key = "broken/" + secrets.generation() + "/ca";
        ObjectNode good = (ObjectNode) secrets.ca().orElseThrow();
        List<ObjectNode> damaged = new ArrayList<>();
        damaged.add(good.deepCopy().put("phase", "halfway"));
        ObjectNode noOther = good.deepCopy();
        noOther.remove("other");
        damaged.add(noOther);
        ObjectNode phaseless = good.deepCopy();
        phaseless.remove("phase");
        damaged.add(phaseless);
        ObjectNode foreignRoot = good.deepCopy();
        ((ObjectNode) foreignRoot.get("root")).put("certificate", Pem.certificate(TestPki.selfSigned(TestPki.ecKeyPair(), "CN=Layout Root", true)));
        damaged.add(foreignRoot);
        ObjectNode keyless = good.deepCopy();
        ((ObjectNode) keyless.get("other")).remove("keyReference");
        damaged.add(keyless);
        for (ObjectNode document : damaged) {
            long version = raw.send("GET", "secret/data/" + key, vault.rootToken(), null).json().at("/data/metadata/version").asLong();
            ObjectNode body = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
            body.set("data", document);
            body.putObject("options").put("cas", version);
            assertEquals(200, raw.send("POST", "secret/data/" + key, vault.rootToken(), body.toString()).status());
            try (CredentialStore store = open("broken")) {
                S2mtlsException failure = assertThrows(S2mtlsException.class, () -> store.authorities(), document.toString());
                assertEquals(ErrorKind.BAD_INPUT, failure.kind());
                assertTrue(failure.getMessage().contains("secret/data/" + key) && failure.getMessage().contains("damaged"),
                        failure.getMessage());
                if (document != keyless) {
                    S2mtlsException index = assertThrows(S2mtlsException.class, store::index, document.toString());
                    assertEquals(ErrorKind.BAD_INPUT, index.kind());
                }
            }
        }
    }

    @Test
    void threeCasWithRsa4096KeysStayFarBelowVaultsEntryLimit() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(4096);
        KeyPair bigRootKeys = rsa.generateKeyPair();
        KeyPair bigOldKeys = rsa.generateKeyPair();
        KeyPair bigNextKeys = rsa.generateKeyPair();
        String longName = "/C=US/ST=Some State/L=Some City/O=" + "ExampleOrg".repeat(6) + "/OU=" + "Platform".repeat(8);
        X509Certificate bigRoot = ca(longName + "/CN=Root", bigRootKeys, null, bigRootKeys);
        X509Certificate bigOld = ca(longName + "/CN=Issuing CA", bigOldKeys, bigRoot, bigRootKeys);
        X509Certificate bigNext = ca(longName + "/CN=Issuing CA", bigNextKeys, bigRoot, bigRootKeys);
        AuthoritySet three = new AuthoritySet(CaMaterial.local(bigOld, bigOldKeys.getPrivate()).withChain(List.of(bigRoot)),
                Optional.of(CaMaterial.local(bigNext, bigNextKeys.getPrivate()).withChain(List.of(bigRoot))),
                Optional.of(CaMaterial.local(bigRoot, bigRootKeys.getPrivate())), RotationPhase.BEGUN);
        int size = Kv.size(StoreDocuments.tree(StoreDocuments.CaDocument.of(three)));
        assertTrue(size < 32 * 1024, "three RSA-4096 CAs take " + size + " bytes");
        try (CredentialStore store = open("big")) {
            store.commit(set(three, Optional.empty()));
            assertEquals(three.certificates(), store.index().authorities().orElseThrow());
        }
        assertTrue(vault.largestEntry() < 64 * 1024, "largest Vault entry " + vault.largestEntry());
        assertEquals(0, vault.refusedAsTooLarge());
    }

    private static X509Certificate ca(String subject, KeyPair keys, X509Certificate issuer, KeyPair issuerKeys) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        CertificateTemplate template = new CertificateTemplate(DistinguishedName.parse(subject), keys.getPublic(), CertificateProfile.CA,
                TestPki.randomSerial(), now.minus(1, ChronoUnit.HOURS), now.plus(3650, ChronoUnit.DAYS), List.of());
        SigningKey key = SigningKey.local(issuerKeys.getPrivate(), issuerKeys.getPublic());
        return issuer == null ? Certificates.selfSignedCa(template, key) : Certificates.issue(template, issuer, key);
    }
}
