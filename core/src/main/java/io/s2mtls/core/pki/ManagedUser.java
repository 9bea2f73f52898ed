package io.s2mtls.core.pki;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What s2mtls set up for a database user, kept in the store because SingleStore does not let us read a
 * user's TLS requirement back: the account, the requirement as we wrote it, the grants, and the
 * credential it logs in with, and which policy created it.
 *
 * @param requirement {@code NONE}, {@code SSL}, {@code X509} or {@code SUBJECT}
 * @param subject     the oneline subject for {@code SUBJECT}
 * @param policy      the name of the policy that created (or adopted) the account and so may change or drop it;
 *                    empty for an account made with {@code user create}, and for records written before policies
 *                    had names: such an account is owned by no policy
 */
public record ManagedUser(String name, String host, String requirement, Optional<String> subject, List<String> grants,
                          Optional<String> credential, Instant recordedAt, Optional<String> policy) {
    public ManagedUser {
        requireNonNull(name, "name is null");
        requireNonNull(host, "host is null");
        requireNonNull(requirement, "requirement is null");
        requireNonNull(subject, "subject is null");
        grants = List.copyOf(grants);
        requireNonNull(credential, "credential is null");
        requireNonNull(recordedAt, "recordedAt is null");
        requireNonNull(policy, "policy is null");
    }

    /** A record owned by no policy. */
    public ManagedUser(String name, String host, String requirement, Optional<String> subject, List<String> grants,
                       Optional<String> credential, Instant recordedAt) {
        this(name, host, requirement, subject, grants, credential, recordedAt, Optional.empty());
    }

    /** True when the policy named {@code policyName} created or adopted the account. */
    public boolean ownedBy(String policyName) {
        return policy.isPresent() && policy.get().equals(policyName);
    }

    /** The key it is stored under: {@code name@host}. */
    public String key() {
        return name + "@" + host;
    }
}
