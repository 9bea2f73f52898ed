package io.s2mtls.core.user;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** What an account should be: its TLS requirement and the privileges granted to it. */
public record UserPolicy(UserAccount account, TlsRequirement requirement, List<PrivilegeGrant> grants) {
    public UserPolicy {
        requireNonNull(account, "account is null");
        requireNonNull(requirement, "requirement is null");
        grants = List.copyOf(requireNonNull(grants, "grants is null"));
    }
}
