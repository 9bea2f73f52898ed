package io.s2mtls.core.dn;

import static java.util.Objects.requireNonNull;

/**
 * SQL string literals for MySQL-family servers (SingleStore, MySQL, MariaDB): the one quoting s2mtls uses,
 * for the SQL it runs and for the SQL it prints.
 *
 * <p>In the default {@code sql_mode} the server unescapes backslash sequences inside a literal, so a
 * backslash is doubled, a quote is written {@code \'}, and NUL, line feed, carriage return and Ctrl-Z are
 * written {@code \0}, {@code \n}, {@code \r}, {@code \Z} (so a printed statement stays on one line and
 * has no raw control bytes). Under {@code NO_BACKSLASH_ESCAPES} a backslash is an ordinary character and
 * only the quote is doubled; every other character, NUL among them, is sent as it is: the server reads a
 * literal up to its closing quote, whatever bytes it holds. Both forms are read back byte for byte (the
 * adapter's tests prove it on a real server, NUL and non-ASCII included).
 */
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

    /** Whether a session's {@code sql_mode} (comma-separated, as {@code @@sql_mode} reads) has NO_BACKSLASH_ESCAPES. */
    public static boolean noBackslashEscapes(String sqlMode) {
        requireNonNull(sqlMode, "sqlMode is null");
        for (String mode : sqlMode.split(",")) {
            if (mode.trim().equalsIgnoreCase("NO_BACKSLASH_ESCAPES")) {
                return true;
            }
        }
        return false;
    }
}
