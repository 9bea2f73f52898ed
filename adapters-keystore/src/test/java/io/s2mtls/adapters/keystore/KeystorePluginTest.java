package io.s2mtls.adapters.keystore;

import io.s2mtls.core.spi.CredentialStoreProvider;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.spi.S2mtlsPlugin;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void onlyThePluginIsPublic() throws Exception {
        Path classes = Path.of(KeystorePlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names;
        try (Stream<Path> files = Files.walk(classes)) {
            names = files.map(classes::relativize).map(Path::toString).filter(n -> n.endsWith(".class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.')).toList();
        }
        assertTrue(names.contains(Pkcs12Format.class.getName()), names.toString());
        for (String name : names) {
            Class<?> type = Class.forName(name);
            // the persisted records and the atomic file write are shared with the other adapters and the cli
            boolean expectedPublic = type == KeystorePlugin.class
                    || (type.getPackageName().equals("io.s2mtls.adapters.records") && !type.getSimpleName().equals("Fields"))
                    || type == io.s2mtls.adapters.files.AtomicFiles.class;
            assertEquals(expectedPublic, Modifier.isPublic(type.getModifiers()),
                    name + (expectedPublic ? " should be public" : " should not be public"));
        }
    }
}
