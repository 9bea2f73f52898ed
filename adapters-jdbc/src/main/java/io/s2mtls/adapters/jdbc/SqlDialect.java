package io.s2mtls.adapters.jdbc;

import io.s2mtls.core.dn.SqlLiteral;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;

import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of one server family. Both families accept the same statement forms for what s2mtls does
 * ({@code CREATE USER 'u'@'h' REQUIRE SUBJECT '...'}, {@code GRANT ... TO 'u'@'h'}); they differ in what
 * they accept (ISSUER, version gates, subject length) and in how an account can be read back.
 */
abstract sealed class SqlDialect permits SingleStoreDialect, MariaDbDialect {
    private final boolean noBackslashEscapes;

    /** @param noBackslashEscapes the session's sql_mode has NO_BACKSLASH_ESCAPES ({@link SqlLiteral#noBackslashEscapes}) */
    SqlDialect(boolean noBackslashEscapes) {
        this.noBackslashEscapes = noBackslashEscapes;
    }

    abstract String name();

    /**
     * The account as the server will store it. MySQL and MariaDB lower-case host names (a host is matched
     * case-insensitively), so {@code 'u'@'DB.Example'} is stored as {@code 'u'@'db.example'}; the SQL is
     * written with the stored form so that the dry run, the server and the read-back agree.
     */
    UserAccount canonical(UserAccount account) {
        return account;
    }

    final String sqlAccount(UserAccount account) {
        UserAccount stored = canonical(account);
        return quote(stored.name()) + "@" + quote(stored.host());
    }

    /** {@code value} as a string literal this session reads back exactly (the one quoting: {@link SqlLiteral}). */
    final String quote(String value) {
        return SqlLiteral.quote(value, noBackslashEscapes);
    }

    boolean noBackslashEscapes() {
        return noBackslashEscapes;
    }

    /** Refuses (BAD_INPUT) a requirement this server cannot express or store exactly. */
    abstract void check(TlsRequirement requirement);

    /**
     * The statements for {@code commands}, in two phases: every CREATE/ALTER/DROP first, then every
     * GRANT/REVOKE, so that a grant never runs after its account failed to be created.
     */
    final Plan plan(List<? extends UserCommand> commands) {
        List<String> accounts = new ArrayList<>();
        List<String> privileges = new ArrayList<>();
        for (UserCommand command : commands) {
            if (command instanceof UserCommand.CreateUser create) {
                check(create.policy().requirement());
                accounts.add("CREATE USER " + sqlAccount(create.account()) + require(create.policy().requirement()));
                for (PrivilegeGrant grant : create.policy().grants()) {
                    privileges.add(grant(create.account(), grant));
                }
            } else if (command instanceof UserCommand.AlterUser alter) {
                check(alter.requirement());
                accounts.add("ALTER USER " + sqlAccount(alter.account()) + require(alter.requirement()));
            } else if (command instanceof UserCommand.DropUser drop) {
                accounts.add("DROP USER " + (drop.ifExists() ? "IF EXISTS " : "") + sqlAccount(drop.account()));
            } else if (command instanceof UserCommand.SetAccountLock lock) {
                accounts.add("ALTER USER " + sqlAccount(lock.account()) + (lock.locked() ? " ACCOUNT LOCK" : " ACCOUNT UNLOCK"));
            } else if (command instanceof UserCommand.Grant grant) {
                privileges.add(grant(grant.account(), grant.grant()));
            } else if (command instanceof UserCommand.Revoke revoke) {
                privileges.add("REVOKE " + String.join(", ", revoke.grant().privileges())
                        + " ON " + level(revoke.grant()) + " FROM " + sqlAccount(revoke.account()));
            } else {
                throw new IllegalArgumentException("unknown command " + command);
            }
        }
        return new Plan(accounts, privileges);
    }

    record Plan(List<String> accounts, List<String> privileges) {
        Plan {
            accounts = List.copyOf(accounts);
            privileges = List.copyOf(privileges);
        }

        List<String> all() {
            List<String> all = new ArrayList<>(accounts);
            all.addAll(privileges);
            return List.copyOf(all);
        }
    }

    final String require(TlsRequirement requirement) {
        if (requirement instanceof TlsRequirement.Subject subject) {
            return " REQUIRE SUBJECT " + quote(subject.oneline());
        }
        if (requirement instanceof TlsRequirement.Issuer issuer) {
            return " REQUIRE ISSUER " + quote(issuer.oneline())
                    + issuer.subject().map(s -> " AND SUBJECT " + quote(s.oneline())).orElse("");
        }
        return " REQUIRE " + requirement.keyword();
    }

    private String grant(UserAccount account, PrivilegeGrant grant) {
        return "GRANT " + String.join(", ", grant.privileges()) + " ON " + level(grant) + " TO " + sqlAccount(account);
    }

    private String level(PrivilegeGrant grant) {
        if (grant.database().isEmpty()) {
            return "*.*";
        }
        if (grant.table().isPresent()) {
            // a table grant's database is compared exactly by the server: never escaped
            return identifier(grant.database().get()) + "." + identifier(grant.table().get());
        }
        return identifier(databasePattern(grant)) + ".*";
    }

    /**
     * The database name of a {@code db.*} grant as this server's GRANT reads it: a literal name must reach
     * that database only; a {@link PrivilegeGrant#databasePattern() pattern} is passed as written.
     */
    abstract String databasePattern(PrivilegeGrant grant);

    static String identifier(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /**
     * Checks what every OpenSSL 3 oneline string satisfies: it starts with '/', and it is printable
     * ASCII (OpenSSL prints every other byte as \xHH). Anything else can never match a certificate.
     */
    static void checkOneline(String oneline, String what) {
        if (!oneline.startsWith("/")) {
            throw S2mtlsException.badInput(what + ": '" + oneline + "' is not in OpenSSL oneline form (/C=US/O=Org/CN=name);"
                    + " print it with `s2mtls subject cert.pem`");
        }
        for (int i = 0; i < oneline.length(); i++) {
            char c = oneline.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw S2mtlsException.badInput(what + ": character U+" + String.format("%04X", (int) c) + " at position " + i
                        + " never occurs in an OpenSSL oneline subject (it prints such bytes as \\xHH), so no certificate"
                        + " could match; print the subject with `s2mtls subject cert.pem`");
            }
        }
    }
}
