package io.s2mtls.core.pki;

import io.s2mtls.core.error.S2mtlsException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/** A DNS name or IP address a server certificate is valid for. */
public record SubjectAltName(Type type, String value) {
    private static final Pattern DNS = Pattern.compile("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62})?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62})?)*\\.?");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    public enum Type { DNS, IP }

    public SubjectAltName {
        requireNonNull(type, "type is null");
        requireNonNull(value, "value is null");
    }

    /** Parses {@code DNS:host,IP:10.0.0.1,IP:::1}. */
    public static List<SubjectAltName> parseList(String text) {
        List<SubjectAltName> names = new ArrayList<>();
        for (String part : text.split(",")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            int colon = item.indexOf(':');
            String kind = colon < 0 ? "" : item.substring(0, colon).trim().toUpperCase(java.util.Locale.ROOT);
            String value = colon < 0 ? item : item.substring(colon + 1).trim();
            switch (kind) {
                case "DNS" -> {
                    if (!DNS.matcher(value).matches()) {
                        throw S2mtlsException.badInput("--san: '" + value + "' is not a DNS name");
                    }
                    names.add(new SubjectAltName(Type.DNS, value));
                }
                case "IP" -> {
                    boolean v4 = IPV4.matcher(value).matches() && value.chars().noneMatch(Character::isLetter)
                            && java.util.Arrays.stream(value.split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255);
                    if (!v4 && !(value.contains(":") && IPV6.matcher(value).matches())) {
                        throw S2mtlsException.badInput("--san: '" + value + "' is not an IPv4 or IPv6 address");
                    }
                    names.add(new SubjectAltName(Type.IP, value));
                }
                default -> throw S2mtlsException.badInput("--san: '" + item + "' must start with DNS: or IP:,"
                        + " e.g. DNS:db.example.com,IP:10.0.0.5");
            }
        }
        return List.copyOf(names);
    }

    @Override
    public String toString() {
        return type + ":" + value;
    }
}
