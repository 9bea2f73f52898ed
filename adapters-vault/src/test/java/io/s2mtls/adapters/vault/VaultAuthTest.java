package io.s2mtls.adapters.vault;

import io.s2mtls.adapters.vault.testing.RawVault;
import io.s2mtls.adapters.vault.testing.TestPluginContext;
import io.s2mtls.adapters.vault.testing.VaultDouble;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.spi.StoreLocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AppRole login, token files and token renewal against the double. */
class VaultAuthTest {
    private final VaultDouble vault = VaultDouble.http();
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        vault.close();
    }

    private static CredentialStore open(TestPluginContext context) {
        return new VaultStoreProvider().open(StoreLocation.parse("vault:secret/s2mtls/prod"), context);
    }

    private TestPluginContext appRoleContext(String roleId, String secretId) throws Exception {
        Path roleFile = Files.writeString(dir.resolve("role-id"), roleId + "\n");
        Path secretFile = Files.writeString(dir.resolve("secret-id"), secretId + "\n");
        return TestPluginContext.of(Map.of("VAULT_ADDR", vault.address()))
                .withOption("role-id-file", roleFile.toString())
                .withOption("secret-id-file", secretFile.toString());
    }

    @Test
    void appRoleLogsInWithIdsFromFiles() throws Exception {
        vault.policy("s2mtls", "secret/data/s2mtls/", "secret/metadata/s2mtls/");
        vault.appRole("s2mtls-ci", "role-4711", "secret-0815", List.of("s2mtls"), Duration.ofHours(1));
        try (CredentialStore store = open(appRoleContext("role-4711", "secret-0815"))) {
            store.appendAudit(List.of(VaultStoreBehaviourTest.event("test.write")));
            assertTrue(store.index().inventory().isEmpty());
        }
        assertEquals(1, vault.logins());
        assertTrue(vault.requests().contains("POST auth/approle/login"));
        assertTrue(vault.kvData("secret", "s2mtls/prod").isPresent());
    }

    @Test
    void aRevokedAppRoleTokenIsReplacedByANewLogin() throws Exception {
        vault.appRole("s2mtls-ci", "role-1", "secret-1", List.of("root"), Duration.ofHours(1));
        try (CredentialStore store = open(appRoleContext("role-1", "secret-1"))) {
            store.index();
            vault.revokeAllTokensExceptRoot();
            store.appendAudit(List.of(VaultStoreBehaviourTest.event("test.write")));
        }
        assertEquals(2, vault.logins());
    }

    @Test
    void appRoleWinsOverVaultToken() throws Exception {
        vault.appRole("s2mtls-ci", "role-1", "secret-1", List.of("root"), Duration.ofHours(1));
        try (CredentialStore store = open(appRoleContext("role-1", "secret-1").withEnvironment("VAULT_TOKEN", "hvs.ignored"))) {
            store.index();
        }
        assertEquals(1, vault.logins());
    }

    @Test
    void aRefusedAppRoleLoginIsExternalAndKeepsTheSecretIdOut() throws Exception {
        vault.appRole("s2mtls-ci", "role-1", "secret-1", List.of("root"), Duration.ofHours(1));
        S2mtlsException failure = assertThrows(S2mtlsException.class, () -> open(appRoleContext("role-1", "wrong-secret-id")).index());
        assertEquals(ErrorKind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().contains("invalid role or secret ID"), failure.getMessage());
        assertTrue(failure.getMessage().contains("auth/approle"), failure.getMessage());
        assertFalse(failure.getMessage().contains("wrong-secret-id"));
        assertFalse(failure.getMessage().contains("role-1"));
    }

    @Test
    void anAppRoleMountThatIsNotThereIsNamed() throws Exception {
        vault.createNamespace("team-b");
        vault.appRole("s2mtls-ci", "role-1", "secret-1", List.of("root"), Duration.ofHours(1));
        S2mtlsException failure = assertThrows(S2mtlsException.class,
                () -> open(appRoleContext("role-1", "secret-1").withEnvironment("VAULT_NAMESPACE", "team-b")).index());
        assertEquals(ErrorKind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().contains("is AppRole enabled at auth/approle in namespace team-b/?"), failure.getMessage());
    }

    @Test
    void onlyOneAppRoleFileIsBadInput() throws Exception {
        Path roleFile = Files.writeString(dir.resolve("role-id"), "role");
        TestPluginContext context = TestPluginContext.of(Map.of("VAULT_ADDR", vault.address())).withOption("role-id-file", roleFile.toString());
        assertEquals(ErrorKind.BAD_INPUT, assertThrows(S2mtlsException.class, () -> open(context).index()).kind());
        TestPluginContext missing = context.withOption("secret-id-file", dir.resolve("absent").toString());
        assertEquals(ErrorKind.BAD_INPUT, assertThrows(S2mtlsException.class, () -> open(missing).index()).kind());
    }

    @Test
    void aTokenFileOverridesVaultToken() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), vault.rootToken() + "\n");
        TestPluginContext context = TestPluginContext.of(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", "hvs.wrong"))
                .withOption("token-file", tokenFile.toString());
        try (CredentialStore store = open(context)) {
            store.appendAudit(List.of(VaultStoreBehaviourTest.event("test.write")));
        }
    }

    @Test
    void aRenewableTokenNearExpiryIsRenewed() {
        String token = vault.createToken(List.of("root"), Duration.ofSeconds(90), true);
        try (CredentialStore store = open(TestPluginContext.of(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", token)))) {
            store.index();
            store.index();
        }
        assertEquals(1, vault.renewals());
        List<String> requests = vault.requests();
        assertEquals(List.of("GET auth/token/lookup-self", "POST auth/token/renew-self"), requests.subList(0, 2));
        int ttl = new RawVault(vault.address()).send("GET", "auth/token/lookup-self", token, null).json().at("/data/ttl").asInt();
        assertTrue(ttl > 3000, "renewed to an hour, ttl now " + ttl);
        // after the renewal, the token outlives the point where it would have expired
        vault.advanceClock(Duration.ofSeconds(120));
        try (CredentialStore store = open(TestPluginContext.of(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", token)))) {
            store.index();
        }
    }

    @Test
    void aTokenAtItsMaxTtlIsRenewedOnceNotOnEveryRequest() {
        String token = vault.createToken(List.of("root"), Duration.ofSeconds(90), Duration.ofSeconds(150));
        try (CredentialStore store = open(TestPluginContext.of(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", token)))) {
            store.index();
            store.index();
            store.appendAudit(List.of(VaultStoreBehaviourTest.event("test.write")));
        }
        assertEquals(1, vault.renewals());
    }

    @Test
    void aTokenFarFromExpiryOrNotRenewableIsNotRenewed() {
        String longLived = vault.createToken(List.of("root"), Duration.ofHours(8), true);
        String fixed = vault.createToken(List.of("root"), Duration.ofSeconds(90), false);
        for (String token : List.of(longLived, fixed, vault.rootToken())) {
            try (CredentialStore store = open(TestPluginContext.of(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", token)))) {
                store.index();
            }
        }
        assertEquals(0, vault.renewals());
        assertTrue(vault.requests().stream().noneMatch(r -> r.contains("renew-self")));
    }

    @Test
    void anAppRoleTokenNearExpiryIsRenewed() throws Exception {
        vault.appRole("short", "role-1", "secret-1", List.of("root"), Duration.ofSeconds(60));
        try (CredentialStore store = open(appRoleContext("role-1", "secret-1"))) {
            store.index();
        }
        assertEquals(1, vault.logins());
        assertEquals(1, vault.renewals());
    }
}
