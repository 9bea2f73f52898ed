package io.s2mtls.adapters.vault;

import io.s2mtls.adapters.vault.testing.TestPluginContext;
import io.s2mtls.adapters.vault.testing.TestTls;
import io.s2mtls.adapters.vault.testing.VaultDouble;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.CredentialStoreContract;
import io.s2mtls.core.spi.StoreLocation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The shared store contract again, over TLS (VAULT_CACERT), in a namespace, with an AppRole login. */
class VaultCredentialStoreOverTlsTest extends CredentialStoreContract {
    private static VaultDouble vault;
    private static Path caFile;
    private static Path roleIdFile;
    private static Path secretIdFile;
    private final String path = "s2mtls/tls-" + UUID.randomUUID();

    @BeforeAll
    static void start() throws Exception {
        TestTls tls = TestTls.create("Contract Vault CA");
        vault = VaultDouble.https(tls);
        vault.createNamespace("team-a");
        vault.mount("team-a/kv", "kv-v2");
        vault.policy("s2mtls", "team-a/kv/data/s2mtls/", "team-a/kv/metadata/s2mtls/");
        vault.appRole("team-a/auth/approle", "s2mtls", "role-contract", "secret-contract", java.util.List.of("s2mtls"), java.time.Duration.ofHours(1));
        Path dir = Files.createTempDirectory("vault-tls-contract");
        caFile = tls.writeCaPem(dir.resolve("ca.pem"));
        roleIdFile = Files.writeString(dir.resolve("role-id"), "role-contract");
        secretIdFile = Files.writeString(dir.resolve("secret-id"), "secret-contract");
    }

    @AfterAll
    static void stop() {
        vault.close();
    }

    private TestPluginContext context() {
        return TestPluginContext.of(Map.of("VAULT_ADDR", vault.address(), "VAULT_CACERT", caFile.toString(), "VAULT_NAMESPACE", "team-a"));
    }

    @Override
    protected CredentialStore openStore() {
        return new VaultStoreProvider().open(StoreLocation.parse("vault:kv/" + path), context()
                .withOption("role-id-file", roleIdFile.toString()).withOption("secret-id-file", secretIdFile.toString()));
    }

    @Override
    protected CredentialStore openStoreWithWrongCredentials() {
        return new VaultStoreProvider().open(StoreLocation.parse("vault:kv/" + path),
                context().withEnvironment("VAULT_TOKEN", "hvs.wrong-" + UUID.randomUUID()));
    }

    @Override
    protected ErrorKind wrongCredentialsKind() {
        return ErrorKind.EXTERNAL;
    }

    @Override
    protected Optional<byte[]> rawState() {
        return vault.rawKvTree("team-a/kv", path);
    }
}
