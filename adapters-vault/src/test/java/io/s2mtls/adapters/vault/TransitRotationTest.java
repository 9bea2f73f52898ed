package io.s2mtls.adapters.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.s2mtls.adapters.vault.testing.RawVault;
import io.s2mtls.adapters.vault.testing.StoreSecrets;
import io.s2mtls.adapters.vault.testing.TestPluginContext;
import io.s2mtls.adapters.vault.testing.VaultDouble;
import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.RemoteSigner;
import io.s2mtls.core.spi.StoreLocation;
import io.s2mtls.core.testing.ExternalTool;
import io.s2mtls.core.usecase.AuthorityUseCase;
import io.s2mtls.core.usecase.IssueCommand;
import io.s2mtls.core.usecase.IssuedCertificate;
import io.s2mtls.core.usecase.RotationStatus;
import io.s2mtls.core.usecase.RotationUseCase;
import io.s2mtls.core.x509.Pem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A whole CA rotation through the core use cases with both CA keys in Vault Transit (the double) and the store in
 * KV v2: every step's certificates are checked with the real openssl against the bundle the servers are told to
 * trust ({@link Authorities#trustBundle()}), and a crash between making the next Transit key and writing the CA
 * secret leaves a store that reads in phase none and a begin that simply runs again.
 */
class TransitRotationTest {
    private static final String FIRST = "vault-transit:ca-1";
    private static final String NEXT = "vault-transit:ca-2";
    private static final List<String> NAMES = List.of("alice", "bob", "carol");

    private final VaultDouble vault = VaultDouble.http();
    private final RawVault raw = new RawVault(vault.address());
    private final TestPluginContext context = TestPluginContext.of(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", vault.rootToken()));
    private final Map<String, RemoteSigner> signers = new HashMap<>();
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        vault.close();
    }

    private CredentialStore open() {
        return new VaultStoreProvider().open(StoreLocation.parse("vault:secret/s2mtls/rotation"), context);
    }

    /** Makes (or finds) the Transit key of {@code reference}, as the command line does before a command that names a new key. */
    private void makeKey(String reference, String type) {
        signers.put(reference, new TransitSignerProvider().open(name(reference), true, type, context));
    }

    private static String name(String reference) {
        assertTrue(reference.startsWith("vault-transit:"), reference);
        return reference.substring("vault-transit:".length());
    }

    /** The core as one command sees it: remote keys opened by reference without creating them. */
    private S2mtls core(CredentialStore store) {
        return S2mtls.builder(store).actor("tester").remoteSigners(reference -> signers.computeIfAbsent(reference,
                r -> new TransitSignerProvider().open(name(r), false, null, context))).build();
    }

    private static IssueCommand client(String name, boolean replace) {
        return new IssueCommand(DistinguishedName.parse("/O=Example/OU=Rotation/CN=" + name), KeySpec.EC_P256, 30, Optional.of(name),
                CertificateProfile.CLIENT, List.of(), false, replace);
    }

    private static RotationUseCase.BeginRequest beginWith(String reference) {
        return new RotationUseCase.BeginRequest(Optional.empty(), Optional.empty(), Optional.of(reference), OptionalInt.empty(), Optional.empty());
    }

    private long signatures(String reference) {
        return vault.requests().stream().filter(r -> r.equals("POST transit/sign/" + name(reference))).count();
    }

    @Test
    void aWholeRotationWithBothCaKeysInTransit() {
        ExternalTool.require("openssl");
        makeKey(FIRST, "ec:p256");
        try (CredentialStore store = open()) {
            S2mtls s2mtls = core(store);
            s2mtls.authority().create(AuthorityUseCase.CreateRequest.remote(DistinguishedName.parse("/O=Example/CN=Transit CA"), FIRST, 365, false));
            Map<String, X509Certificate> first = new HashMap<>();
            for (String name : NAMES) {
                first.put(name, s2mtls.issuance().issue(client(name, false)).certificate());
            }
            X509Certificate oldCa = store.authority().orElseThrow().certificate();
            assertEquals(Optional.of(FIRST), store.authority().orElseThrow().keyReference());
            assertEveryLiveCredentialChains(store, "none");
            long byFirst = signatures(FIRST);
            assertTrue(byFirst >= 4, "the CA certificate and three credentials signed in Transit: " + byFirst);

            // begin: the next CA's key is another Transit key; the old one still issues
            makeKey(NEXT, "ec:p384");
            RotationStatus begun = s2mtls.rotation().begin(beginWith(NEXT));
            assertEquals(RotationPhase.BEGUN, begun.phase());
            AuthoritySet set = store.authorities().orElseThrow();
            assertEquals(Optional.of(FIRST), set.issuing().keyReference());
            assertEquals(Optional.of(NEXT), set.other().orElseThrow().keyReference());
            assertArrayEquals(signers.get(NEXT).publicKey().getEncoded(), set.other().get().certificate().getPublicKey().getEncoded());
            X509Certificate nextCa = set.other().get().certificate();
            assertEquals(List.of(oldCa, nextCa), store.index().authorities().orElseThrow().trustBundle());
            assertEveryLiveCredentialChains(store, "begun");
            IssuedCertificate dave = s2mtls.issuance().issue(client("dave", false));
            assertOpensslVerifies(List.of(oldCa), dave.certificate(), true, "after begin the old CA issues");
            assertOpensslVerifies(List.of(nextCa), dave.certificate(), false, "after begin the next CA does not issue yet");
            long byNextBeforeSwitch = signatures(NEXT);

            // switch: the next CA issues from Transit key ca-2
            assertEquals(RotationPhase.SWITCHED, s2mtls.rotation().switchOver().phase());
            assertEquals(Optional.of(NEXT), store.authority().orElseThrow().keyReference());
            assertEquals(Optional.of(FIRST), store.authorities().orElseThrow().other().orElseThrow().keyReference());
            assertEquals(List.of(nextCa, oldCa), store.index().authorities().orElseThrow().trustBundle());
            long byFirstAtSwitch = signatures(FIRST);
            IssuedCertificate erin = s2mtls.issuance().issue(client("erin", false));
            assertOpensslVerifies(List.of(nextCa), erin.certificate(), true, "after the switch the next CA issues");
            assertOpensslVerifies(List.of(oldCa), erin.certificate(), false, "after the switch the old CA does not issue");
            assertEveryLiveCredentialChains(store, "switched");
            assertEquals(4, onOldCa(store), "alice, bob, carol and dave still need reissue");

            // renew every credential the old CA signed, each keeping its subject DER
            List<String> toRenew = new ArrayList<>(NAMES);
            toRenew.add("dave");
            s2mtls.lifecycle().renew(toRenew, Optional.empty(), Optional.empty(), 2, done -> { });
            assertEquals(0, onOldCa(store));
            for (String name : NAMES) {
                X509Certificate renewed = store.credential(name).orElseThrow().certificate();
                assertArrayEquals(first.get(name).getSubjectX500Principal().getEncoded(), renewed.getSubjectX500Principal().getEncoded());
                assertOpensslVerifies(List.of(nextCa), renewed, true, name + " renewed under the next CA");
            }
            assertEveryLiveCredentialChains(store, "switched, renewed");
            assertEquals(byFirstAtSwitch, signatures(FIRST), "nothing is signed with the old Transit key after the switch");
            assertTrue(signatures(NEXT) >= byNextBeforeSwitch + 5, "erin and four renewals signed with ca-2");

            // finish: only the new CA is left, and an old certificate is refused by the bundle
            assertEquals(RotationPhase.NONE, s2mtls.rotation().finish(false).phase());
            Authorities after = store.index().authorities().orElseThrow();
            assertEquals(List.of(nextCa), after.trustBundle());
            AuthoritySet finished = store.authorities().orElseThrow();
            assertEquals(Optional.of(NEXT), finished.issuing().keyReference());
            assertTrue(finished.other().isEmpty());
            assertEveryLiveCredentialChains(store, "finished");
            assertOpensslVerifies(after.trustBundle(), first.get("alice"), false, "after finish the old certificate is refused");
            IssuedCertificate frank = s2mtls.issuance().issue(client("frank", false));
            assertOpensslVerifies(after.trustBundle(), frank.certificate(), true, "a new credential after finish");

            List<String> actions = store.recentAudit(100).stream().map(AuditEvent::action).toList();
            for (String action : List.of("ca.rotate.begin", "ca.rotate.switch", "ca.rotate.finish")) {
                assertEquals(1, actions.stream().filter(action::equals).count(), action + " in " + actions);
            }
        }
        // another process reads the same store
        try (CredentialStore reopened = open()) {
            assertEquals(Optional.of(NEXT), reopened.authority().orElseThrow().keyReference());
            assertEquals(RotationPhase.NONE, reopened.index().authorities().orElseThrow().phase());
        }
    }

    @Test
    void anIntermediateRotationWithTheRootAndBothIntermediatesInTransit() {
        ExternalTool.require("openssl");
        String rootKey = "vault-transit:root";
        makeKey(rootKey, "ec:p384");
        makeKey(FIRST, "ec:p256");
        try (CredentialStore store = open()) {
            S2mtls s2mtls = core(store);
            s2mtls.authority().createIntermediate(new AuthorityUseCase.IntermediateRequest(DistinguishedName.parse("/O=Example/CN=Transit Root"),
                    Optional.empty(), Optional.of(rootKey), 3650, DistinguishedName.parse("/O=Example/CN=Transit Issuing CA"), Optional.empty(),
                    Optional.of(FIRST), 365, false));
            X509Certificate root = store.authorities().orElseThrow().root().orElseThrow().certificate();
            JsonNode secret = new StoreSecrets(vault, "secret", "s2mtls/rotation").ca().orElseThrow();
            assertEquals(FIRST, secret.get("keyReference").asText());
            assertEquals(rootKey, secret.at("/root/keyReference").asText());
            assertEquals(Pem.certificate(root), secret.at("/chain/0").asText());
            X509Certificate oldAlice = s2mtls.issuance().issue(client("alice", false)).certificate();
            s2mtls.issuance().issue(client("bob", false));
            assertEveryLiveCredentialChains(store, "none");

            long byRoot = signatures(rootKey);
            makeKey(NEXT, "ec:p256");
            s2mtls.rotation().begin(beginWith(NEXT));
            assertEquals(byRoot + 1, signatures(rootKey), "the root's Transit key signs the next intermediate");
            secret = new StoreSecrets(vault, "secret", "s2mtls/rotation").ca().orElseThrow();
            assertEquals("begun", secret.get("phase").asText());
            assertEquals(NEXT, secret.at("/other/keyReference").asText());
            assertEquals(Pem.certificate(root), secret.at("/other/chain/0").asText());
            assertEquals(rootKey, secret.at("/root/keyReference").asText());
            X509Certificate nextCa = store.authorities().orElseThrow().other().orElseThrow().certificate();
            assertEquals(List.of(store.authority().orElseThrow().certificate(), root, nextCa), store.index().authorities().orElseThrow().trustBundle());
            assertEveryLiveCredentialChains(store, "begun");

            s2mtls.rotation().switchOver();
            assertEveryLiveCredentialChains(store, "switched");
            s2mtls.lifecycle().renew(List.of("alice", "bob"), Optional.empty(), Optional.empty(), 1, done -> { });
            assertEquals(0, onOldCa(store));
            s2mtls.rotation().finish(false);
            Authorities after = store.index().authorities().orElseThrow();
            assertEquals(List.of(nextCa, root), after.trustBundle());
            assertEquals(Optional.of(rootKey), store.authorities().orElseThrow().root().orElseThrow().keyReference());
            assertEveryLiveCredentialChains(store, "finished");
            assertOpensslVerifies(after.trustBundle(), oldAlice, false, "after finish the certificate of the old intermediate is refused");
        }
    }

    @Test
    void aCrashBetweenTheNextKeyAndTheCaSecretLeavesPhaseNoneAndBeginRunsAgain() {
        ExternalTool.require("openssl");
        makeKey(FIRST, "ec:p256");
        try (CredentialStore store = open()) {
            S2mtls s2mtls = core(store);
            s2mtls.authority().create(AuthorityUseCase.CreateRequest.remote(DistinguishedName.parse("/O=Example/CN=Transit CA"), FIRST, 365, false));
            s2mtls.issuance().issue(client("alice", false));
            makeKey(NEXT, "ec:p256");
            // the process dies after the next CA's key and certificate are made, before the CA secret is written
            ((VaultCredentialStore) store).afterChecks(() -> {
                throw new IllegalStateException("killed");
            });
            assertThrows(IllegalStateException.class, () -> s2mtls.rotation().begin(beginWith(NEXT)));
        }
        assertEquals(200, raw.send("GET", "transit/keys/ca-2", vault.rootToken(), null).status(), "the Transit key was made");
        JsonNode caSecret = new StoreSecrets(vault, "secret", "s2mtls/rotation").ca().orElseThrow();
        assertFalse(caSecret.toString().contains("ca-2"), "the store never mentions the new key: " + caSecret);
        assertFalse(caSecret.has("phase") || caSecret.has("other"));

        try (CredentialStore store = open()) {
            Authorities authorities = store.index().authorities().orElseThrow();
            assertEquals(RotationPhase.NONE, authorities.phase());
            assertTrue(authorities.other().isEmpty());
            assertEquals(Optional.of(FIRST), store.authority().orElseThrow().keyReference());
            assertEveryLiveCredentialChains(store, "none after the crash");
            S2mtls s2mtls = core(store);
            s2mtls.issuance().issue(client("bob", false));
            assertEveryLiveCredentialChains(store, "none after the crash, a new credential");

            // begin again, naming the same key: it is found, not made anew
            makeKey(NEXT, "ec:p256");
            assertEquals(RotationPhase.BEGUN, s2mtls.rotation().begin(beginWith(NEXT)).phase());
            AuthoritySet set = store.authorities().orElseThrow();
            assertEquals(Optional.of(NEXT), set.other().orElseThrow().keyReference());
            assertArrayEquals(publishedKey("ca-2"), set.other().get().certificate().getPublicKey().getEncoded());
            assertNotEquals(set.issuing().certificate(), set.other().get().certificate());
            assertEveryLiveCredentialChains(store, "begun after the crash");
            assertEquals(1, store.recentAudit(100).stream().filter(e -> e.action().equals("ca.rotate.begin")).count(),
                    "the crashed begin left no audit event");
        }
    }

    /** The public key Vault reports for {@code key}, read without the adapter. */
    private byte[] publishedKey(String key) {
        String text = raw.send("GET", "transit/keys/" + key, vault.rootToken(), null).json().at("/data/keys/1/public_key").asText();
        return Pem.readPublicKey(text.getBytes(StandardCharsets.US_ASCII), key).getEncoded();
    }

    private static long onOldCa(CredentialStore store) {
        Authorities authorities = store.index().authorities().orElseThrow();
        return store.index().inventory().stream()
                .filter(e -> e.status() == CertificateStatus.VALID && authorities.onOldCa(e)).count();
    }

    /** Every valid credential's current certificate chains, per openssl, to the bundle the servers are told to trust. */
    private void assertEveryLiveCredentialChains(CredentialStore store, String step) {
        Authorities authorities = store.index().authorities().orElseThrow();
        int checked = 0;
        for (InventoryEntry entry : store.index().inventory()) {
            if (entry.status() != CertificateStatus.VALID) {
                continue;
            }
            X509Certificate certificate = store.credential(entry.name()).orElseThrow().certificate();
            assertEquals(entry.serial(), certificate.getSerialNumber());
            assertOpensslVerifies(authorities.trustBundle(), certificate, true, step + ": " + entry.name());
            checked++;
        }
        assertTrue(checked > 0, step + ": no credential checked");
    }

    private void assertOpensslVerifies(List<X509Certificate> trusted, X509Certificate leaf, boolean expected, String what) {
        Path bundle = write("bundle", trusted.stream().map(Pem::certificate).collect(Collectors.joining()));
        Path file = write("leaf", Pem.certificate(leaf));
        ExternalTool.Result result = ExternalTool.run(List.of(ExternalTool.require("openssl").toString(), "verify", "-purpose", "sslclient",
                "-CAfile", bundle.toString(), file.toString()));
        String output = new String(result.stdout(), StandardCharsets.UTF_8) + result.stderr();
        assertEquals(expected, result.exitCode() == 0, what + ": " + output);
        if (expected) {
            assertEquals(file + ": OK", output.trim(), what);
        }
    }

    private Path write(String prefix, String text) {
        try {
            return Files.writeString(dir.resolve(prefix + "-" + UUID.randomUUID() + ".pem"), text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
