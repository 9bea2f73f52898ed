package io.s2mtls.adapters.jdbc;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;

/**
 * MySQL and MariaDB: REQUIRE NONE/SSL/X509/SUBJECT/ISSUER; accounts are read back with
 * {@code SHOW CREATE USER} and, on MariaDB, from {@code mysql.global_priv}.
 */
final class MariaDbDialect extends SqlDialect {
    /**
     * MariaDB 10.11 keeps x509_subject in the JSON of mysql.global_priv and silently drops it (CREATE USER
     * succeeds, the account keeps only REQUIRE SSL after a restart) when its JSON-escaped form is longer
     * than this. Measured on MariaDB 10.11.19: 1024 bytes stored, 1025 dropped, with '\' and '"' counting two.
     */
    static final int MARIADB_MAX_ESCAPED_SUBJECT = 1024;

    private final boolean mariaDb;

    MariaDbDialect(boolean noBackslashEscapes, boolean mariaDb) {
        super(noBackslashEscapes);
        this.mariaDb = mariaDb;
    }

    @Override
    String name() {
        return mariaDb ? "mariadb" : "mysql";
    }

    @Override
    UserAccount canonical(UserAccount account) {
        String host = account.host().toLowerCase(java.util.Locale.ROOT);
        return host.equals(account.host()) ? account : new UserAccount(account.name(), host);
    }

    /**
     * MySQL and MariaDB read {@code _} and {@code %} in a {@code db.*} grant as wildcards, and {@code \} as
     * their escape, whatever the sql_mode (NO_BACKSLASH_ESCAPES changes string literals, not identifiers:
     * measured on MariaDB 10.11). A literal name is escaped so that {@code app_db} never reaches {@code appXdb};
     * SHOW GRANTS then prints {@code `app\_db`}.
     */
    @Override
    String databasePattern(PrivilegeGrant grant) {
        return grant.databaseAsPattern();
    }

    boolean isMariaDb() {
        return mariaDb;
    }

    @Override
    void check(TlsRequirement requirement) {
        if (requirement instanceof TlsRequirement.Subject subject) {
            checkStorable(subject.oneline(), "subject");
        } else if (requirement instanceof TlsRequirement.Issuer issuer) {
            checkStorable(issuer.oneline(), "issuer");
            issuer.subject().ifPresent(s -> checkStorable(s.oneline(), "subject"));
        }
    }

    private void checkStorable(String oneline, String what) {
        checkOneline(oneline, what);
        if (mariaDb) {
            int escaped = 0;
            for (int i = 0; i < oneline.length(); i++) {
                char c = oneline.charAt(i);
                escaped += c == '\\' || c == '"' ? 2 : 1;
            }
            if (escaped > MARIADB_MAX_ESCAPED_SUBJECT) {
                throw S2mtlsException.badInput(what + ": " + oneline.length() + " characters (" + escaped
                        + " once MariaDB escapes it) is more than the " + MARIADB_MAX_ESCAPED_SUBJECT
                        + " MariaDB can store; it would silently keep only REQUIRE SSL. Use a shorter subject or REQUIRE X509");
            }
        }
    }
}
