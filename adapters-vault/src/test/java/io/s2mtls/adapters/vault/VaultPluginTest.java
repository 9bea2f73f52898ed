package io.s2mtls.adapters.vault;

import io.s2mtls.core.spi.CredentialStoreProvider;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.spi.S2mtlsPlugin;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Modifier;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin is found through ServiceLoader alone and exposes only its entry class. */
class VaultPluginTest {

    @Test
    void serviceLoaderFindsTheStoreAndTheSigner() {
        List<S2mtlsPlugin> plugins = ServiceLoader.load(S2mtlsPlugin.class).stream().map(ServiceLoader.Provider::get).toList();
        // the keystore plugin comes along on the class path (this module uses its persisted records)
        assertEquals(List.of("vault"), plugins.stream().map(S2mtlsPlugin::name).filter(name -> name.equals("vault")).toList());
        PluginRegistry registry = new PluginRegistry(plugins);
        CredentialStoreProvider store = registry.store("vault");
        assertEquals(Set.of("addr", "namespace", "cacert", "token-file", "role-id-file", "secret-id-file", "approle-mount", "transit-mount"),
                store.optionNames());
        assertTrue(store.optionNames().containsAll(store.sensitiveOptions()));
        assertTrue(registry.hasSigner("vault-transit"));
        assertEquals("vault-transit", registry.signer("vault-transit").scheme());
    }

    @Test
    void onlyTheEntryClassIsPublic() {
        Set<String> publicClasses = List.of(VaultPlugin.class, VaultStoreProvider.class, VaultCredentialStore.class, VaultClient.class,
                        VaultSettings.class, Kv.class, StoreDocuments.class, ShardState.class, LegacyStore.class, TransitSigner.class, TransitSignerProvider.class).stream()
                .filter(c -> Modifier.isPublic(c.getModifiers())).map(Class::getSimpleName).collect(Collectors.toSet());
        assertEquals(Set.of("VaultPlugin"), publicClasses);
    }

    @Test
    void secretsDoNotPrintThemselves() {
        assertFalse(new VaultSettings.TokenLogin("hvs.abcdef", "VAULT_TOKEN").toString().contains("hvs.abcdef"));
        assertFalse(new VaultSettings.AppRoleLogin("approle", "role-x", "secret-y").toString().contains("secret-y"));
        assertFalse(new VaultSettings.AppRoleLogin("approle", "role-x", "secret-y").toString().contains("role-x"));
    }
}
