package io.s2mtls.core.doctor;

import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.user.UserAccount;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What to diagnose: who logs in, with what, and what to check the certificate against.
 *
 * @param account    the database account, {@code 'name'@'host'}
 * @param credential the certificate (and key) presented
 * @param trust      CA bundles for step 6, most authoritative first (see {@link TrustBundle})
 * @param trustNotes facts about bundles that could not be used, e.g. a server bundle not readable here
 * @param recorded   what the store recorded for the account, used when the server does not expose the requirement
 * @param inventory  the store's inventory, to tell whether the presented certificate was revoked (empty without a store)
 */
public record DoctorRequest(UserAccount account, PresentedCredential credential, List<TrustBundle> trust, List<String> trustNotes,
                            Optional<ManagedUser> recorded, List<InventoryEntry> inventory) {
    public DoctorRequest {
        requireNonNull(account, "account is null");
        requireNonNull(credential, "credential is null");
        trust = List.copyOf(requireNonNull(trust, "trust is null"));
        trustNotes = List.copyOf(requireNonNull(trustNotes, "trustNotes is null"));
        requireNonNull(recorded, "recorded is null");
        inventory = List.copyOf(requireNonNull(inventory, "inventory is null"));
    }

    /** A request without the store's inventory: revocation is not checked. */
    public DoctorRequest(UserAccount account, PresentedCredential credential, List<TrustBundle> trust, List<String> trustNotes,
                         Optional<ManagedUser> recorded) {
        this(account, credential, trust, trustNotes, recorded, List.of());
    }
}
