package io.s2mtls.core.user;

import io.s2mtls.core.error.S2mtlsException;

import static java.util.Objects.requireNonNull;

/**
 * A database account, {@code 'name'@'host'}. The host is a pattern on MySQL-family servers; {@code %}
 * (any host) is the default. Names are kept exactly as given: adapters write them as escaped SQL
 * literals, never as raw SQL.
 */
public record UserAccount(String name, String host) {
    public static final String ANY_HOST = "%";

    public UserAccount {
        requireNonNull(name, "name is null");
        requireNonNull(host, "host is null");
        if (name.isEmpty()) {
            throw S2mtlsException.badInput("user: the user name is empty (an empty name is the anonymous account)");
        }
        if (name.indexOf('\0') >= 0 || host.indexOf('\0') >= 0) {
            throw S2mtlsException.badInput("user: a NUL character in a user or host name cannot be stored; remove it");
        }
        if (edgeSpace(name)) {
            throw S2mtlsException.badInput("user: '" + name + "' begins or ends with a space or tab; servers trim or"
                    + " ignore trailing spaces, so it would name another account than the one shown. Remove the spaces");
        }
        if (edgeSpace(host)) {
            throw S2mtlsException.badInput("host: '" + host + "' begins or ends with a space or tab; remove the spaces");
        }
    }

    /** A space (any Unicode space separator) or tab first or last: invisible when shown, and trimmed by some servers. */
    private static boolean edgeSpace(String text) {
        return !text.isEmpty() && (space(text.charAt(0)) || space(text.charAt(text.length() - 1)));
    }

    private static boolean space(char c) {
        return c == '\t' || Character.isSpaceChar(c);
    }

    /** {@code 'name'@'%'}. */
    public static UserAccount anyHost(String name) {
        return new UserAccount(name, ANY_HOST);
    }

    @Override
    public String toString() {
        return "'" + name + "'@'" + host + "'";
    }
}
