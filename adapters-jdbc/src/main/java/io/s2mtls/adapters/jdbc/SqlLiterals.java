package io.s2mtls.adapters.jdbc;

import io.s2mtls.core.error.S2mtlsException;

/**
 * Writes SQL string literals for one session's {@code sql_mode}. By default the server unescapes
 * backslash sequences inside literals, so backslashes are doubled and quotes backslash-escaped; under
 * {@code NO_BACKSLASH_ESCAPES} backslashes are ordinary characters and only {@code '} is doubled.
 */
record SqlLiterals(boolean noBackslashEscapes) {

    static SqlLiterals forSqlMode(String sqlMode) {
        for (String mode : sqlMode.split(",")) {
            if (mode.trim().equalsIgnoreCase("NO_BACKSLASH_ESCAPES")) {
                return new SqlLiterals(true);
            }
        }
        return new SqlLiterals(false);
    }

    /** {@code value} as a single-quoted literal that the server reads back as exactly {@code value}. */
    String quote(String value, String what) {
        if (value.indexOf('\0') >= 0) {
            throw S2mtlsException.badInput(what + ": a NUL character cannot be stored; remove it");
        }
        StringBuilder literal = new StringBuilder(value.length() + 8).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (noBackslashEscapes) {
                literal.append(c == '\'' ? "''" : String.valueOf(c));
                continue;
            }
            switch (c) {
                case '\\' -> literal.append("\\\\");
                case '\'' -> literal.append("\\'");
                case '\n' -> literal.append("\\n");
                case '\r' -> literal.append("\\r");
                case '\u001A' -> literal.append("\\Z");
                default -> literal.append(c);
            }
        }
        return literal.append('\'').toString();
    }

    /** {@code 'name'@'host'}. */
    String account(io.s2mtls.core.user.UserAccount account) {
        return quote(account.name(), "user name") + "@" + quote(account.host(), "host");
    }
}
