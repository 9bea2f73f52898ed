package io.s2mtls.core.policy;

import io.s2mtls.core.error.S2mtlsException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A declarative description of the certificate-bound users of one server: what {@code plan} compares
 * with the store and the server, and what {@code apply} makes true.
 *
 * @param name the policy's identity, recorded with every account it creates: a policy changes and drops
 *             only the accounts recorded with its own name (see {@link #checkName})
 */
public record Policy(String name, PolicyDefaults defaults, List<PolicyUser> users) {
    /** The longest policy name. */
    public static final int MAX_NAME = 64;

    public Policy {
        checkName(name);
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

    /**
     * A policy name is 1 to {@value #MAX_NAME} printable characters (no control or formatting characters,
     * no line breaks) that neither begin nor end with a space.
     */
    public static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw S2mtlsException.badInput("name: the policy has no name; give it one, e.g. 'name: payments-prod'");
        }
        if (name.codePointCount(0, name.length()) > MAX_NAME) {
            throw S2mtlsException.badInput("name: '" + name.substring(0, name.offsetByCodePoints(0, 20)) + "...' is longer than " + MAX_NAME
                    + " characters; use a short name");
        }
        if (space(name.codePointAt(0)) || space(name.codePointBefore(name.length()))) {
            throw S2mtlsException.badInput("name: '" + name + "' begins or ends with a space; remove it");
        }
        int bad = name.codePoints().filter(c -> Character.isISOControl(c) || !Character.isDefined(c)
                || Character.getType(c) == Character.FORMAT || Character.getType(c) == Character.LINE_SEPARATOR
                || Character.getType(c) == Character.PARAGRAPH_SEPARATOR || Character.getType(c) == Character.SURROGATE
                || Character.getType(c) == Character.PRIVATE_USE).findFirst().orElse(-1);
        if (bad >= 0) {
            throw S2mtlsException.badInput("name: contains the unprintable character U+" + String.format(java.util.Locale.ROOT, "%04X", bad)
                    + "; use letters, digits and punctuation");
        }
        return name;
    }

    private static boolean space(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    /** The key managed users are recorded under: {@code name@host}. */
    static String key(PolicyUser user) {
        return io.s2mtls.core.usecase.ManagedUsers.key(user.account());
    }
}
