package io.s2mtls.core.spi;

import io.s2mtls.core.port.RemoteSigner;

/**
 * Opens remote signers for one key-reference scheme, e.g. {@code --key vault-transit:<key>}. The host
 * hands it the {@code --store-option} values it lists in {@link #optionNames()} (a signer and the store
 * it signs for are usually reached with the same settings).
 */
public interface RemoteSignerProvider extends PluginProvider {

    /**
     * Opens the key named by {@code keyName} (the part after the scheme's colon).
     *
     * @param create when true, create the key if the keeper has none by that name
     */
    RemoteSigner open(String keyName, boolean create, String keyType, PluginContext context);
}
