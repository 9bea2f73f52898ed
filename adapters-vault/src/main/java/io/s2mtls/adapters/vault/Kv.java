package io.s2mtls.adapters.vault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s2mtls.core.error.S2mtlsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The KV version 2 operations the store needs, on one mount, each answered strictly: read a secret with its
 * version, write it with check-and-set, list a directory. Anything Vault answers that is not one of the
 * documented shapes is an EXTERNAL error that names the path.
 */
final class Kv {
    private final String mount;
    private final Supplier<VaultClient> client;

    /** One secret as read: its data (empty when there is none, or its latest version is deleted) and its current version (0: none). */
    record Secret(Optional<JsonNode> data, long version) {
        static final Secret NONE = new Secret(Optional.empty(), 0);

        boolean exists() {
            return data.isPresent();
        }
    }

    /** A check-and-set write refused: the secret's version is not the one given. */
    static final class CasMismatch extends RuntimeException {
        CasMismatch(String path) {
            super("check-and-set conflict on " + path, null, false, false);
        }
    }

    Kv(String mount, Supplier<VaultClient> client) {
        this.mount = requireNonNull(mount, "mount is null");
        this.client = requireNonNull(client, "client is null");
    }

    String dataPath(String key) {
        return mount + "/data/" + key;
    }

    /** The latest version of {@code key}. */
    Secret read(String key, String purpose) {
        return read(key, 0, purpose);
    }

    /** Version {@code version} of {@code key} (0: the latest). */
    Secret read(String key, long version, String purpose) {
        VaultClient vault = client.get();
        String path = dataPath(key);
        VaultClient.Response response = vault.call("GET", version > 0 ? path + "?version=" + version : path, null, purpose);
        if (response.status() == 200) {
            JsonNode data = vault.kvRead(response, path, purpose);
            long current = data.path("metadata").path("version").asLong();
            return data.path("data").isObject() ? new Secret(Optional.of(data.get("data")), current) : new Secret(Optional.empty(), current);
        }
        JsonNode data = response.data();
        if (response.status() == 404 && !response.hasErrorsField() && data.path("metadata").path("version").isIntegralNumber()) {
            // a soft-deleted or destroyed version: nothing to read, but its number counts for check-and-set
            return new Secret(Optional.empty(), data.path("metadata").path("version").asLong());
        }
        if (response.status() == 404 && response.hasErrorsField() && response.errors().isEmpty()) {
            return Secret.NONE;
        }
        throw vault.unexpected(response, purpose);
    }

    /**
     * Writes {@code data} to {@code key} if its current version is {@code cas} (0: it must not exist) and returns
     * the new version.
     *
     * @throws CasMismatch when the version is another
     */
    long write(String key, JsonNode data, long cas, String purpose) {
        VaultClient vault = client.get();
        String path = dataPath(key);
        ObjectNode body = vault.object();
        body.set("data", data);
        body.putObject("options").put("cas", cas);
        VaultClient.Response response = vault.call("POST", path, body, purpose);
        if (response.status() == 200) {
            return vault.kvWritten(response, path, cas, purpose);
        }
        if (response.status() == 204) {
            throw vault.failure(purpose, "mount '" + mount + "' is not a KV version 2 engine"
                    + " (it accepted the write without a version); use a KV v2 mount", null);
        }
        if (response.status() == 400 && response.errors().stream().anyMatch(e -> e.contains("check-and-set parameter did not match"))) {
            throw new CasMismatch(path);
        }
        if (response.status() == 413 || response.errors().stream().anyMatch(e -> e.contains("too large"))) {
            throw vault.failure(purpose, "Vault refused " + path + " as too large (" + size(data) + " bytes; "
                    + VaultClient.vaultSays(response) + ")", null);
        }
        throw vault.unexpected(response, purpose);
    }

    /** The names in directory {@code key} (sub-directories end with '/'); empty when there is nothing. */
    List<String> list(String key, String purpose) {
        VaultClient vault = client.get();
        String path = mount + "/metadata/" + key + "/";
        VaultClient.Response response = vault.call("LIST", path, null, purpose);
        if (response.status() == 404 && response.hasErrorsField() && response.errors().isEmpty()) {
            return List.of();
        }
        if (response.status() != 200 || !response.data().path("keys").isArray()) {
            if (response.status() == 200) {
                throw vault.failure(purpose, "the answer to listing " + path + " has no data.keys; is VAULT_ADDR Vault itself?", null);
            }
            throw vault.unexpected(response, purpose);
        }
        List<String> names = new ArrayList<>();
        response.data().get("keys").forEach(name -> names.add(name.asText()));
        return names;
    }

    /** The size of {@code data} as JSON, as a write carries it. */
    static int size(JsonNode data) {
        try {
            return io.s2mtls.adapters.records.StoreJson.mapper().writeValueAsBytes(data).length;
        } catch (JsonProcessingException e) {
            throw S2mtlsException.internal("cannot encode a Vault secret", e);
        }
    }
}
