package io.s2mtls.adapters.keystore;

import io.s2mtls.core.spi.CredentialStoreProvider;
import io.s2mtls.core.spi.S2mtlsPlugin;

import java.util.List;

/**
 * Keeps the CA, issued credentials and the inventory in one password-protected PKCS12 file
 * ({@code --store pkcs12:PATH}). The file format is described on {@code Pkcs12Format}; file handling
 * (atomic replacement, locking, permissions) on {@code Pkcs12CredentialStore}.
 */
public final class KeystorePlugin implements S2mtlsPlugin {

    @Override
    public String name() {
        return "keystore";
    }

    @Override
    public List<CredentialStoreProvider> credentialStores() {
        return List.of(new Pkcs12StoreProvider());
    }
}
