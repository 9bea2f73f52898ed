package io.s2mtls.adapters.records;

import io.s2mtls.core.pki.ManagedUser;

import java.util.List;
import java.util.Optional;

/** A managed database user as stores persist it. {@code policy} is absent for records that no policy owns. */
public record ManagedUserRecord(String name, String host, String requirement, String subject, List<String> grants,
                                String credential, String recordedAt, String policy) {

    public static ManagedUserRecord of(ManagedUser u) {
        return new ManagedUserRecord(u.name(), u.host(), u.requirement(), u.subject().orElse(null), u.grants(),
                u.credential().orElse(null), u.recordedAt().toString(), u.policy().orElse(null));
    }

    /** The domain value; an {@link IllegalArgumentException} names the field that is wrong. */
    public ManagedUser toUser() {
        return new ManagedUser(Fields.text("name", name), Fields.text("host", host), Fields.text("requirement", requirement),
                Optional.ofNullable(subject), grants == null ? List.of() : grants, Optional.ofNullable(credential),
                Fields.instant("recordedAt", recordedAt), Optional.ofNullable(policy));
    }
}
