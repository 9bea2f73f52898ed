package io.s2mtls.core.dn;

import static java.util.Objects.requireNonNull;

/** SQL string literals for MySQL-family servers (SingleStore, MySQL, MariaDB). */
public final class SqlLiteral {
    private SqlLiteral() {
    }

    /**
     * Quotes {@code value} as a single-quoted literal the server reads back as exactly {@code value}.
     * With {@code noBackslashEscapes} (sql_mode NO_BACKSLASH_ESCAPES) only quotes are doubled.
     */
    public static String quote(String value, boolean noBackslashEscapes) {
        requireNonNull(value, "value is null");
        StringBuilder out = new StringBuilder(value.length() + 8).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (noBackslashEscapes) {
                out.append(c == '\'' ? "''" : String.valueOf(c));
                continue;
            }
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\'' -> out.append("\\'");
                case '\0' -> out.append("\\0");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case 0x1A -> out.append("\\Z");
                default -> out.append(c);
            }
        }
        return out.append('\'').toString();
    }
}
