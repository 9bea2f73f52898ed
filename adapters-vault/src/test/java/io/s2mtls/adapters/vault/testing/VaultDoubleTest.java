package io.s2mtls.adapters.vault.testing;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The double answers the request/response pairs of vault-api.md exactly: status codes and JSON shapes. */
class VaultDoubleTest {
    private static final String RFC3339_NANOS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z";
    private static final List<String> ENVELOPE = List.of("request_id", "lease_id", "renewable", "lease_duration", "data",
            "wrap_info", "warnings", "auth");

    private final VaultDouble vault = VaultDouble.http();
    private final RawVault raw = new RawVault(vault.address());
    private final String root = vault.rootToken();

    @AfterEach
    void stop() {
        vault.close();
    }

    private RawVault.Reply send(String method, String path, String body) {
        return raw.send(method, path, root, body);
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static void assertEnvelope(RawVault.Reply reply) {
        assertEquals(ENVELOPE, fields(reply.json()), reply.text());
        assertTrue(reply.json().get("request_id").asText().matches("[0-9a-f-]{36}"));
        assertEquals("", reply.json().get("lease_id").asText());
        assertFalse(reply.json().get("renewable").asBoolean());
        assertEquals(0, reply.json().get("lease_duration").asInt());
        assertTrue(reply.json().get("wrap_info").isNull());
    }

    private static void assertErrors(RawVault.Reply reply, int status, String... messages) {
        assertEquals(status, reply.status(), reply.text());
        assertEquals(List.of("errors"), fields(reply.json()), reply.text());
        List<String> actual = new ArrayList<>();
        reply.json().get("errors").forEach(e -> actual.add(e.asText()));
        assertEquals(List.of(messages), actual);
    }

    @Test
    void anEntryOverOneMebibyteIsRefusedAsIntegratedStorageRefusesIt() {
        String fits = "x".repeat(VaultDouble.DEFAULT_MAX_ENTRY_BYTES - "{\"k\":\"\"}".length());
        assertEquals(200, send("POST", "secret/data/big", "{\"data\":{\"k\":\"" + fits + "\"}}").status());
        assertEquals(VaultDouble.DEFAULT_MAX_ENTRY_BYTES, vault.largestEntry());
        RawVault.Reply refused = send("POST", "secret/data/big", "{\"data\":{\"k\":\"" + fits + "y\"},\"options\":{\"cas\":1}}");
        assertEquals(500, refused.status(), refused.text());
        assertEquals(List.of("errors"), fields(refused.json()));
        String message = refused.json().get("errors").get(0).asText();
        assertTrue(message.matches("(?s)1 error occurred:\n\t\\* put failed due to value being too large, max value size for key logical/"
                + "[0-9a-f-]{36}/versions/big is 1048576, got 1048577\n\n"), message);
        assertEquals(1, vault.refusedAsTooLarge());
        // nothing was stored: the key is still at version 1 and a check-and-set on 1 still succeeds
        assertEquals(1, send("GET", "secret/metadata/big", null).json().at("/data/current_version").asInt());
        assertEquals(2, send("POST", "secret/data/big", "{\"data\":{\"k\":\"small\"},\"options\":{\"cas\":1}}")
                .json().at("/data/version").asInt());
        vault.maxEntrySize(100);
        assertEquals(500, send("POST", "secret/data/other", "{\"data\":{\"k\":\"" + "z".repeat(100) + "\"}}").status());
        assertTrue(vault.kvData("secret", "other").isEmpty());
    }

    @Test
    void writeAnswersWithTheVersionMetadata() {
        RawVault.Reply reply = send("POST", "secret/data/app", "{\"data\":{\"k\":\"v\"}}");
        assertEquals(200, reply.status());
        assertEnvelope(reply);
        JsonNode data = reply.json().get("data");
        assertEquals(List.of("created_time", "custom_metadata", "deletion_time", "destroyed", "version"), fields(data).stream().sorted().toList());
        assertEquals(1, data.get("version").asInt());
        assertTrue(data.get("created_time").asText().matches(RFC3339_NANOS), data.toString());
        assertEquals("", data.get("deletion_time").asText());
        assertFalse(data.get("destroyed").asBoolean());
        assertTrue(data.get("custom_metadata").isNull());
        assertTrue(reply.json().get("auth").isNull());
        assertTrue(reply.json().get("warnings").isNull());
    }

    @Test
    void readAnswersWithDataAndMetadata() {
        send("POST", "secret/data/app", "{\"data\":{\"k\":\"v1\"}}");
        send("PUT", "secret/data/app", "{\"data\":{\"k\":\"v2\"}}");
        RawVault.Reply latest = send("GET", "secret/data/app", null);
        assertEquals(200, latest.status());
        assertEnvelope(latest);
        assertEquals(List.of("data", "metadata"), fields(latest.json().get("data")));
        assertEquals("v2", latest.json().at("/data/data/k").asText());
        JsonNode metadata = latest.json().at("/data/metadata");
        assertEquals(List.of("created_time", "custom_metadata", "deletion_time", "destroyed", "version"), fields(metadata).stream().sorted().toList());
        assertEquals(2, metadata.get("version").asInt());
        RawVault.Reply first = send("GET", "secret/data/app?version=1", null);
        assertEquals("v1", first.json().at("/data/data/k").asText());
        assertErrors(send("GET", "secret/data/app?version=7", null), 404);
        assertErrors(send("GET", "secret/data/nothing", null), 404);
    }

    @Test
    void checkAndSetCreatesOnlyOnceAndCountsConflicts() {
        assertEquals(200, send("POST", "secret/data/c", "{\"data\":{\"n\":1},\"options\":{\"cas\":0}}").status());
        assertErrors(send("POST", "secret/data/c", "{\"data\":{\"n\":2},\"options\":{\"cas\":0}}"), 400,
                "check-and-set parameter did not match the current version");
        assertEquals(1, vault.casConflicts());
        RawVault.Reply second = send("POST", "secret/data/c", "{\"data\":{\"n\":2},\"options\":{\"cas\":1}}");
        assertEquals(2, second.json().at("/data/version").asInt());
        assertErrors(send("POST", "secret/data/c", "{\"data\":{\"n\":3},\"options\":{\"cas\":1}}"), 400,
                "check-and-set parameter did not match the current version");
        assertEquals(2, vault.casConflicts());
    }

    @Test
    void anInterleavedWriteLandsBetweenAnotherClientsReadAndItsAnswer() throws Exception {
        assertEquals(200, send("POST", "secret/data/race", "{\"data\":{\"n\":1},\"options\":{\"cas\":0}}").status());
        vault.interleaveWrites(path -> path.equals("secret/data/race"), 1, Duration.ofSeconds(30));
        java.util.concurrent.CompletableFuture<RawVault.Reply> first = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> send("POST", "secret/data/race", "{\"data\":{\"n\":2},\"options\":{\"cas\":1}}"));
        while (!vault.holdingWrite()) {
            Thread.sleep(5);
        }
        Thread.sleep(100);
        assertFalse(first.isDone(), "the write is held until another client reads the key");
        RawVault.Reply read = send("GET", "secret/data/race", null);
        assertEquals(1, read.json().at("/data/metadata/version").asInt(), "the reader took the value before the write landed");
        assertEquals(2, first.get().json().at("/data/version").asInt());
        assertErrors(send("POST", "secret/data/race", "{\"data\":{\"n\":3},\"options\":{\"cas\":1}}"), 400,
                "check-and-set parameter did not match the current version");
        assertEquals(1, vault.casConflicts());
        assertEquals(1, vault.interleaved());
        // the gate was for one write: the next lands at once
        assertEquals(3, send("POST", "secret/data/race", "{\"data\":{\"n\":3},\"options\":{\"cas\":2}}").json().at("/data/version").asInt());
    }

    @Test
    void anInterleavedWriteNobodyReadsLandsAfterThePatience() {
        vault.interleaveWrites(path -> path.startsWith("secret/data/alone"), 1, Duration.ofMillis(200));
        long start = System.nanoTime();
        assertEquals(200, send("POST", "secret/data/alone", "{\"data\":{\"n\":1}}").status());
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(200).toNanos());
        assertEquals(0, vault.interleaved());
        assertEquals(1, send("GET", "secret/data/alone", null).json().at("/data/metadata/version").asInt());
    }

    @Test
    void casRequiredOnTheKeyOrTheMountRefusesPlainWrites() {
        assertEquals(204, send("POST", "secret/metadata/strict", "{\"cas_required\":true}").status());
        assertErrors(send("POST", "secret/data/strict", "{\"data\":{\"a\":1}}"), 400, "check-and-set parameter required for this call");
        assertEquals(200, send("POST", "secret/data/strict", "{\"data\":{\"a\":1},\"options\":{\"cas\":0}}").status());
        assertEquals(200, send("POST", "secret/data/loose", "{\"data\":{\"a\":1}}").status());
        assertEquals(204, send("POST", "secret/config", "{\"cas_required\":true}").status());
        assertErrors(send("POST", "secret/data/loose", "{\"data\":{\"a\":2}}"), 400, "check-and-set parameter required for this call");
    }

    @Test
    void missingDataIsRefused() {
        assertErrors(send("POST", "secret/data/x", "{\"options\":{\"cas\":0}}"), 400, "no data provided");
    }

    @Test
    void softDeletedAndDestroyedVersionsAnswer404WithABody() {
        send("POST", "secret/data/d", "{\"data\":{\"k\":\"v1\"}}");
        send("POST", "secret/data/d", "{\"data\":{\"k\":\"v2\"}}");
        RawVault.Reply deleted = send("DELETE", "secret/data/d", null);
        assertEquals(204, deleted.status());
        assertEquals("", deleted.text());
        RawVault.Reply read = send("GET", "secret/data/d", null);
        assertEquals(404, read.status());
        assertEnvelope(read);
        assertFalse(read.json().has("errors"));
        assertTrue(read.json().at("/data/data").isNull());
        assertTrue(read.json().at("/data/metadata/deletion_time").asText().matches(RFC3339_NANOS));
        assertFalse(read.json().at("/data/metadata/destroyed").asBoolean());
        assertEquals(2, read.json().at("/data/metadata/version").asInt());
        // a soft-deleted key keeps its version number for check-and-set
        assertErrors(send("POST", "secret/data/d", "{\"data\":{\"k\":\"v3\"},\"options\":{\"cas\":0}}"), 400,
                "check-and-set parameter did not match the current version");
        assertEquals(204, send("POST", "secret/undelete/d", "{\"versions\":[2]}").status());
        assertEquals("v2", send("GET", "secret/data/d", null).json().at("/data/data/k").asText());
        assertEquals(204, send("PUT", "secret/destroy/d", "{\"versions\":[2]}").status());
        RawVault.Reply destroyed = send("GET", "secret/data/d", null);
        assertEquals(404, destroyed.status());
        assertTrue(destroyed.json().at("/data/metadata/destroyed").asBoolean());
        assertTrue(destroyed.json().at("/data/data").isNull());
        assertEquals(204, send("POST", "secret/delete/d", "{\"versions\":[1]}").status());
        assertEquals(404, send("GET", "secret/data/d?version=1", null).status());
        assertEquals(204, send("POST", "secret/undelete/d", "{\"versions\":[1,2]}").status());
        assertEquals("v1", send("GET", "secret/data/d?version=1", null).json().at("/data/data/k").asText());
        assertEquals(404, send("GET", "secret/data/d?version=2", null).status(), "destroyed stays destroyed");
        assertEquals(200, send("POST", "secret/data/d", "{\"data\":{\"k\":\"v3\"},\"options\":{\"cas\":2}}").status());
    }

    @Test
    void metadataReadWriteAndDelete() {
        send("POST", "secret/data/m", "{\"data\":{\"k\":\"v\"}}");
        assertEquals(204, send("POST", "secret/metadata/m", "{\"max_versions\":5,\"custom_metadata\":{\"owner\":\"s2mtls\"}}").status());
        RawVault.Reply reply = send("GET", "secret/metadata/m", null);
        assertEquals(200, reply.status());
        assertEnvelope(reply);
        JsonNode data = reply.json().get("data");
        assertEquals(List.of("cas_required", "created_time", "current_version", "custom_metadata", "delete_version_after",
                "max_versions", "oldest_version", "updated_time", "versions"), fields(data).stream().sorted().toList());
        assertEquals(1, data.get("current_version").asInt());
        assertEquals(5, data.get("max_versions").asInt());
        assertEquals("0s", data.get("delete_version_after").asText());
        assertEquals("s2mtls", data.at("/custom_metadata/owner").asText());
        assertEquals(List.of("created_time", "deletion_time", "destroyed"), fields(data.at("/versions/1")));
        assertEquals(204, send("DELETE", "secret/metadata/m", null).status());
        assertErrors(send("GET", "secret/metadata/m", null), 404);
        assertErrors(send("GET", "secret/data/m", null), 404);
    }

    @Test
    void tenVersionsAreKeptByDefault() {
        for (int i = 1; i <= 12; i++) {
            send("POST", "secret/data/many", "{\"data\":{\"i\":" + i + "}}");
        }
        JsonNode metadata = send("GET", "secret/metadata/many", null).json().get("data");
        assertEquals(12, metadata.get("current_version").asInt());
        assertEquals(3, metadata.get("oldest_version").asInt());
        assertEquals(10, metadata.get("versions").size());
        assertErrors(send("GET", "secret/data/many?version=2", null), 404);
        assertEquals(3, send("GET", "secret/data/many?version=3", null).json().at("/data/data/i").asInt());
    }

    @Test
    void listShowsKeysAndFolders() {
        send("POST", "secret/data/dir/a", "{\"data\":{\"k\":1}}");
        send("POST", "secret/data/dir/sub/b", "{\"data\":{\"k\":1}}");
        RawVault.Reply listed = send("LIST", "secret/metadata/dir/", null);
        assertEquals(200, listed.status());
        assertEnvelope(listed);
        assertEquals("{\"keys\":[\"a\",\"sub/\"]}", listed.json().get("data").toString());
        assertEquals(listed.json().get("data"), send("GET", "secret/metadata/dir?list=true", null).json().get("data"));
        assertErrors(send("LIST", "secret/metadata/empty/", null), 404);
    }

    @Test
    void aPathWithoutDataOnAVersionedMountIsA404WithAWarning() {
        RawVault.Reply reply = send("GET", "secret/app", null);
        assertEquals(404, reply.status());
        assertEnvelope(reply);
        assertFalse(reply.json().has("errors"));
        assertEquals(List.of(VaultDouble.INVALID_V2_PATH), List.of(reply.json().at("/warnings/0").asText()));
    }

    @Test
    void kvVersionOneIsFlat() {
        vault.mount("kv", "kv-v1");
        RawVault.Reply written = send("POST", "kv/app", "{\"k\":\"v\"}");
        assertEquals(204, written.status());
        RawVault.Reply read = send("GET", "kv/app", null);
        assertEquals("{\"k\":\"v\"}", read.json().get("data").toString());
        assertEquals(204, send("DELETE", "kv/app", null).status());
        assertErrors(send("GET", "kv/app", null), 404);
    }

    @Test
    void tokensAreCheckedWithVaultsExactBodies() {
        assertErrors(raw.send("GET", "secret/data/x", "hvs.not-a-token", null), 403,
                "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n");
        assertErrors(raw.send("GET", "secret/data/x", null, null), 403,
                "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n");
        vault.policy("app", "secret/data/app/");
        String limited = vault.createToken(List.of("app"), Duration.ofHours(1), true);
        assertErrors(raw.send("GET", "secret/data/other", limited, null), 403, "1 error occurred:\n\t* permission denied\n\n");
        assertErrors(raw.send("GET", "secret/data/app/x", limited, null), 404);
        // Authorization: Bearer works, and X-Vault-Token wins over it
        assertErrors(raw.request("GET", "secret/data/other", null, Map.of("Authorization", "Bearer " + root)), 404);
        assertErrors(raw.request("GET", "secret/data/other", null, Map.of("Authorization", "Bearer " + root, "X-Vault-Token", "bad")), 403,
                "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n");
        // expiry
        String shortLived = vault.createToken(List.of("app"), Duration.ofSeconds(30), false);
        vault.advanceClock(Duration.ofSeconds(31));
        assertErrors(raw.send("GET", "secret/data/app/x", shortLived, null), 403,
                "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n");
    }

    @Test
    void lookupSelfAndRenewSelf() {
        String token = vault.createToken(List.of("app"), Duration.ofSeconds(60), true);
        RawVault.Reply lookup = raw.send("GET", "auth/token/lookup-self", token, null);
        assertEquals(200, lookup.status());
        assertEnvelope(lookup);
        JsonNode data = lookup.json().get("data");
        for (String field : List.of("id", "policies", "ttl", "renewable", "expire_time")) {
            assertTrue(data.has(field), field);
        }
        assertEquals(token, data.get("id").asText());
        assertEquals("[\"default\",\"app\"]", data.get("policies").toString());
        assertTrue(data.get("ttl").asInt() <= 60 && data.get("ttl").asInt() > 50);
        assertTrue(data.get("expire_time").asText().matches(RFC3339_NANOS));
        RawVault.Reply renewed = raw.send("POST", "auth/token/renew-self", token, "{\"increment\":\"1h\"}");
        assertEquals(200, renewed.status());
        assertEquals(3600, renewed.json().at("/auth/lease_duration").asInt());
        assertEquals(token, renewed.json().at("/auth/client_token").asText());
        assertTrue(renewed.json().get("data").isNull());
        assertTrue(raw.send("GET", "auth/token/lookup-self", token, null).json().at("/data/ttl").asInt() > 3500);
        assertEquals(200, raw.send("POST", "auth/token/renew-self", token, "{\"increment\":7200}").status());
        String fixed = vault.createToken(List.of("app"), Duration.ofSeconds(60), false);
        assertErrors(raw.send("POST", "auth/token/renew-self", fixed, "{\"increment\":\"1h\"}"), 400, "lease is not renewable");
        assertEquals(2, vault.renewals());
        RawVault.Reply rootLookup = raw.send("GET", "auth/token/lookup-self", root, null);
        assertEquals(0, rootLookup.json().at("/data/ttl").asInt());
        assertTrue(rootLookup.json().at("/data/expire_time").isNull());
    }

    @Test
    void appRoleLogin() {
        vault.appRole("s2mtls", "role-1", "secret-1", List.of("app"), Duration.ofMinutes(20));
        RawVault.Reply login = raw.send("POST", "auth/approle/login", null, "{\"role_id\":\"role-1\",\"secret_id\":\"secret-1\"}");
        assertEquals(200, login.status());
        assertEnvelope(login);
        assertTrue(login.json().get("data").isNull());
        JsonNode auth = login.json().get("auth");
        for (String field : List.of("client_token", "accessor", "policies", "token_policies", "metadata", "lease_duration", "renewable", "token_type")) {
            assertTrue(auth.has(field), field);
        }
        assertEquals("s2mtls", auth.at("/metadata/role_name").asText());
        assertEquals(1200, auth.get("lease_duration").asInt());
        assertTrue(auth.get("renewable").asBoolean());
        assertEquals("service", auth.get("token_type").asText());
        assertEquals(200, raw.send("GET", "auth/token/lookup-self", auth.get("client_token").asText(), null).status());
        assertErrors(raw.send("POST", "auth/approle/login", null, "{\"secret_id\":\"secret-1\"}"), 400, "missing role_id");
        assertErrors(raw.send("POST", "auth/approle/login", null, "{\"role_id\":\"role-1\"}"), 400, "missing secret_id");
        assertErrors(raw.send("POST", "auth/approle/login", null, "{\"role_id\":\"role-1\",\"secret_id\":\"nope\"}"), 400,
                "invalid role or secret ID");
    }

    @Test
    void namespacesPrefixThePath() {
        vault.createNamespace("ns1");
        vault.mount("ns1/secret", "kv-v2");
        RawVault.Reply written = raw.request("POST", "secret/data/app", "{\"data\":{\"where\":\"ns1\"}}",
                Map.of("X-Vault-Token", root, "X-Vault-Namespace", "ns1/"));
        assertEquals(200, written.status());
        assertErrors(send("GET", "secret/data/app", null), 404);
        assertEquals("ns1", send("GET", "ns1/secret/data/app", null).json().at("/data/data/where").asText());
        assertEquals("ns1", raw.request("GET", "secret/data/app", null, Map.of("X-Vault-Token", root, "X-Vault-Namespace", "ns1"))
                .json().at("/data/data/where").asText());
        assertEquals(404, raw.request("GET", "secret/data/app", null, Map.of("X-Vault-Token", root, "X-Vault-Namespace", "ns2/")).status());
    }

    @Test
    void sealedAnswers503() {
        vault.seal(true);
        assertErrors(send("GET", "secret/data/x", null), 503, "Vault is sealed");
        assertErrors(raw.send("POST", "auth/approle/login", null, "{}"), 503, "Vault is sealed");
        vault.seal(false);
        assertErrors(send("GET", "secret/data/x", null), 404);
    }

    @Test
    void unknownMountsHaveNoHandler() {
        assertErrors(send("GET", "nosuch/data/x", null), 404, "no handler for route \"nosuch/data/x\". route entry not found.");
    }

    @Test
    void transitKeysAndSignaturesUseRealKeys() throws Exception {
        assertEquals(204, send("POST", "transit/keys/rsa", "{\"type\":\"rsa-2048\"}").status());
        assertEquals(204, send("POST", "transit/keys/p256", "{\"type\":\"ecdsa-p256\"}").status());
        assertEquals(204, send("POST", "transit/keys/ed", "{\"type\":\"ed25519\"}").status());
        assertEquals(204, send("POST", "transit/keys/aes", "{}").status());
        byte[] input = "to be signed".getBytes();
        String inputJson = "\"input\":\"" + Base64.getEncoder().encodeToString(input) + "\"";

        RawVault.Reply rsaKey = send("GET", "transit/keys/rsa", null);
        assertEquals(200, rsaKey.status());
        assertEnvelope(rsaKey);
        assertEquals("rsa-2048", rsaKey.json().at("/data/type").asText());
        assertEquals(1, rsaKey.json().at("/data/latest_version").asInt());
        assertTrue(rsaKey.json().at("/data/supports_signing").asBoolean());
        PublicKey rsa = pemKey("RSA", rsaKey.json().at("/data/keys/1/public_key").asText());

        RawVault.Reply pkcs1 = send("POST", "transit/sign/rsa", "{" + inputJson + ",\"hash_algorithm\":\"sha2-256\",\"signature_algorithm\":\"pkcs1v15\"}");
        assertEquals(200, pkcs1.status());
        assertEquals(List.of("key_version", "signature"), fields(pkcs1.json().get("data")));
        assertTrue(verify("SHA256withRSA", rsa, input, signature(pkcs1)));
        RawVault.Reply pss = send("POST", "transit/sign/rsa/sha2-384", "{" + inputJson + "}");
        Signature pssVerifier = Signature.getInstance("RSASSA-PSS");
        pssVerifier.setParameter(VaultDouble.pssParameters("SHA384", (RSAPublicKey) rsa));
        pssVerifier.initVerify(rsa);
        pssVerifier.update(input);
        assertTrue(pssVerifier.verify(signature(pss)), "RSA defaults to PSS");
        assertFalse(verify("SHA384withRSA", rsa, input, signature(pss)));

        PublicKey p256 = pemKey("EC", send("GET", "transit/keys/p256", null).json().at("/data/keys/1/public_key").asText());
        RawVault.Reply ecdsa = send("POST", "transit/sign/p256", "{" + inputJson + ",\"hash_algorithm\":\"sha2-256\",\"marshaling_algorithm\":\"asn1\"}");
        assertEquals(0x30, signature(ecdsa)[0] & 0xff, "asn1 is a DER SEQUENCE");
        assertTrue(verify("SHA256withECDSA", p256, input, signature(ecdsa)));
        RawVault.Reply jws = send("POST", "transit/sign/p256", "{" + inputJson + ",\"marshaling_algorithm\":\"jws\"}");
        assertEquals(64, signature(jws).length);
        assertTrue(verify("SHA256withECDSAinP1363Format", p256, input, signature(jws)));

        String edText = send("GET", "transit/keys/ed", null).json().at("/data/keys/1/public_key").asText();
        byte[] edRaw = Base64.getDecoder().decode(edText);
        assertEquals(32, edRaw.length, "Ed25519 public keys are raw base64");
        PublicKey ed = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
                HexFormat.of().parseHex("302a300506032b6570032100" + HexFormat.of().formatHex(edRaw))));
        assertTrue(verify("Ed25519", ed, input, signature(send("POST", "transit/sign/ed", "{" + inputJson + "}"))));

        assertErrors(send("POST", "transit/sign/none", "{" + inputJson + "}"), 400, "signing key not found");
        assertErrors(send("POST", "transit/sign/aes", "{" + inputJson + "}"), 400, "key type aes256-gcm96 does not support signing");
        assertErrors(send("GET", "transit/keys/none", null), 404);
        assertEquals(204, send("POST", "transit/keys/rsa/rotate", null).status());
        RawVault.Reply v2 = send("POST", "transit/sign/rsa", "{" + inputJson + ",\"signature_algorithm\":\"pkcs1v15\"}");
        assertTrue(v2.json().at("/data/signature").asText().startsWith("vault:v2:"));
        RawVault.Reply pinned = send("POST", "transit/sign/rsa", "{" + inputJson + ",\"signature_algorithm\":\"pkcs1v15\",\"key_version\":1}");
        assertTrue(verify("SHA256withRSA", rsa, input, signature(pinned)));
    }

    @Test
    void servesTls() throws Exception {
        TestTls tls = TestTls.create("Double CA");
        try (VaultDouble secure = VaultDouble.https(tls)) {
            assertTrue(secure.address().startsWith("https://127.0.0.1:"));
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", tls.caCertificate());
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            RawVault.Reply reply = new RawVault(secure.address(), context).send("GET", "auth/token/lookup-self", secure.rootToken(), null);
            assertEquals(200, reply.status());
        }
    }

    private static byte[] signature(RawVault.Reply reply) {
        String text = reply.json().at("/data/signature").asText();
        assertTrue(text.matches("vault:v\\d+:.+"), reply.text());
        return Base64.getDecoder().decode(text.substring(text.indexOf(':', 6) + 1));
    }

    private static PublicKey pemKey(String algorithm, String pem) throws Exception {
        String base64 = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static boolean verify(String algorithm, PublicKey key, byte[] data, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(key);
        verifier.update(data);
        return verifier.verify(signature);
    }
}
