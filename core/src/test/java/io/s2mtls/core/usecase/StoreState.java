package io.s2mtls.core.usecase;

import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoreWrite;

import java.util.List;
import java.util.Optional;

/** What a store shows through the port (index, CA, audit trail), for "the store is unchanged" checks; and seeding helpers. */
record StoreState(StoreIndex index, Optional<CaMaterial> authority, List<AuditEvent> audit) {

    static StoreState of(CredentialStore store) {
        return new StoreState(store.index(), store.authority(), store.recentAudit(Integer.MAX_VALUE));
    }

    /** Records a managed user that the store must not know yet. */
    static StoreWrite newUser(ManagedUser user) {
        return new StoreWrite.PutManagedUser(user.key(), Optional.of(user), Optional.empty());
    }
}
