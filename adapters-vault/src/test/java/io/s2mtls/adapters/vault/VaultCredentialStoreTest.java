package io.s2mtls.adapters.vault;

import io.s2mtls.adapters.vault.testing.TestPluginContext;
import io.s2mtls.adapters.vault.testing.VaultDouble;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.CredentialStoreContract;
import io.s2mtls.core.spi.StoreLocation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The shared store contract, run against the KV v2 store on the Vault double. */
class VaultCredentialStoreTest extends CredentialStoreContract {
    private static VaultDouble vault;
    private final String path = "s2mtls/contract-" + UUID.randomUUID();

    @BeforeAll
    static void start() {
        vault = VaultDouble.http();
    }

    @AfterAll
    static void stop() {
        vault.close();
    }

    private CredentialStore open(String token) {
        TestPluginContext context = TestPluginContext.of(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", token));
        return new VaultStoreProvider().open(StoreLocation.parse("vault:secret/" + path), context);
    }

    @Override
    protected CredentialStore openStore() {
        return open(vault.rootToken());
    }

    @Override
    protected CredentialStore openStoreWithWrongCredentials() {
        return open("hvs.wrong-" + UUID.randomUUID());
    }

    @Override
    protected ErrorKind wrongCredentialsKind() {
        return ErrorKind.EXTERNAL;
    }

    @Override
    protected Optional<byte[]> rawState() {
        return vault.rawKvTree("secret", path);
    }
}
