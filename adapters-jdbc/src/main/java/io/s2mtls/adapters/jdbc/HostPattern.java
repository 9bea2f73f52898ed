package io.s2mtls.adapters.jdbc;

import java.util.Locale;

/**
 * An account's host pattern matched against a client host the way MySQL-family servers and SingleStore
 * do for the common forms: {@code %} any run of characters, {@code _} one character, case-insensitive.
 * Netmask forms ({@code 10.0.0.0/255.0.0.0}) are matched literally.
 */
final class HostPattern {
    private HostPattern() {
    }

    static boolean matches(String pattern, String host) {
        return matches(pattern.toLowerCase(Locale.ROOT), 0, host.toLowerCase(Locale.ROOT), 0);
    }

    private static boolean matches(String pattern, int p, String host, int h) {
        while (p < pattern.length()) {
            char c = pattern.charAt(p);
            if (c == '%') {
                for (int rest = h; rest <= host.length(); rest++) {
                    if (matches(pattern, p + 1, host, rest)) {
                        return true;
                    }
                }
                return false;
            }
            if (c == '\\' && p + 1 < pattern.length()) {
                p++;
                c = pattern.charAt(p);
                if (h >= host.length() || host.charAt(h) != c) {
                    return false;
                }
            } else if (h >= host.length() || c != '_' && host.charAt(h) != c) {
                return false;
            }
            p++;
            h++;
        }
        return h == host.length();
    }
}
