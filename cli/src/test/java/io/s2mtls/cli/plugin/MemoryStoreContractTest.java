package io.s2mtls.cli.plugin;

import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.CredentialStoreContract;
import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.spi.StoreLocation;

import java.util.Map;
import java.util.UUID;

/** The plugin skeleton passes the shared store contract, as every third-party store must. */
class MemoryStoreContractTest extends CredentialStoreContract {
    /** A fresh location per test (JUnit makes a new instance for each). */
    private final StoreLocation location = StoreLocation.parse("memtest:contract-" + UUID.randomUUID());

    private static CredentialStore open(StoreLocation location, String password) {
        PluginContext context = PluginContext.of(Map.of(), Map.of(), password::toCharArray);
        return new MemoryStorePlugin().credentialStores().get(0).open(location, context);
    }

    @Override
    protected CredentialStore openStore() {
        return open(location, "correct horse battery staple");
    }

    @Override
    protected CredentialStore openStoreWithWrongCredentials() {
        return open(location, "not the password");
    }

    /** The skeleton has a password of its own and can change it: the suite checks the change. */
    @Override
    protected java.util.Optional<CredentialStore> openStoreWithPassword(char[] password) {
        return java.util.Optional.of(open(location, new String(password)));
    }
}
