package io.s2mtls.core.spi;

import io.s2mtls.core.port.CredentialStore;

/**
 * Opens credential stores for one URI scheme ({@code --store SCHEME:PATH}). Found at run time through
 * {@link S2mtlsPlugin}, which the host loads with {@link java.util.ServiceLoader}. Its options come from
 * {@code --store-option key=value}.
 */
public interface CredentialStoreProvider extends PluginProvider {

    /**
     * Opens (without necessarily creating) the store at {@code location}. Cheap: defer network and
     * disk work to the first {@link CredentialStore#index()} or {@link CredentialStore#commit}.
     */
    CredentialStore open(StoreLocation location, PluginContext context);
}
