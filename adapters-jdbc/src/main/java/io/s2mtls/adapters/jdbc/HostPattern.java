package io.s2mtls.adapters.jdbc;

import java.util.Locale;

/**
 * An account's host pattern matched against a client host the way MySQL-family servers and SingleStore
 * do for the common forms: {@code %} any run of characters, {@code _} one character, case-insensitive.
 * IPv4 netmask forms ({@code 10.0.0.0/255.0.0.0}) match an IPv4 client address as the server does:
 * {@code (address & mask) == network}.
 */
final class HostPattern {
    private HostPattern() {
    }

    static boolean matches(String pattern, String host) {
        int slash = pattern.indexOf('/');
        if (slash > 0) {
            long[] network = ipv4(pattern.substring(0, slash));
            long[] mask = ipv4(pattern.substring(slash + 1));
            long[] address = ipv4(host);
            if (network != null && mask != null) {
                return address != null && (address[0] & mask[0]) == network[0];
            }
        }
        return matches(pattern.toLowerCase(Locale.ROOT), 0, host.toLowerCase(Locale.ROOT), 0);
    }

    /** True when {@code host} is an IP address literal (IPv4 dotted quad or IPv6), not a host name. */
    static boolean isIpAddress(String host) {
        return ipv4(host) != null || host.contains(":") && host.matches("[0-9A-Fa-f:.]+");
    }

    /** True when {@code pattern} could match an IP address: a netmask, or digits, dots, colons and wildcards only. */
    static boolean couldMatchAnAddress(String pattern) {
        return pattern.contains("/") || pattern.matches("[0-9A-Fa-f:.%_]+");
    }

    /** An IPv4 dotted quad as one number (in a one-element array), or null. */
    private static long[] ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        long value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                return null;
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                return null;
            }
            value = value << 8 | octet;
        }
        return new long[] {value};
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
