package io.s2mtls.core.spi;


import java.util.List;

/**
 * The one entry point of a plugin jar. List the implementing class in
 * {@code META-INF/services/io.s2mtls.core.spi.S2mtlsPlugin}; the host finds it with
 * {@link java.util.ServiceLoader} on its class path or in its plugin directory
 * ({@code --plugin-path} / {@code S2MTLS_PLUGIN_PATH}).
 *
 * <p>Every method has a default returning nothing, so capabilities added to this interface later never
 * break an existing plugin. A plugin overrides only what it provides.
 */
public interface S2mtlsPlugin {

    /** A short name for diagnostics, e.g. "keystore". */
    String name();

    default List<CredentialStoreProvider> credentialStores() {
        return List.of();
    }

    default List<RemoteSignerProvider> remoteSigners() {
        return List.of();
    }

    default List<UserDirectoryProvider> userDirectories() {
        return List.of();
    }
}
