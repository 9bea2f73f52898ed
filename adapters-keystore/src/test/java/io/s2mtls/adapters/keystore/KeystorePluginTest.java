package io.s2mtls.adapters.keystore;

import io.s2mtls.core.spi.CredentialStoreProvider;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.spi.S2mtlsPlugin;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Modifier;
import java.util.List;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class KeystorePluginTest {

    @Test
    void serviceLoaderFindsThePluginAndItsPkcs12Scheme() {
        List<S2mtlsPlugin> plugins = ServiceLoader.load(S2mtlsPlugin.class).stream().map(ServiceLoader.Provider::get).toList();
        S2mtlsPlugin keystore = plugins.stream().filter(p -> p instanceof KeystorePlugin).findFirst().orElseThrow();
        assertEquals("keystore", keystore.name());
        assertEquals(List.of("pkcs12"), keystore.credentialStores().stream().map(CredentialStoreProvider::scheme).toList());
        assertInstanceOf(Pkcs12StoreProvider.class, new PluginRegistry(plugins).store("pkcs12"));
    }

    @Test
    void onlyThePluginIsPublic() {
        for (Class<?> type : List.of(Pkcs12StoreProvider.class, Pkcs12CredentialStore.class, Pkcs12Format.class,
                PasswordKeys.class, StoreMetadata.class)) {
            assertFalse(Modifier.isPublic(type.getModifiers()), type + " should be package-private");
        }
    }
}
