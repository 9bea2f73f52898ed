package io.s2mtls.core.port;

import io.s2mtls.core.pki.AuthorityState;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;

import java.math.BigInteger;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One change to one entry of a store, with what the writer expects to find there (compare-and-set).
 * A store checks every expectation of a {@link StoreBatch} against its latest content before it writes
 * anything; when one does not hold it throws {@link StoreConflictException} and writes nothing.
 */
public sealed interface StoreWrite {

    /**
     * Sets every CA the store holds (the issuing CA, a rotation's other CA, a root key, the phase) in one write.
     * {@code replacing}: the state expected now; empty means the store must have no CA.
     */
    record SetAuthority(AuthoritySet authorities, Optional<AuthorityState> replacing) implements StoreWrite {
        public SetAuthority {
            requireNonNull(authorities, "authorities is null");
            requireNonNull(replacing, "replacing is null");
        }

        /** One CA and nothing else, replacing a store whose only CA has serial {@code replacing} (or no CA). */
        public SetAuthority(CaMaterial authority, Optional<BigInteger> replacing) {
            this(AuthoritySet.single(authority), replacing.map(AuthorityState::single));
        }

        /** The issuing CA. */
        public CaMaterial authority() {
            return authorities.issuing();
        }
    }

    /**
     * Stores a credential under its name. {@code replacing}: the serial the name holds now; empty means
     * the name must be free. The inventory entry of the new certificate is added by an {@link AddEntry}
     * in the same batch.
     */
    record PutCredential(Credential credential, Optional<BigInteger> replacing) implements StoreWrite {
        public PutCredential {
            requireNonNull(credential, "credential is null");
            requireNonNull(replacing, "replacing is null");
        }
    }

    /** Forgets the credential {@code name}, which must hold {@code serial}; its inventory entries stay. */
    record RemoveCredential(String name, BigInteger serial) implements StoreWrite {
        public RemoveCredential {
            requireNonNull(name, "name is null");
            requireNonNull(serial, "serial is null");
        }
    }

    /** Records a newly issued certificate; its serial must not be recorded yet. */
    record AddEntry(InventoryEntry entry) implements StoreWrite {
        public AddEntry {
            requireNonNull(entry, "entry is null");
        }
    }

    /** Replaces the entry with the same serial, which must exist with status {@code expectedStatus}. */
    record UpdateEntry(InventoryEntry entry, CertificateStatus expectedStatus) implements StoreWrite {
        public UpdateEntry {
            requireNonNull(entry, "entry is null");
            requireNonNull(expectedStatus, "expectedStatus is null");
        }
    }

    /**
     * Records ({@code user} present) or forgets ({@code user} empty) the managed user {@code key}
     * ({@code name@host}). {@code expected}: the record there now, or empty when there must be none.
     */
    record PutManagedUser(String key, Optional<ManagedUser> user, Optional<ManagedUser> expected) implements StoreWrite {
        public PutManagedUser {
            requireNonNull(key, "key is null");
            requireNonNull(user, "user is null");
            requireNonNull(expected, "expected is null");
            user.ifPresent(u -> {
                if (!u.key().equals(key)) {
                    throw new IllegalArgumentException("managed user " + u.key() + " stored under key " + key);
                }
            });
        }
    }
}
