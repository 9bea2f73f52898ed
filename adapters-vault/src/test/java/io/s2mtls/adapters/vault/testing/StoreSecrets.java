package io.s2mtls.adapters.vault.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a granular Vault store keeps in the double, read secret by secret without the adapter: the marker at the
 * store's path, the CA, one secret per credential, the shards and the audit chunks.
 */
public final class StoreSecrets {
    private final VaultDouble vault;
    private final String mount;
    private final String path;

    public StoreSecrets(VaultDouble vault, String mount, String path) {
        this.vault = vault;
        this.mount = mount;
        this.path = path;
    }

    /** The marker's data at the store's own path. */
    public JsonNode marker() {
        return vault.kvData(mount, path).orElseThrow(() -> new AssertionError("no secret at " + mount + "/" + path));
    }

    public String generation() {
        return marker().get("generation").asText();
    }

    private String base() {
        return path + "/" + generation() + "/";
    }

    public Optional<JsonNode> ca() {
        return vault.kvData(mount, base() + "ca");
    }

    public Optional<JsonNode> credential(String name) {
        return vault.kvData(mount, base() + "credentials/" + name);
    }

    /** The names the {@code names/} shards refer to. */
    public Set<String> credentialNames() {
        Set<String> names = new TreeSet<>();
        for (JsonNode shard : shards("names")) {
            shard.get("credentials").forEach(c -> names.add(c.at("/credential/name").asText()));
        }
        return names;
    }

    /** Every inventory entry in the {@code entries/} shards (the EntryRecord of each). */
    public List<JsonNode> entries() {
        List<JsonNode> entries = new ArrayList<>();
        for (JsonNode shard : shards("entries")) {
            shard.get("entries").forEach(e -> entries.add(e.get("entry")));
        }
        return entries;
    }

    /** The latest data of each secret in directory {@code names}, {@code entries}, {@code users} or {@code audit}. */
    public List<JsonNode> shards(String directory) {
        List<JsonNode> shards = new ArrayList<>();
        for (String key : vault.kvKeys(mount, base() + directory + "/")) {
            vault.kvData(mount, key).ifPresent(shards::add);
        }
        return shards;
    }

    /** Every secret of the store (the marker and everything under the store's path). */
    public List<String> keys() {
        return vault.kvKeys(mount, path).stream().filter(k -> k.equals(path) || k.startsWith(path + "/")).toList();
    }
}
