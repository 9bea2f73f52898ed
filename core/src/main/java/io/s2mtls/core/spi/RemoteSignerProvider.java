package io.s2mtls.core.spi;

import io.s2mtls.core.port.RemoteSigner;

/** Opens remote signers for one key-reference scheme, e.g. {@code vault-transit:<key>}. */
public interface RemoteSignerProvider {

    /** The reference scheme, e.g. {@code vault-transit}. */
    String scheme();

    /**
     * Opens the key named by {@code keyName} (the part after the scheme's colon).
     *
     * @param create when true, create the key if the keeper has none by that name
     */
    RemoteSigner open(String keyName, boolean create, String keyType, PluginContext context);
}
