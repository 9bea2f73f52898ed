package io.s2mtls.adapters.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.s2mtls.adapters.records.CredentialRecord;
import io.s2mtls.adapters.records.EntryRecord;
import io.s2mtls.adapters.records.ManagedUserRecord;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.port.StoredCredential;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The content of one index shard (credential references and inventory entries) or one user shard (managed
 * users), read from its secret, with what a batch does to it. Immutable.
 */
final class ShardState {
    static final ShardState EMPTY = new ShardState(Map.of(), Map.of(), Map.of());

    private final Map<String, StoreDocuments.ShardCredential> credentials;
    private final Map<BigInteger, StoreDocuments.ShardEntry> entries;
    private final Map<String, ManagedUser> users;
    /** The domain view, made once. */
    private final StoreIndex index;

    private ShardState(Map<String, StoreDocuments.ShardCredential> credentials, Map<BigInteger, StoreDocuments.ShardEntry> entries,
                       Map<String, ManagedUser> users) {
        this.credentials = credentials;
        this.entries = entries;
        this.users = users;
        Map<String, StoredCredential> stored = new LinkedHashMap<>();
        credentials.forEach((name, c) -> stored.put(name, c.credential().toCredential()));
        Map<BigInteger, InventoryEntry> domainEntries = new LinkedHashMap<>();
        entries.forEach((serial, e) -> domainEntries.put(serial, e.entry().toEntry()));
        this.index = new StoreIndex(Optional.empty(), stored, domainEntries, users);
    }

    /** Reads an index shard; an {@link IllegalArgumentException} says what is wrong. */
    static ShardState ofIndex(JsonNode data) {
        StoreDocuments.IndexShard shard = StoreDocuments.read(data, StoreDocuments.IndexShard.class);
        Map<String, StoreDocuments.ShardCredential> credentials = new LinkedHashMap<>();
        for (StoreDocuments.ShardCredential c : shard.credentials()) {
            if (c == null || c.credential() == null) {
                throw new IllegalArgumentException("a credential reference is empty");
            }
            credentials.put(c.credential().name(), c);
        }
        Map<BigInteger, StoreDocuments.ShardEntry> entries = new LinkedHashMap<>();
        for (StoreDocuments.ShardEntry e : shard.entries()) {
            if (e == null || e.entry() == null) {
                throw new IllegalArgumentException("an inventory entry is empty");
            }
            entries.put(e.entry().toEntry().serial(), e);
        }
        return new ShardState(credentials, entries, Map.of());
    }

    /** Reads a user shard; an {@link IllegalArgumentException} says what is wrong. */
    static ShardState ofUsers(JsonNode data) {
        Map<String, ManagedUser> users = new LinkedHashMap<>();
        for (ManagedUserRecord record : StoreDocuments.read(data, StoreDocuments.UserShard.class).users()) {
            ManagedUser user = record.toUser();
            users.put(user.key(), user);
        }
        return new ShardState(Map.of(), Map.of(), users);
    }

    /** Built directly, e.g. when a single-secret store is converted. */
    static ShardState of(Map<String, StoreDocuments.ShardCredential> credentials, Map<BigInteger, StoreDocuments.ShardEntry> entries,
                         Map<String, ManagedUser> users) {
        return new ShardState(new LinkedHashMap<>(credentials), new LinkedHashMap<>(entries), new LinkedHashMap<>(users));
    }

    JsonNode indexDocument() {
        return StoreDocuments.tree(new StoreDocuments.IndexShard(new ArrayList<>(credentials.values()), new ArrayList<>(entries.values())));
    }

    JsonNode usersDocument() {
        List<ManagedUserRecord> records = new ArrayList<>();
        users.values().forEach(u -> records.add(ManagedUserRecord.of(u)));
        return StoreDocuments.tree(new StoreDocuments.UserShard(records));
    }

    StoreIndex index() {
        return index;
    }

    Collection<StoreDocuments.ShardEntry> entries() {
        return entries.values();
    }

    Optional<StoreDocuments.ShardCredential> credential(String name) {
        return Optional.ofNullable(credentials.get(name));
    }

    /**
     * This shard with {@code writes} applied after checking their expectations against it: a new credential reference
     * points at the version in {@code versions}, a new entry takes its place from {@code orders}.
     *
     * @throws io.s2mtls.core.port.StoreConflictException when an expectation does not hold
     */
    ShardState applying(List<StoreWrite> writes, Map<String, Long> versions, Map<BigInteger, Long> orders) {
        StoreIndex next = index.applying(new StoreBatch(writes, List.of()));
        Map<String, StoreDocuments.ShardCredential> nextCredentials = new LinkedHashMap<>();
        next.credentials().forEach((name, c) -> {
            StoreDocuments.ShardCredential old = credentials.get(name);
            long version = versions.containsKey(name) ? versions.get(name) : old.version();
            nextCredentials.put(name, new StoreDocuments.ShardCredential(CredentialRecord.of(c), version));
        });
        Map<BigInteger, StoreDocuments.ShardEntry> nextEntries = new LinkedHashMap<>();
        next.entries().forEach((serial, e) -> {
            StoreDocuments.ShardEntry old = entries.get(serial);
            long order = old != null ? old.order() : orders.get(serial);
            nextEntries.put(serial, new StoreDocuments.ShardEntry(order, EntryRecord.of(e)));
        });
        return new ShardState(nextCredentials, nextEntries, new LinkedHashMap<>(next.managedUsers()));
    }

    /**
     * Undoes what {@code writes} did to this shard: every name, serial or user they touched that still holds what
     * {@code mine} wrote gets back what {@code before} held. Keys another writer changed since are left alone.
     */
    ShardState restoring(ShardState before, ShardState mine, List<StoreWrite> writes) {
        Map<String, StoreDocuments.ShardCredential> c = new LinkedHashMap<>(credentials);
        Map<BigInteger, StoreDocuments.ShardEntry> e = new LinkedHashMap<>(entries);
        Map<String, ManagedUser> u = new LinkedHashMap<>(users);
        for (StoreWrite write : writes) {
            if (write instanceof StoreWrite.PutCredential put) {
                restore(c, put.credential().name(), before.credentials, mine.credentials);
            } else if (write instanceof StoreWrite.RemoveCredential remove) {
                restore(c, remove.name(), before.credentials, mine.credentials);
            } else if (write instanceof StoreWrite.AddEntry add) {
                restore(e, add.entry().serial(), before.entries, mine.entries);
            } else if (write instanceof StoreWrite.UpdateEntry update) {
                restore(e, update.entry().serial(), before.entries, mine.entries);
            } else if (write instanceof StoreWrite.PutManagedUser put) {
                restore(u, put.key(), before.users, mine.users);
            }
        }
        return new ShardState(c, e, u);
    }

    boolean sameAs(ShardState other) {
        return credentials.equals(other.credentials) && entries.equals(other.entries) && users.equals(other.users);
    }

    private static <K, V> void restore(Map<K, V> now, K key, Map<K, V> before, Map<K, V> mine) {
        if (Objects.equals(now.get(key), mine.get(key))) {
            if (before.containsKey(key)) {
                now.put(key, before.get(key));
            } else {
                now.remove(key);
            }
        }
    }
}
