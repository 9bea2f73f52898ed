package io.s2mtls.core.policy;

import io.s2mtls.core.error.S2mtlsException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A declarative description of the certificate-bound users of one server: what {@code plan} compares
 * with the store and the server, and what {@code apply} makes true.
 */
public record Policy(PolicyDefaults defaults, List<PolicyUser> users) {
    public Policy {
        requireNonNull(defaults, "defaults is null");
        users = List.copyOf(requireNonNull(users, "users is null"));
        Set<String> accounts = new HashSet<>();
        Set<String> credentials = new HashSet<>();
        for (PolicyUser user : users) {
            if (!accounts.add(key(user))) {
                throw S2mtlsException.badInput("user " + user.account() + " is listed twice");
            }
            if (!credentials.add(user.credential())) {
                throw S2mtlsException.badInput("credential '" + user.credential() + "' is used by two users; give each its own");
            }
        }
    }

    /** The key managed users are recorded under: {@code name@host}. */
    static String key(PolicyUser user) {
        return io.s2mtls.core.usecase.ManagedUsers.key(user.account());
    }
}
