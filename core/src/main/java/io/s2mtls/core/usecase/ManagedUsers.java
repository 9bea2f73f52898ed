package io.s2mtls.core.usecase;

import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The one mapping from an account and its TLS requirement to the store's managed-user record. */
public final class ManagedUsers {
    private ManagedUsers() {
    }

    /** The key a record is stored under: {@code name@host}. */
    public static String key(UserAccount account) {
        return account.name() + "@" + account.host();
    }

    /** A record owned by no policy (what {@code user create} writes). */
    public static ManagedUser record(UserAccount account, TlsRequirement requirement, List<String> grants,
                                     Optional<String> credential, Instant now) {
        return record(account, requirement, grants, credential, now, Optional.empty());
    }

    /** @param policy the policy that created or adopted the account, which alone may change or drop it */
    public static ManagedUser record(UserAccount account, TlsRequirement requirement, List<String> grants,
                                     Optional<String> credential, Instant now, Optional<String> policy) {
        return new ManagedUser(account.name(), account.host(), requirement.keyword(), subject(requirement), grants, credential, now, policy);
    }

    /** The oneline subject of a REQUIRE SUBJECT requirement. */
    public static Optional<String> subject(TlsRequirement requirement) {
        return requirement instanceof TlsRequirement.Subject subject ? Optional.of(subject.oneline()) : Optional.empty();
    }
}
