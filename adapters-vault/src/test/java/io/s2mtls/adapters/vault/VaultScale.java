package io.s2mtls.adapters.vault;

import io.s2mtls.adapters.vault.testing.TestPluginContext;
import io.s2mtls.adapters.vault.testing.VaultDouble;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.spi.StoreLocation;
import io.s2mtls.core.testing.TestPki;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Fills one Vault store (on the double, with Vault's 1 MiB entry limit) with {@code count} credentials in bulk
 * batches, then lists the index and reads one credential, counting requests. Used by {@link VaultScaleTest} (2,000)
 * and, for 10,000 credentials, by {@link #main} (arguments: COUNT [BATCH], default 10000 1000), run by command:
 * <pre>
 * ./mvnw -o -q -B -pl adapters-vault -am -DskipTests test-compile
 * ./mvnw -o -q -B -pl adapters-vault dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * cd adapters-vault &amp;&amp; java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" io.s2mtls.adapters.vault.VaultScale 10000 1000
 * </pre>
 */
public final class VaultScale {
    /** What one run measured. */
    public record Result(int count, long fillMillis, long indexMillis, int indexRequests, int credentialRequests, int listed,
                         long largestEntry, long storedBytes, int refused, int secrets) {
        @Override
        public String toString() {
            return String.format("%,d credentials: filled in %.1f s; index() %d ms, %d requests, %d credentials listed; credential() %d requests;"
                            + " largest secret %,d bytes (limit %,d); all secrets %,d bytes in %,d secrets; refused as too large: %d",
                    count, fillMillis / 1000.0, indexMillis, indexRequests, listed, credentialRequests, largestEntry,
                    VaultDouble.DEFAULT_MAX_ENTRY_BYTES, storedBytes, secrets, refused);
        }
    }

    private VaultScale() {
    }

    public static Result run(VaultDouble vault, int count, int batchSize) {
        KeyPair caKeys = TestPki.ecKeyPair();
        X509Certificate caCert = TestPki.selfSigned(caKeys, "CN=Scale CA", true);
        KeyPair keys = TestPki.ecKeyPair(); // one key for all: the store does not look, and key generation is not what is measured
        TestPluginContext context = TestPluginContext.of(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", vault.rootToken()));
        long started = System.nanoTime();
        try (CredentialStore store = new VaultStoreProvider().open(StoreLocation.parse("vault:secret/s2mtls/scale"), context)) {
            store.commit(StoreBatch.of(new StoreWrite.SetAuthority(CaMaterial.local(caCert, caKeys.getPrivate()), Optional.empty()),
                    VaultStoreBehaviourTest.event("ca.create")));
            for (int from = 0; from < count; from += batchSize) {
                int first = from;
                List<Credential> credentials = IntStream.range(first, Math.min(count, first + batchSize)).parallel()
                        .mapToObj(i -> new Credential("user-" + i, TestPki.signed(keys, "CN=user-" + i + ",O=s2mtls", caKeys, "CN=Scale CA", false),
                                Optional.of(keys.getPrivate()))).toList();
                StoreBatch.Builder batch = StoreBatch.builder();
                for (Credential credential : credentials) {
                    InventoryEntry entry = VaultStoreBehaviourTest.entry(credential);
                    batch.write(new StoreWrite.PutCredential(credential, Optional.empty())).write(new StoreWrite.AddEntry(entry))
                            .audit(AuditEvent.certificate(entry.recordedAt(), "scale", "cert.issue", entry, Optional.empty()));
                }
                store.commit(batch.build());
            }
        }
        long filled = System.nanoTime();
        try (CredentialStore store = new VaultStoreProvider().open(StoreLocation.parse("vault:secret/s2mtls/scale"), context)) {
            store.recentAudit(1); // logs in, so that the counts below are the store's own requests
            int before = vault.requests().size();
            long indexStart = System.nanoTime();
            StoreIndex index = store.index();
            long indexMillis = (System.nanoTime() - indexStart) / 1_000_000;
            int indexRequests = vault.requests().size() - before;
            if (index.credentials().size() != count || index.entries().size() != count) {
                throw new AssertionError("index lists " + index.credentials().size() + " credentials and " + index.entries().size() + " entries");
            }
            before = vault.requests().size();
            String name = "user-" + (count / 2);
            Credential read = store.credential(name).orElseThrow(() -> new AssertionError(name + " missing"));
            if (!read.certificate().getSerialNumber().equals(index.credential(name).orElseThrow().serial())) {
                throw new AssertionError("credential " + name + " does not hold the serial the index names");
            }
            int credentialRequests = vault.requests().size() - before;
            long stored = 0;
            List<String> keysStored = new ArrayList<>(vault.kvKeys("secret", "s2mtls/scale"));
            for (String key : keysStored) {
                stored += vault.kvData("secret", key).map(d -> (long) d.toString().length()).orElse(0L);
            }
            return new Result(count, (filled - started) / 1_000_000, indexMillis, indexRequests, credentialRequests,
                    index.credentials().size(), vault.largestEntry(), stored, vault.refusedAsTooLarge(), keysStored.size());
        }
    }

    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        try (VaultDouble vault = VaultDouble.http()) {
            System.out.println(run(vault, count, batch));
        }
    }
}
