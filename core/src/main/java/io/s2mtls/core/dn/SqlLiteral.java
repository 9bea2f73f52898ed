package io.s2mtls.core.dn;

/** SQL string literals for MySQL-family servers (SingleStore, MySQL, MariaDB). */
public final class SqlLiteral {
    private SqlLiteral() {
    }

    /**
     * Quotes {@code value} as a single-quoted literal the server reads back as exactly {@code value}.
     * With {@code noBackslashEscapes} (sql_mode NO_BACKSLASH_ESCAPES) only quotes are doubled.
     */
    public static String quote(String value, boolean noBackslashEscapes) {
        throw new UnsupportedOperationException("pending");
    }
}
