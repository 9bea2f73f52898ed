package io.s2mtls.cli.plugin;

import io.s2mtls.core.spi.CredentialStoreProvider;
import io.s2mtls.core.spi.S2mtlsPlugin;

import java.util.List;

/**
 * The skeleton of a store plugin, the one docs/develop/store-plugin.md tells readers to copy: the entry
 * class the host finds with {@link java.util.ServiceLoader}, listed in the jar's
 * {@code META-INF/services/io.s2mtls.core.spi.S2mtlsPlugin}. It serves the store scheme {@code memtest}:
 * a store held in the memory of the running JVM (so it lasts for one process; a real plugin talks to its
 * backend where {@link MemoryCredentialStore} touches its map).
 *
 * <p>Your plugin jar registers this class in {@code META-INF/services}. (In s2mtls's own tests it is
 * deliberately not registered on the class path: the tests put it on the plugin path in a jar they build,
 * as an integrator drops theirs.)
 */
public final class MemoryStorePlugin implements S2mtlsPlugin {

    @Override
    public String name() {
        return "memtest";
    }

    @Override
    public List<CredentialStoreProvider> credentialStores() {
        return List.of(new MemoryStoreProvider());
    }
}
