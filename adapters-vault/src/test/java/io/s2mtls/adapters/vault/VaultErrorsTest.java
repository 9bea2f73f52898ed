package io.s2mtls.adapters.vault;

import io.s2mtls.adapters.vault.testing.TestPluginContext;
import io.s2mtls.adapters.vault.testing.TestTls;
import io.s2mtls.adapters.vault.testing.VaultDouble;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.spi.StoreLocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each way Vault can fail or refuse gives EXTERNAL (exit 3) with one line naming the cause, and no secret. */
class VaultErrorsTest {
    private final VaultDouble vault = VaultDouble.http();
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        vault.close();
    }

    private static CredentialStore open(String uri, String address, String token) {
        return open(uri, TestPluginContext.of(Map.of("VAULT_ADDR", address, "VAULT_TOKEN", token)));
    }

    private static CredentialStore open(String uri, TestPluginContext context) {
        return new VaultStoreProvider().open(StoreLocation.parse(uri), context);
    }

    /** Runs {@code action}, expects EXTERNAL, checks the message names what it must and leaks no secret. */
    private static String external(Executable action, String secret, String... mentions) {
        S2mtlsException failure = assertThrows(S2mtlsException.class, action);
        String message = failure.getMessage();
        assertEquals(ErrorKind.EXTERNAL, failure.kind(), message);
        assertFalse(message.contains("\n") || message.contains("\r") || message.contains("\t"), message);
        for (String mention : mentions) {
            assertTrue(message.contains(mention), "'" + mention + "' missing from: " + message);
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(secret), "secret leaked: " + t.getMessage());
        }
        return message;
    }

    @Test
    void aBadTokenIsNamedAsSuch() {
        String token = "hvs.bad-token-value";
        String message = external(() -> open("vault:secret/s2mtls/prod", vault.address(), token).index(), token,
                vault.address(), "secret/s2mtls/prod", "invalid or expired", "VAULT_TOKEN");
        assertFalse(message.contains("policies"), message);
    }

    @Test
    void anExpiredTokenIsABadToken() {
        String token = vault.createToken(List.of(), Duration.ofHours(2), false);
        try (CredentialStore store = open("vault:secret/s2mtls/prod", vault.address(), token)) {
            vault.revokeToken(token);
            external(store::index, token, "invalid or expired");
        }
    }

    @Test
    void aPolicyDenialIsPermissionDenied() {
        vault.policy("elsewhere", "secret/data/other/");
        String token = vault.createToken(List.of("elsewhere"), Duration.ofHours(1), true);
        String message = external(() -> open("vault:secret/s2mtls/prod", vault.address(), token).index(), token,
                vault.address(), "secret/s2mtls/prod", "permission denied", "policies", "read secret/data/s2mtls/prod");
        assertFalse(message.contains("invalid"), message);
        external(() -> open("vault:secret/s2mtls/prod", vault.address(), token).appendAudit(List.of(VaultStoreBehaviourTest.event("test.write"))), token, "permission denied",
                "updating vault:secret/s2mtls/prod");
    }

    @Test
    void aSealedVaultSaysSealed() {
        vault.seal(true);
        external(() -> open("vault:secret/s2mtls/prod", vault.address(), vault.rootToken()).index(), vault.rootToken(),
                vault.address(), "secret/s2mtls/prod", "sealed");
    }

    @Test
    void aSealDuringUseSaysSealed() {
        try (CredentialStore store = open("vault:secret/s2mtls/prod", vault.address(), vault.rootToken())) {
            store.index();
            vault.seal(true);
            external(() -> store.appendAudit(List.of(VaultStoreBehaviourTest.event("test.write"))), vault.rootToken(), "sealed", "updating vault:secret/s2mtls/prod");
        }
    }

    @Test
    void aMissingMountSaysSo() {
        external(() -> open("vault:nosuch/s2mtls/prod", vault.address(), vault.rootToken()).index(), vault.rootToken(),
                vault.address(), "nosuch/s2mtls/prod", "no such mount or path");
    }

    @Test
    void anUnreachableVaultIsConnectionRefused() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        String address = "http://127.0.0.1:" + closedPort;
        external(() -> open("vault:secret/s2mtls/prod", address, "hvs.some-token").index(), "hvs.some-token",
                address, "secret/s2mtls/prod", "connection refused");
    }

    @Test
    void aServerCertificateFromAnotherCaIsATlsFailure() {
        TestTls tls = TestTls.create("Vault CA");
        TestTls other = TestTls.create("Some other CA");
        try (VaultDouble secure = VaultDouble.https(tls)) {
            Path wrongCa = other.writeCaPem(dir.resolve("wrong-ca.pem"));
            TestPluginContext context = TestPluginContext.of(Map.of("VAULT_ADDR", secure.address(),
                    "VAULT_TOKEN", secure.rootToken(), "VAULT_CACERT", wrongCa.toString()));
            external(() -> open("vault:secret/s2mtls/prod", context).index(), secure.rootToken(),
                    secure.address(), "TLS failure", "VAULT_CACERT", wrongCa.toString());
            // without VAULT_CACERT the JDK's trust store does not know the test CA either
            external(() -> open("vault:secret/s2mtls/prod", context.withoutEnvironment("VAULT_CACERT")).index(), secure.rootToken(),
                    "TLS failure", "set VAULT_CACERT");
            // and with the right CA it works, also as an option
            Path rightCa = tls.writeCaPem(dir.resolve("vault-ca.pem"));
            try (CredentialStore store = open("vault:secret/s2mtls/prod", context.withEnvironment("VAULT_CACERT", rightCa.toString()))) {
                assertTrue(store.index().inventory().isEmpty());
            }
            try (CredentialStore store = open("vault:secret/s2mtls/prod", context.withOption("cacert", rightCa.toString()))) {
                store.appendAudit(List.of(VaultStoreBehaviourTest.event("test.write")));
            }
            assertTrue(secure.kvData("secret", "s2mtls/prod").isPresent());
        }
    }

    @Test
    void transitFailuresAreExternalToo() {
        vault.seal(true);
        TestPluginContext context = TestPluginContext.of(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", vault.rootToken()));
        external(() -> new TransitSignerProvider().open("ca", true, "ec:p256", context), vault.rootToken(),
                "sealed", "transit/keys/ca");
        vault.seal(false);
        external(() -> new TransitSignerProvider().open("ca", false, null, context.withOption("transit-mount", "nosuch")),
                vault.rootToken(), "no such mount or path", "nosuch/keys/ca");
    }

    @Test
    void aTokenInAVaultErrorTextIsRedacted() {
        VaultClient client = new VaultClient(VaultSettings.from(TestPluginContext.of(Map.of("VAULT_ADDR", vault.address(),
                "VAULT_TOKEN", "hvs.secret-token-text"))));
        String message = client.failure("testing", "Vault echoed hvs.secret-token-text back", null).getMessage();
        assertFalse(message.contains("hvs.secret-token-text"), message);
        assertTrue(message.contains("<redacted>"), message);
    }

    // ---- answers that are not Vault's JSON ----

    private CredentialStore rootStore() {
        return open("vault:secret/s2mtls/prod", vault.address(), vault.rootToken());
    }

    private static List<io.s2mtls.core.pki.AuditEvent> anEvent() {
        return List.of(new io.s2mtls.core.pki.AuditEvent(java.time.Instant.now(), "tester", "test.event",
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.of("garbage test")));
    }

    @Test
    void aReadAnsweredWithAWebPageIsExternalNotAnEmptyStore() {
        try (CredentialStore store = rootStore()) {
            store.appendAudit(anEvent());
        }
        vault.garble("GET secret/data/s2mtls/prod", 200, "text/html", "<html><body>Welcome to the proxy</body></html>");
        try (CredentialStore store = rootStore()) {
            external(store::index, vault.rootToken(), "secret/data/s2mtls/prod", "not Vault's JSON", "text/html", "<html>");
        }
    }

    @Test
    void aReadAnsweredWithJsonWithoutTheSecretIsExternal() {
        for (String body : List.of("{}", "{\"data\":{}}", "{\"data\":{\"data\":{}}}", "{\"data\":{\"data\":\"x\",\"metadata\":{\"version\":1}}}",
                "[1,2]", "null")) {
            vault.ungarble();
            vault.garble("GET secret/data/s2mtls/prod", 200, "application/json", body);
            try (CredentialStore store = rootStore()) {
                external(store::index, vault.rootToken(), "secret/data/s2mtls/prod");
            }
        }
    }

    @Test
    void aHugeAnswerIsExternalAndNotHeldInMemory() {
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, (byte) ' ');
        vault.garbleHuge("GET secret/data/s2mtls/prod", 200, "application/json", chunk, 40);
        try (CredentialStore store = rootStore()) {
            external(store::index, vault.rootToken(), "larger than 32 MiB");
        }
    }

    @Test
    void aWriteWithoutTheNewVersionIsNotTakenAsCommitted() {
        try (CredentialStore store = rootStore()) {
            store.appendAudit(anEvent());
        }
        for (String body : List.of("<html>OK</html>", "{}", "{\"data\":{}}", "{\"data\":{\"version\":\"two\"}}")) {
            vault.ungarble();
            vault.garble("POST secret/data/s2mtls/prod", 200, body.startsWith("<") ? "text/html" : "application/json", body);
            try (CredentialStore store = rootStore()) {
                external(() -> store.appendAudit(anEvent()), vault.rootToken(), "secret/data/s2mtls/prod");
            }
        }
        vault.ungarble();
        try (CredentialStore store = rootStore()) {
            assertEquals(5, store.recentAudit(100).size(), "the double did store each write; none was reported as done");
        }
    }

    @Test
    void aTokenCheckAnsweredWithAWebPageIsExternal() {
        vault.garble("GET auth/token/lookup-self", 200, "text/html", "<html>login</html>");
        try (CredentialStore store = rootStore()) {
            external(store::index, vault.rootToken(), "not Vault's JSON");
        }
    }
}
