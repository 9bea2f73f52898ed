package io.s2mtls.adapters.vault;

import io.s2mtls.core.spi.CredentialStoreProvider;
import io.s2mtls.core.spi.RemoteSignerProvider;
import io.s2mtls.core.spi.S2mtlsPlugin;

import java.util.List;

/**
 * The HashiCorp Vault (and OpenBao) plugin: the {@code vault:MOUNT/PATH} credential store on KV version 2,
 * and {@code vault-transit:KEY} CA keys that never leave Vault's Transit engine.
 *
 * <p>Both read the Vault CLI's environment ({@code VAULT_ADDR}, {@code VAULT_TOKEN},
 * {@code VAULT_NAMESPACE}, {@code VAULT_CACERT}) from the plugin context, overridden by the options
 * {@code addr}, {@code namespace}, {@code cacert} and {@code token-file}; {@code role-id-file} with
 * {@code secret-id-file} log in with AppRole (at {@code approle-mount}, default {@code approle});
 * {@code transit-mount} names the Transit engine (default {@code transit}).
 */
public final class VaultPlugin implements S2mtlsPlugin {

    @Override
    public String name() {
        return "vault";
    }

    @Override
    public List<CredentialStoreProvider> credentialStores() {
        return List.of(new VaultStoreProvider());
    }

    @Override
    public List<RemoteSignerProvider> remoteSigners() {
        return List.of(new TransitSignerProvider());
    }
}
