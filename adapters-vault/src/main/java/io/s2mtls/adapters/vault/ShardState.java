package io.s2mtls.adapters.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.s2mtls.adapters.records.CredentialRecord;
import io.s2mtls.adapters.records.EntryRecord;
import io.s2mtls.adapters.records.ManagedUserRecord;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.port.StoreConflictException;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.port.StoredCredential;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The content of one shard secret, read from it, with what a batch does to it. A shard holds one kind of
 * thing: credential references ({@code names/HH}), inventory entries ({@code entries/HH}) or managed users
 * ({@code users/HH}). Immutable.
 */
final class ShardState {
    /** The kinds of shard, in the order a commit writes them: an entry before the reference that needs it. */
    enum Kind {
        ENTRIES("entries"), NAMES("names"), USERS("users");

        final String directory;

        Kind(String directory) {
            this.directory = directory;
        }
    }

    private final Kind kind;
    private final Map<String, StoreDocuments.ShardCredential> credentials;
    private final Map<BigInteger, StoreDocuments.ShardEntry> entries;
    private final Map<String, ManagedUser> users;

    private ShardState(Kind kind, Map<String, StoreDocuments.ShardCredential> credentials,
                       Map<BigInteger, StoreDocuments.ShardEntry> entries, Map<String, ManagedUser> users) {
        this.kind = kind;
        this.credentials = credentials;
        this.entries = entries;
        this.users = users;
    }

    static ShardState empty(Kind kind) {
        return new ShardState(kind, Map.of(), Map.of(), Map.of());
    }

    /** Reads a shard of {@code kind}; an {@link IllegalArgumentException} says what is wrong. */
    static ShardState read(Kind kind, JsonNode data) {
        Map<String, StoreDocuments.ShardCredential> credentials = new LinkedHashMap<>();
        Map<BigInteger, StoreDocuments.ShardEntry> entries = new LinkedHashMap<>();
        Map<String, ManagedUser> users = new LinkedHashMap<>();
        switch (kind) {
            case NAMES -> {
                for (StoreDocuments.ShardCredential c : StoreDocuments.read(data, StoreDocuments.NameShard.class).credentials()) {
                    if (c == null || c.credential() == null) {
                        throw new IllegalArgumentException("a credential reference is empty");
                    }
                    credentials.put(c.credential().toCredential().name(), c);
                }
            }
            case ENTRIES -> {
                for (StoreDocuments.ShardEntry e : StoreDocuments.read(data, StoreDocuments.EntryShard.class).entries()) {
                    if (e == null || e.entry() == null) {
                        throw new IllegalArgumentException("an inventory entry is empty");
                    }
                    entries.put(e.entry().toEntry().serial(), e);
                }
            }
            default -> {
                for (ManagedUserRecord record : StoreDocuments.read(data, StoreDocuments.UserShard.class).users()) {
                    ManagedUser user = record.toUser();
                    users.put(user.key(), user);
                }
            }
        }
        return new ShardState(kind, credentials, entries, users);
    }

    static ShardState names(Map<String, StoreDocuments.ShardCredential> credentials) {
        return new ShardState(Kind.NAMES, new LinkedHashMap<>(credentials), Map.of(), Map.of());
    }

    static ShardState entries(Map<BigInteger, StoreDocuments.ShardEntry> entries) {
        return new ShardState(Kind.ENTRIES, Map.of(), new LinkedHashMap<>(entries), Map.of());
    }

    static ShardState users(Map<String, ManagedUser> users) {
        return new ShardState(Kind.USERS, Map.of(), Map.of(), new LinkedHashMap<>(users));
    }

    /** The document of this shard's secret. */
    JsonNode document() {
        switch (kind) {
            case NAMES:
                return StoreDocuments.tree(new StoreDocuments.NameShard(new ArrayList<>(credentials.values())));
            case ENTRIES:
                return StoreDocuments.tree(new StoreDocuments.EntryShard(new ArrayList<>(entries.values())));
            default:
                List<ManagedUserRecord> records = new ArrayList<>();
                users.values().forEach(u -> records.add(ManagedUserRecord.of(u)));
                return StoreDocuments.tree(new StoreDocuments.UserShard(records));
        }
    }

    Map<String, StoredCredential> storedCredentials() {
        Map<String, StoredCredential> stored = new LinkedHashMap<>();
        credentials.forEach((name, c) -> stored.put(name, c.credential().toCredential()));
        return stored;
    }

    Map<BigInteger, InventoryEntry> inventory() {
        Map<BigInteger, InventoryEntry> inventory = new LinkedHashMap<>();
        entries.forEach((serial, e) -> inventory.put(serial, e.entry().toEntry()));
        return inventory;
    }

    Map<String, ManagedUser> managedUsers() {
        return users;
    }

    Collection<StoreDocuments.ShardEntry> entries() {
        return entries.values();
    }

    Optional<StoreDocuments.ShardCredential> credential(String name) {
        return Optional.ofNullable(credentials.get(name));
    }

    /**
     * This shard with {@code writes} (all of which belong to it) applied after checking their expectations against it,
     * as {@link io.s2mtls.core.port.StoreIndex#applying} checks them: a new credential reference points at the version in
     * {@code versions}, a new entry takes its place from {@code orders}.
     *
     * @throws StoreConflictException when an expectation does not hold
     */
    ShardState applying(List<StoreWrite> writes, Map<String, Long> versions, Map<BigInteger, Long> orders) {
        Map<String, StoreDocuments.ShardCredential> c = new LinkedHashMap<>(credentials);
        Map<BigInteger, StoreDocuments.ShardEntry> e = new LinkedHashMap<>(entries);
        Map<String, ManagedUser> u = new LinkedHashMap<>(users);
        for (StoreWrite write : writes) {
            if (write instanceof StoreWrite.PutCredential put) {
                String name = put.credential().name();
                Optional<BigInteger> now = Optional.ofNullable(c.get(name)).map(r -> serial(r));
                if (!now.equals(put.replacing())) {
                    throw new StoreConflictException("credential '" + name + "' " + (now.isPresent() ? "holds serial " + now.get().toString(16) : "is absent")
                            + ", not " + put.replacing().map(s -> "serial " + s.toString(16)).orElse("absent"));
                }
                c.put(name, new StoreDocuments.ShardCredential(CredentialRecord.of(new StoredCredential(name,
                        put.credential().certificate().getSerialNumber(), put.credential().privateKey().isPresent())), versions.get(name)));
            } else if (write instanceof StoreWrite.RemoveCredential remove) {
                StoreDocuments.ShardCredential now = c.get(remove.name());
                if (now == null || !serial(now).equals(remove.serial())) {
                    throw new StoreConflictException("credential '" + remove.name() + "' does not hold serial " + remove.serial().toString(16));
                }
                c.remove(remove.name());
            } else if (write instanceof StoreWrite.AddEntry add) {
                if (e.containsKey(add.entry().serial())) {
                    throw new StoreConflictException("serial " + add.entry().serialHex() + " is already recorded");
                }
                e.put(add.entry().serial(), new StoreDocuments.ShardEntry(orders.get(add.entry().serial()), EntryRecord.of(add.entry())));
            } else if (write instanceof StoreWrite.UpdateEntry update) {
                StoreDocuments.ShardEntry now = e.get(update.entry().serial());
                InventoryEntry current = now == null ? null : now.entry().toEntry();
                if (current == null || current.status() != update.expectedStatus()) {
                    throw new StoreConflictException("serial " + update.entry().serialHex() + " is "
                            + (current == null ? "not recorded" : current.status().name().toLowerCase(Locale.ROOT))
                            + ", not " + update.expectedStatus().name().toLowerCase(Locale.ROOT));
                }
                e.put(update.entry().serial(), new StoreDocuments.ShardEntry(now.order(), EntryRecord.of(update.entry())));
            } else if (write instanceof StoreWrite.PutManagedUser put) {
                if (!Optional.ofNullable(u.get(put.key())).equals(put.expected())) {
                    throw new StoreConflictException("the record of database user " + put.key() + " changed");
                }
                if (put.user().isPresent()) {
                    u.put(put.key(), put.user().get());
                } else {
                    u.remove(put.key());
                }
            } else {
                throw new IllegalArgumentException("a shard cannot apply " + write);
            }
        }
        return new ShardState(kind, c, e, u);
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
        return new ShardState(kind, c, e, u);
    }

    boolean sameAs(ShardState other) {
        return credentials.equals(other.credentials) && entries.equals(other.entries) && users.equals(other.users);
    }

    private static BigInteger serial(StoreDocuments.ShardCredential reference) {
        return reference.credential().toCredential().serial();
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
