package io.s2mtls.adapters.vault;

import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.port.RemoteSigner;
import io.s2mtls.core.spi.RemoteSignerProvider;

/**
 * {@code vault-transit:<key>}: a CA key in Vault's Transit engine, reached with the same settings as the
 * store (VAULT_ADDR, VAULT_TOKEN, ... and the plugin options); option {@code transit-mount} names the
 * engine's mount (default {@code transit}).
 */
final class TransitSignerProvider implements RemoteSignerProvider {
    static final String SCHEME = "vault-transit";

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public RemoteSigner open(String keyName, boolean create, String keyType, PluginContext context) {
        return TransitSigner.open(new VaultClient(VaultSettings.from(context)), keyName, create, keyType);
    }
}
