package io.s2mtls.adapters.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreChange;
import io.s2mtls.core.port.StoreSnapshot;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * A credential store kept in one secret of a KV version 2 engine.
 *
 * <h2>Layout</h2>
 * {@code vault:secret/s2mtls/prod} is the secret {@code s2mtls/prod} of the KV v2 mount {@code secret},
 * read and written at {@code /v1/secret/data/s2mtls/prod}. Its {@code data} map holds the whole store:
 * <pre>{@code
 * {"format": "s2mtls-store/1",
 *  "ca": {"certificate": "-----BEGIN CERTIFICATE-----...",
 *         "private_key": "<PKCS#8 PEM>"                                 (or instead:)
 *         "key_reference": "vault-transit:ca-key"},
 *  "credentials": {"alice": {"certificate": "<PEM>", "private_key": "<PKCS#8 PEM>"}, ...},
 *  "inventory": [{"serial": "<hex>", "name", "subject", "not_before", "not_after", "sha256",
 *                 "profile", "status", "recorded_at"}, ...],
 *  "audit": ["<one JSON line per event>", ...],
 *  "managed_users": ["<one JSON line per managed database user>", ...]}
 * }</pre>
 *
 * <h2>Why one secret</h2>
 * The store's contract wants every change atomic, and KV v2 offers exactly one atomic primitive: a
 * check-and-set write of one secret. With everything in one secret, a change is one {@code cas} write
 * against the version that was read, a reader always sees one committed version (never a CA from one
 * change and an inventory from another), and KV v2's version history (10 versions by default) doubles
 * as a rollback of the whole store ({@code vault kv rollback}). The price is size: each version is one
 * storage entry, and Vault's integrated storage refuses entries above {@code max_entry_size} (1 MiB by
 * default; Consul: 512 KiB). A credential with an RSA-2048 key costs about 3.5 KiB, an EC P-256 one about
 * 1.5 KiB, an inventory line about 0.3 KiB, so one store holds some 250 (RSA) to 600 (EC) credentials
 * with keys, and thousands of key-less inventory lines. Vault's refusal is reported as an EXTERNAL error.
 * A store that must grow past that would move credentials to immutable per-credential secrets written
 * before a CAS on an index secret; that is not done here.
 *
 * <h2>Concurrency</h2>
 * Every write carries {@code options.cas} = the version read ({@code 0} when the secret does not exist,
 * the kept version number when its latest version is soft-deleted or destroyed). On "check-and-set
 * parameter did not match" the store re-reads, re-applies the {@link StoreChange} to the fresh content
 * and retries after a jittered, growing pause, at most {@link #MAX_ATTEMPTS} times.
 *
 * <h2>Deleted versions</h2>
 * A latest version that is soft-deleted or destroyed (Vault answers 404 with a body and no
 * {@code errors}) reads as an empty store, as {@code vault kv get} shows nothing; the next write becomes
 * a new version on top of it. Older versions stay where {@code vault kv undelete/rollback} can reach them.
 */
final class VaultCredentialStore extends io.s2mtls.core.port.WholeSnapshotStore {
    static final int MAX_ATTEMPTS = 20;

    private final String description;
    private final String mount;
    private final String secretPath;
    private final Supplier<VaultClient> clientSupplier;
    private final AtomicInteger conflicts = new AtomicInteger();
    private VaultClient client;
    private StoreCodec codec;

    /** The content and the KV version it was read at (0: no such secret). */
    private record Versioned(StoreSnapshot snapshot, long version) {
    }

    VaultCredentialStore(String description, String mount, String secretPath, Supplier<VaultClient> clientSupplier) {
        this.description = requireNonNull(description, "description is null");
        this.mount = requireNonNull(mount, "mount is null");
        this.secretPath = requireNonNull(secretPath, "secretPath is null");
        this.clientSupplier = requireNonNull(clientSupplier, "clientSupplier is null");
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    protected StoreSnapshot readSnapshot() {
        return readCurrent("reading " + description).snapshot();
    }

    @Override
    protected StoreSnapshot updateSnapshot(StoreChange change) {
        requireNonNull(change, "change is null");
        String purpose = "updating " + description;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Versioned current = readCurrent(purpose);
            StoreSnapshot next = change.applyTo(current.snapshot());
            ObjectNode body = client().object();
            body.set("data", codec().encode(next));
            body.putObject("options").put("cas", current.version());
            VaultClient.Response response = client().call("POST", dataPath(), body, purpose);
            if (response.status() == 200) {
                client().kvWritten(response, dataPath(), current.version(), purpose);
                return next;
            }
            if (response.status() == 204) {
                throw client().failure(purpose, "mount '" + mount + "' is not a KV version 2 engine"
                        + " (it accepted the write without a version); use a KV v2 mount", null);
            }
            if (response.status() == 400 && response.errors().stream().anyMatch(e -> e.contains("check-and-set parameter did not match"))) {
                conflicts.incrementAndGet();
                pause(attempt, purpose);
                continue;
            }
            if (response.status() == 413 || response.errors().stream().anyMatch(e -> e.contains("too large"))) {
                throw client().failure(purpose, "Vault refused the store's secret as too large (" + body.toString().length()
                        + " bytes; " + VaultClient.vaultSays(response) + "); the store has outgrown one KV secret", null);
            }
            throw client().unexpected(response, purpose);
        }
        throw client().failure(purpose, "gave up after " + MAX_ATTEMPTS
                + " attempts: other writers changed the secret each time (check-and-set conflicts)", null);
    }

    /** How many check-and-set conflicts this store instance met and retried. */
    int conflicts() {
        return conflicts.get();
    }

    private Versioned readCurrent(String purpose) {
        VaultClient.Response response = client().call("GET", dataPath(), null, purpose);
        JsonNode data = response.status() == 200 ? client().kvRead(response, dataPath(), purpose) : response.data();
        if (response.status() == 200 && data.path("data").isObject()) {
            try {
                return new Versioned(codec().decode(data.get("data")), data.path("metadata").path("version").asLong());
            } catch (IllegalArgumentException e) {
                throw S2mtlsException.badInput(client().redact(description + ": the secret " + mount + "/data/" + secretPath
                        + " is not an s2mtls store: " + e.getMessage()), e);
            }
        }
        if (response.status() == 200 || (response.status() == 404 && !response.hasErrorsField()
                && data.path("metadata").path("version").isNumber())) {
            // the latest version is soft-deleted or destroyed: nothing to read, but its number counts for CAS
            return new Versioned(StoreSnapshot.empty(), data.path("metadata").path("version").asLong());
        }
        if (response.status() == 404 && response.hasErrorsField() && response.errors().isEmpty()) {
            return new Versioned(StoreSnapshot.empty(), 0);
        }
        throw client().unexpected(response, purpose);
    }

    private static void pause(int attempt, String purpose) {
        long ceiling = Math.min(1000, 10L << Math.min(attempt, 7));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling / 4, ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw S2mtlsException.external(purpose + ": interrupted", e);
        }
    }

    private String dataPath() {
        return mount + "/data/" + secretPath;
    }

    private synchronized VaultClient client() {
        if (client == null) {
            client = clientSupplier.get();
        }
        return client;
    }

    private synchronized StoreCodec codec() {
        if (codec == null) {
            codec = new StoreCodec(client().json());
        }
        return codec;
    }
}
