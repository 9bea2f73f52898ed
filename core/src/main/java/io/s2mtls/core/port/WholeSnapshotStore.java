package io.s2mtls.core.port;

import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.ManagedUser;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * TRANSITIONAL: a granular store built on a store that can only read and rewrite its whole content.
 * Every call costs O(store). To be removed once every store is granular.
 */
@Deprecated
public abstract class WholeSnapshotStore implements CredentialStore {

    /** The latest committed content. */
    protected abstract StoreSnapshot readSnapshot();

    /** Applies {@code change} to the latest content under the store's lock and commits it atomically. */
    protected abstract StoreSnapshot updateSnapshot(StoreChange change);

    @Override
    public StoreIndex index() {
        return indexOf(readSnapshot());
    }

    @Override
    public Optional<CaMaterial> authority() {
        return readSnapshot().authority();
    }

    @Override
    public Optional<Credential> credential(String name) {
        return readSnapshot().credential(name);
    }

    @Override
    public void commit(StoreBatch batch) {
        updateSnapshot(current -> applied(current, batch));
    }

    @Override
    public List<AuditEvent> recentAudit(int limit) {
        List<AuditEvent> audit = readSnapshot().audit();
        return List.copyOf(audit.subList(Math.max(0, audit.size() - Math.max(0, limit)), audit.size()));
    }

    @Override
    public StoreSnapshot read() {
        return readSnapshot();
    }

    @Override
    public StoreSnapshot update(StoreChange change) {
        return updateSnapshot(change);
    }

    public static StoreIndex indexOf(StoreSnapshot snapshot) {
        Map<String, StoredCredential> credentials = new LinkedHashMap<>();
        snapshot.credentials().forEach((name, c) -> credentials.put(name,
                new StoredCredential(name, c.certificate().getSerialNumber(), c.privateKey().isPresent())));
        Map<BigInteger, io.s2mtls.core.pki.InventoryEntry> entries = new LinkedHashMap<>();
        snapshot.inventory().forEach(e -> entries.put(e.serial(), e));
        return new StoreIndex(snapshot.authority().map(CaCertificates::of), credentials, entries, snapshot.managedUsers());
    }

    /** {@code current} with {@code batch} applied, after checking its expectations. */
    public static StoreSnapshot applied(StoreSnapshot current, StoreBatch batch) {
        StoreIndex next = indexOf(current).applying(batch);
        Optional<CaMaterial> authority = current.authority();
        Map<String, Credential> credentials = new LinkedHashMap<>(current.credentials());
        for (StoreWrite write : batch.writes()) {
            if (write instanceof StoreWrite.SetAuthority set) {
                authority = Optional.of(set.authority());
            } else if (write instanceof StoreWrite.PutCredential put) {
                credentials.put(put.credential().name(), put.credential());
            } else if (write instanceof StoreWrite.RemoveCredential remove) {
                credentials.remove(remove.name());
            }
        }
        List<AuditEvent> audit = new ArrayList<>(current.audit());
        audit.addAll(batch.audit());
        Map<String, ManagedUser> users = next.managedUsers();
        return new StoreSnapshot(authority, credentials, new ArrayList<>(next.inventory()), audit, users);
    }
}
