package io.s2mtls.core.pki;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** One JSON line, as stores keep it. */
    public String toJsonLine() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", name);
        fields.put("host", host);
        fields.put("requirement", requirement);
        fields.put("subject", subject.orElse(null));
        fields.put("grants", grants);
        fields.put("credential", credential.orElse(null));
        fields.put("recordedAt", recordedAt.toString());
        fields.put("policy", policy.orElse(null));
        return FlatJson.write(fields);
    }

    /** Reads what {@link #toJsonLine()} wrote; an {@link IllegalArgumentException} says what is wrong. */
    public static ManagedUser fromJsonLine(String line) {
        Map<String, Object> fields = FlatJson.read(line);
        Object grants = fields.getOrDefault("grants", List.of());
        if (!(grants instanceof List<?> list)) {
            throw new IllegalArgumentException("field 'grants' is not a list");
        }
        return new ManagedUser(AuditEvent.text(fields, "name", true), AuditEvent.text(fields, "host", true),
                AuditEvent.text(fields, "requirement", true), Optional.ofNullable(AuditEvent.text(fields, "subject", false)),
                list.stream().map(String::valueOf).toList(), Optional.ofNullable(AuditEvent.text(fields, "credential", false)),
                Instant.parse(AuditEvent.text(fields, "recordedAt", true)), Optional.ofNullable(AuditEvent.text(fields, "policy", false)));
    }
}
