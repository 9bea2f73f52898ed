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
import java.util.Objects;
import java.util.Optional;

/** The whole-snapshot view of a granular store (see {@link CredentialStore#read()}); O(store). */
final class StoreSnapshots {
    private static final int ATTEMPTS = 20;

    private StoreSnapshots() {
    }

    static StoreSnapshot read(CredentialStore store) {
        StoreIndex index = store.index();
        return snapshot(store, index);
    }

    private static StoreSnapshot snapshot(CredentialStore store, StoreIndex index) {
        Optional<CaMaterial> authority = index.authority().isPresent() ? store.authority() : Optional.empty();
        Map<String, Credential> credentials = new LinkedHashMap<>();
        for (String name : index.credentials().keySet()) {
            store.credential(name).ifPresent(c -> credentials.put(name, c));
        }
        return new StoreSnapshot(authority, credentials, new ArrayList<>(index.inventory()),
                store.recentAudit(Integer.MAX_VALUE), index.managedUsers());
    }

    static StoreSnapshot update(CredentialStore store, StoreChange change) {
        for (int attempt = 1; ; attempt++) {
            StoreSnapshot current = read(store);
            StoreSnapshot next = change.applyTo(current);
            if (next == null) {
                throw S2mtlsException.internal(store.describe() + ": a store change returned no content", null);
            }
            StoreBatch batch = difference(current, next);
            if (batch.isEmpty()) {
                return next;
            }
            try {
                store.commit(batch);
                return next;
            } catch (StoreConflictException e) {
                if (attempt >= ATTEMPTS) {
                    throw S2mtlsException.external(store.describe() + ": the store kept changing under this command ("
                            + e.getMessage() + "); try again", e);
                }
            }
        }
    }

    /** The entry writes that turn {@code before} into {@code after}, each expecting what {@code before} holds. */
    static StoreBatch difference(StoreSnapshot before, StoreSnapshot after) {
        List<StoreWrite> writes = new ArrayList<>();
        if (after.authority().isPresent() && !sameAuthority(before.authority(), after.authority().get())) {
            writes.add(new StoreWrite.SetAuthority(after.authority().get(),
                    before.authority().map(ca -> ca.certificate().getSerialNumber())));
        }
        for (Credential credential : after.credentials().values()) {
            Optional<Credential> old = before.credential(credential.name());
            if (old.isEmpty()) {
                writes.add(new StoreWrite.PutCredential(credential, Optional.empty()));
            } else if (!old.get().certificate().equals(credential.certificate()) || !old.get().privateKey().equals(credential.privateKey())) {
                writes.add(new StoreWrite.PutCredential(credential, Optional.of(old.get().certificate().getSerialNumber())));
            }
        }
        for (Credential old : before.credentials().values()) {
            if (!after.credentials().containsKey(old.name())) {
                writes.add(new StoreWrite.RemoveCredential(old.name(), old.certificate().getSerialNumber()));
            }
        }
        Map<BigInteger, InventoryEntry> earlier = new LinkedHashMap<>();
        before.inventory().forEach(e -> earlier.put(e.serial(), e));
        for (InventoryEntry entry : after.inventory()) {
            InventoryEntry old = earlier.get(entry.serial());
            if (old == null) {
                writes.add(new StoreWrite.AddEntry(entry));
            } else if (!old.equals(entry)) {
                writes.add(new StoreWrite.UpdateEntry(entry, old.status()));
            }
        }
        for (Map.Entry<String, ManagedUser> user : after.managedUsers().entrySet()) {
            Optional<ManagedUser> old = Optional.ofNullable(before.managedUsers().get(user.getKey()));
            if (!old.equals(Optional.of(user.getValue()))) {
                writes.add(new StoreWrite.PutManagedUser(user.getKey(), Optional.of(user.getValue()), old));
            }
        }
        for (Map.Entry<String, ManagedUser> user : before.managedUsers().entrySet()) {
            if (!after.managedUsers().containsKey(user.getKey())) {
                writes.add(new StoreWrite.PutManagedUser(user.getKey(), Optional.empty(), Optional.of(user.getValue())));
            }
        }
        List<AuditEvent> audit = after.audit().size() > before.audit().size()
                ? after.audit().subList(before.audit().size(), after.audit().size())
                : List.of();
        return new StoreBatch(writes, audit);
    }

    private static boolean sameAuthority(Optional<CaMaterial> before, CaMaterial after) {
        return before.isPresent() && before.get().certificate().equals(after.certificate())
                && before.get().chain().equals(after.chain())
                && Objects.equals(before.get().keyReference(), after.keyReference())
                && Objects.equals(before.get().privateKey(), after.privateKey());
    }
}
