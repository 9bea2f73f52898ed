package io.s2mtls.core.port;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;

import java.math.BigInteger;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a store holds, without any private key and without the audit trail: the CAs' certificates (the issuing
 * CA, and during a rotation the other one, see {@link Authorities}), the
 * named credentials, the inventory of every certificate issued (keyed by serial, in the order they were
 * recorded) and the database users s2mtls manages. Reading it decrypts no key; a store returns the
 * latest committed index, and an index never changes after it is read.
 */
public record StoreIndex(Optional<Authorities> authorities, Map<String, StoredCredential> credentials,
                         Map<BigInteger, InventoryEntry> entries, Map<String, ManagedUser> managedUsers) {
    public StoreIndex {
        requireNonNull(authorities, "authorities is null");
        credentials = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(credentials, "credentials is null")));
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(entries, "entries is null")));
        managedUsers = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(managedUsers, "managedUsers is null")));
    }

    public static StoreIndex empty() {
        return new StoreIndex(Optional.empty(), Map.of(), Map.of(), Map.of());
    }

    /** The issuing CA's certificates (the CA that signs new certificates), read without decrypting any key. */
    public Optional<CaCertificates> authority() {
        return authorities.map(Authorities::issuing);
    }

    /** Every inventory entry, in the order they were recorded. */
    public Collection<InventoryEntry> inventory() {
        return entries.values();
    }

    public Optional<InventoryEntry> entry(BigInteger serial) {
        return Optional.ofNullable(entries.get(serial));
    }

    public Optional<StoredCredential> credential(String name) {
        return Optional.ofNullable(credentials.get(name));
    }

    /** The inventory entry of the certificate the credential {@code name} holds now. */
    public Optional<InventoryEntry> currentEntry(String name) {
        return credential(name).flatMap(c -> entry(c.serial()));
    }

    /**
     * This index with {@code batch} applied, after checking every expectation of the batch against it: a
     * store calls this under its lock (or per entry, inside its compare-and-set) with its latest index.
     * It copies the index once per batch, whatever the batch's size.
     *
     * @throws StoreConflictException naming the first entry whose expectation does not hold
     */
    public StoreIndex applying(StoreBatch batch) {
        Optional<Authorities> nextAuthority = authorities;
        Map<String, StoredCredential> nextCredentials = new LinkedHashMap<>(credentials);
        Map<BigInteger, InventoryEntry> nextEntries = new LinkedHashMap<>(entries);
        Map<String, ManagedUser> nextUsers = new LinkedHashMap<>(managedUsers);
        for (StoreWrite write : batch.writes()) {
            if (write instanceof StoreWrite.SetAuthority set) {
                Optional<io.s2mtls.core.pki.AuthorityState> now = nextAuthority.map(Authorities::state);
                if (!now.equals(set.replacing())) {
                    throw new StoreConflictException("the CAs are " + now.map(Object::toString).orElse("absent")
                            + ", not " + set.replacing().map(Object::toString).orElse("absent"));
                }
                nextAuthority = Optional.of(set.authorities().certificates());
            } else if (write instanceof StoreWrite.PutCredential put) {
                String name = put.credential().name();
                Optional<BigInteger> now = Optional.ofNullable(nextCredentials.get(name)).map(StoredCredential::serial);
                if (!now.equals(put.replacing())) {
                    throw new StoreConflictException("credential '" + name + "' " + (now.isPresent() ? "holds serial " + now.get().toString(16) : "is absent")
                            + ", not " + put.replacing().map(s -> "serial " + s.toString(16)).orElse("absent"));
                }
                nextCredentials.put(name, new StoredCredential(name, put.credential().certificate().getSerialNumber(),
                        put.credential().privateKey().isPresent()));
            } else if (write instanceof StoreWrite.RemoveCredential remove) {
                StoredCredential now = nextCredentials.get(remove.name());
                if (now == null || !now.serial().equals(remove.serial())) {
                    throw new StoreConflictException("credential '" + remove.name() + "' does not hold serial " + remove.serial().toString(16));
                }
                nextCredentials.remove(remove.name());
            } else if (write instanceof StoreWrite.AddEntry add) {
                if (nextEntries.containsKey(add.entry().serial())) {
                    throw new StoreConflictException("serial " + add.entry().serialHex() + " is already recorded");
                }
                nextEntries.put(add.entry().serial(), add.entry());
            } else if (write instanceof StoreWrite.UpdateEntry update) {
                InventoryEntry now = nextEntries.get(update.entry().serial());
                if (now == null || now.status() != update.expectedStatus()) {
                    throw new StoreConflictException("serial " + update.entry().serialHex() + " is "
                            + (now == null ? "not recorded" : now.status().name().toLowerCase(java.util.Locale.ROOT))
                            + ", not " + update.expectedStatus().name().toLowerCase(java.util.Locale.ROOT));
                }
                nextEntries.put(update.entry().serial(), update.entry());
            } else if (write instanceof StoreWrite.PutManagedUser put) {
                Optional<ManagedUser> now = Optional.ofNullable(nextUsers.get(put.key()));
                if (!now.equals(put.expected())) {
                    throw new StoreConflictException("the record of database user " + put.key() + " changed");
                }
                if (put.user().isPresent()) {
                    nextUsers.put(put.key(), put.user().get());
                } else {
                    nextUsers.remove(put.key());
                }
            } else {
                throw new IllegalArgumentException("unknown store write " + write);
            }
        }
        for (StoredCredential credential : nextCredentials.values()) {
            if (!credentials.containsKey(credential.name()) || !credentials.get(credential.name()).equals(credential)) {
                if (!nextEntries.containsKey(credential.serial())) {
                    throw new IllegalArgumentException("credential '" + credential.name() + "' holds serial "
                            + credential.serial().toString(16) + " but the batch records no inventory entry for it");
                }
            }
        }
        return new StoreIndex(nextAuthority, nextCredentials, nextEntries, nextUsers);
    }

    /** The CA, or a bad-input error telling the operator to create or import one. */
    public CaCertificates requireAuthority() {
        return authority().orElseThrow(() -> S2mtlsException.badInput(
                "the store has no CA yet; run 's2mtls ca create --subject DN' or 's2mtls ca import' first"));
    }
}
