package io.s2mtls.core.port;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Everything a credential store holds, as one immutable value: the CA, the named credentials, the
 * inventory of every certificate issued (including those signed from a CSR, which have no credential),
 * the audit trail, and the database users s2mtls manages. Changes produce new snapshots; stores persist
 * snapshots atomically, all five parts together.
 */
public record StoreSnapshot(Optional<CaMaterial> authority, Map<String, Credential> credentials, List<InventoryEntry> inventory,
                            List<AuditEvent> audit, Map<String, ManagedUser> managedUsers) {
    public StoreSnapshot {
        requireNonNull(authority, "authority is null");
        credentials = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(credentials, "credentials is null")));
        inventory = List.copyOf(requireNonNull(inventory, "inventory is null"));
        audit = List.copyOf(requireNonNull(audit, "audit is null"));
        managedUsers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(managedUsers, "managedUsers is null")));
    }

    /** A snapshot without audit trail or managed users (for stores written before those existed). */
    public StoreSnapshot(Optional<CaMaterial> authority, Map<String, Credential> credentials, List<InventoryEntry> inventory) {
        this(authority, credentials, inventory, List.of(), Map.of());
    }

    public static StoreSnapshot empty() {
        return new StoreSnapshot(Optional.empty(), Map.of(), List.of(), List.of(), Map.of());
    }

    /** Appends events to the audit trail. */
    public StoreSnapshot withAudit(List<AuditEvent> events) {
        List<AuditEvent> next = new ArrayList<>(audit);
        next.addAll(events);
        return new StoreSnapshot(authority, credentials, inventory, next, managedUsers);
    }

    /** Records (or, with an empty value, forgets) a managed database user. */
    public StoreSnapshot withManagedUser(String key, Optional<ManagedUser> user) {
        Map<String, ManagedUser> next = new LinkedHashMap<>(managedUsers);
        if (user.isPresent()) {
            next.put(key, user.get());
        } else {
            next.remove(key);
        }
        return new StoreSnapshot(authority, credentials, inventory, audit, next);
    }

    /** The CA, or a bad-input error telling the operator to create or import one. */
    public CaMaterial requireAuthority() {
        return authority.orElseThrow(() -> S2mtlsException.badInput(
                "the store has no CA yet; run 's2mtls ca create --subject DN' or 's2mtls ca import' first"));
    }

    public Optional<Credential> credential(String name) {
        return Optional.ofNullable(credentials.get(name));
    }

    public Optional<InventoryEntry> entry(BigInteger serial) {
        return inventory.stream().filter(e -> e.serial().equals(serial)).findFirst();
    }

    public StoreSnapshot withAuthority(CaMaterial ca) {
        return new StoreSnapshot(Optional.of(ca), credentials, inventory, audit, managedUsers);
    }

    /**
     * Adds a credential and its inventory entry. Refuses a name already taken (unless {@code replace})
     * and a serial already recorded, so no serial is ever issued twice from one store.
     */
    public StoreSnapshot withIssued(Optional<Credential> credential, InventoryEntry entry, boolean replace) {
        if (entry(entry.serial()).isPresent()) {
            throw S2mtlsException.internal("serial " + entry.serialHex() + " is already recorded in the store", null);
        }
        Map<String, Credential> nextCredentials = new LinkedHashMap<>(credentials);
        if (credential.isPresent()) {
            String name = credential.get().name();
            if (nextCredentials.containsKey(name) && !replace) {
                throw S2mtlsException.badInput("--name: a credential named '" + name
                        + "' is already in the store; choose another name or pass --force to replace it");
            }
            nextCredentials.put(name, credential.get());
        }
        List<InventoryEntry> nextInventory = new ArrayList<>(inventory);
        nextInventory.add(entry);
        return new StoreSnapshot(authority, nextCredentials, nextInventory, audit, managedUsers);
    }

    public StoreSnapshot withEntry(InventoryEntry replacement) {
        List<InventoryEntry> next = new ArrayList<>(inventory.size());
        boolean found = false;
        for (InventoryEntry e : inventory) {
            if (e.serial().equals(replacement.serial())) {
                next.add(replacement);
                found = true;
            } else {
                next.add(e);
            }
        }
        if (!found) {
            throw S2mtlsException.badInput("serial " + replacement.serialHex() + " is not in the store's inventory");
        }
        return new StoreSnapshot(authority, credentials, next, audit, managedUsers);
    }
}
