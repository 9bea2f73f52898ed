package io.s2mtls.adapters.vault;

import io.s2mtls.adapters.vault.testing.VaultDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Far past the old single-secret cliff (about 650 EC credentials) in one store, with the double refusing any
 * entry over 1 MiB as Vault does. 10,000 credentials: {@code VaultScale.main}.
 */
class VaultScaleTest {
    static final int COUNT = 2_000;

    @Test
    void thousandsOfCredentialsInOneStoreWithNoSecretOverTheLimit(TestReporter reporter) {
        try (VaultDouble vault = VaultDouble.http()) {
            VaultScale.Result result = VaultScale.run(vault, COUNT, 500);
            reporter.publishEntry("scale", result.toString());
            assertEquals(COUNT, result.listed());
            assertEquals(0, result.refused(), "Vault refused no write");
            assertTrue(result.largestEntry() < VaultDouble.DEFAULT_MAX_ENTRY_BYTES, result.toString());
            assertTrue(result.storedBytes() > 2L * VaultDouble.DEFAULT_MAX_ENTRY_BYTES,
                    "the store holds more than one secret could: " + result);
            assertEquals(3, result.credentialRequests(), "marker, shard, credential");
            assertTrue(result.indexRequests() <= 4 + 256 + 256 + 64, result.toString());
        }
    }
}
