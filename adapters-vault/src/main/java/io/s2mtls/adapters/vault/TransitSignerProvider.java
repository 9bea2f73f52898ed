package io.s2mtls.adapters.vault;

import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.spi.PluginOptions;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.port.RemoteSigner;
import io.s2mtls.core.spi.RemoteSignerProvider;

import java.util.Set;

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
    public String description() {
        return "a CA key in HashiCorp Vault / OpenBao Transit (vault-transit:KEY; the same settings as the vault store)";
    }

    /** The same options as the Vault store: a signer and its store are reached with the same settings. */
    @Override
    public Set<String> optionNames() {
        return VaultSettings.OPTION_NAMES;
    }

    /** No option carries a secret itself: tokens, role ids and secret ids come from files or VAULT_TOKEN. */
    @Override
    public Set<String> sensitiveOptions() {
        return Set.of();
    }

    @Override
    public RemoteSigner open(String keyName, boolean create, String keyType, PluginContext context) {
        PluginOptions.requireKnown(this, PluginRegistry.Kind.SIGNER, context.options());
        return TransitSigner.open(new VaultClient(VaultSettings.from(context)), keyName, create, keyType);
    }
}
