package io.s2mtls.adapters.jdbc;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.UserDirectory.AccountState;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Every account's requirement, lock state and grants in a fixed number of queries (see
 * {@link io.s2mtls.core.port.UserDirectory#showAll}), whatever the number of accounts.
 *
 * <p>MariaDB: the accounts, requirements and lock state from {@code mysql.global_priv} (its JSON, as the
 * per-account read-back uses it); the grants from {@code information_schema.USER_PRIVILEGES},
 * {@code SCHEMA_PRIVILEGES}, {@code TABLE_PRIVILEGES} and {@code COLUMN_PRIVILEGES}, and the granted roles from
 * {@code mysql.roles_mapping} and {@code mysql.proxies_priv}. They are written back as the {@code GRANT} lines {@code SHOW GRANTS} prints for
 * the same account: one line per level, {@code ALL PRIVILEGES} when a level holds every privilege the server
 * has for it (the server's own lists: {@code SHOW PRIVILEGES} and the privilege columns of {@code mysql.db}
 * and {@code mysql.tables_priv}), {@code WITH GRANT OPTION} when the level is grantable, and a table's column
 * privileges on the table's line.
 *
 * <p>SingleStore: the accounts from {@code information_schema.USERS} (and its lock column when it has one),
 * the grants from the same {@code information_schema} grant views; the requirement is not exposed (as with
 * {@code show}).
 *
 * <p>A row of {@code mysql.global_priv} the server did not load (it has no row in {@code USER_PRIVILEGES}, where
 * every loaded account has at least {@code USAGE}; e.g. a host name under {@code skip-name-resolve}) is no account,
 * as for {@code show}.
 *
 * <p>The views name an account by its {@code GRANTEE} text {@code 'name'@'host'}, which the server writes
 * without escaping: two accounts whose texts coincide (names with quotes and {@code @}) cannot be told apart
 * there, and are read one by one with {@code show}.
 */
final class BulkAccounts {
    private static final String SINGLESTORE_WARNING = "SingleStore does not expose the TLS requirement; the GRANT lines are what it shows";

    private final Connection connection;
    private final SqlDialect dialect;

    BulkAccounts(Connection connection, SqlDialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    /** One account's rows while they are gathered. */
    private static final class Gathered {
        final UserAccount account;
        final Optional<TlsRequirement> requirement;
        final Optional<Boolean> locked;
        final List<String> warnings = new ArrayList<>();
        /** global privileges in the server's order; USAGE is dropped */
        final LinkedHashSet<String> global = new LinkedHashSet<>();
        boolean globalGrantable;
        /** USER_PRIVILEGES has a row for it: the server loaded the account (every loaded account has at least USAGE) */
        boolean loaded;
        final Map<String, Level> schemas = new LinkedHashMap<>();
        final Map<List<String>, Level> tables = new LinkedHashMap<>();
        final List<String> roles = new ArrayList<>();
        final List<String> proxies = new ArrayList<>();

        Gathered(UserAccount account, Optional<TlsRequirement> requirement, Optional<Boolean> locked) {
            this.account = account;
            this.requirement = requirement;
            this.locked = locked;
        }
    }

    /** The privileges at one database or table level; column privileges by privilege, columns in the server's order. */
    private static final class Level {
        final LinkedHashSet<String> privileges = new LinkedHashSet<>();
        final Map<String, List<String>> columns = new LinkedHashMap<>();
        boolean grantable;
    }

    /**
     * @param showOne the per-account read, for accounts whose GRANTEE text is ambiguous
     * @return every account, keyed as the server stores it
     */
    Map<UserAccount, AccountState> read(Function<UserAccount, Optional<DatabaseUser>> showOne) throws SQLException {
        boolean singleStore = dialect instanceof SingleStoreDialect;
        Map<String, Gathered> byGrantee = new HashMap<>();
        Set<String> ambiguous = new HashSet<>();
        List<Gathered> accounts = singleStore ? singleStoreAccounts() : mariaDbAccounts();
        for (Gathered account : accounts) {
            String grantee = grantee(account.account);
            if (byGrantee.put(grantee, account) != null) {
                ambiguous.add(grantee);
            }
        }
        ambiguous.forEach(byGrantee::remove);

        Set<String> allGlobal = singleStore ? Set.of() : allGlobalPrivileges();
        int[] allSchemaAndTable = singleStore ? new int[] {-1, -1} : allSchemaAndTablePrivileges();

        try (Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT GRANTEE, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.USER_PRIVILEGES")) {
                while (rows.next()) {
                    Gathered account = byGrantee.get(rows.getString(1));
                    if (account == null) {
                        continue;
                    }
                    account.loaded = true;
                    String privilege = upper(rows.getString(2));
                    if (!privilege.equals("USAGE")) {
                        account.global.add(privilege);
                    }
                    account.globalGrantable |= "YES".equalsIgnoreCase(rows.getString(3));
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT GRANTEE, TABLE_SCHEMA, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.SCHEMA_PRIVILEGES")) {
                while (rows.next()) {
                    Gathered account = byGrantee.get(rows.getString(1));
                    if (account != null) {
                        Level level = account.schemas.computeIfAbsent(rows.getString(2), k -> new Level());
                        level.privileges.add(upper(rows.getString(3)));
                        level.grantable |= "YES".equalsIgnoreCase(rows.getString(4));
                    }
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT GRANTEE, TABLE_SCHEMA, TABLE_NAME, PRIVILEGE_TYPE, IS_GRANTABLE"
                    + " FROM information_schema.TABLE_PRIVILEGES")) {
                while (rows.next()) {
                    Gathered account = byGrantee.get(rows.getString(1));
                    if (account != null) {
                        Level level = account.tables.computeIfAbsent(List.of(rows.getString(2), rows.getString(3)), k -> new Level());
                        level.privileges.add(upper(rows.getString(4)));
                        level.grantable |= "YES".equalsIgnoreCase(rows.getString(5));
                    }
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT GRANTEE, TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, PRIVILEGE_TYPE, IS_GRANTABLE"
                    + " FROM information_schema.COLUMN_PRIVILEGES")) {
                while (rows.next()) {
                    Gathered account = byGrantee.get(rows.getString(1));
                    if (account != null) {
                        Level level = account.tables.computeIfAbsent(List.of(rows.getString(2), rows.getString(3)), k -> new Level());
                        level.columns.computeIfAbsent(upper(rows.getString(5)), k -> new ArrayList<>()).add(rows.getString(4));
                        level.grantable |= "YES".equalsIgnoreCase(rows.getString(6));
                    }
                }
            } catch (SQLException e) {
                if (!singleStore) {
                    throw e;
                }
                // a server without column privileges has none to show
            }
            if (!singleStore) {
                readRolesAndProxies(statement, accounts);
            }
        }

        Map<UserAccount, AccountState> all = new LinkedHashMap<>();
        for (Gathered account : accounts) {
            String grantee = grantee(account.account);
            if (!singleStore && !account.loaded && !ambiguous.contains(grantee)) {
                // in mysql.global_priv but not loaded by the server (a host name under skip-name-resolve): show finds no such account
                continue;
            }
            if (ambiguous.contains(grantee)) {
                showOne.apply(account.account).ifPresent(user -> all.put(account.account, new AccountState(user, account.locked)));
                continue;
            }
            List<String> grants = lines(account, allGlobal, allSchemaAndTable);
            List<String> warnings = new ArrayList<>(account.warnings);
            if (singleStore) {
                warnings.add(SINGLESTORE_WARNING);
            }
            all.put(account.account, new AccountState(new DatabaseUser(account.account, account.requirement, grants, Optional.empty(), warnings),
                    account.locked));
        }
        return all;
    }

    /** Every row of mysql.global_priv that is an account s2mtls can name (no role, not the anonymous account). */
    private List<Gathered> mariaDbAccounts() throws SQLException {
        String sql = "SELECT User, Host, JSON_VALUE(Priv, '$.ssl_type'), JSON_VALUE(Priv, '$.x509_subject'),"
                + " JSON_VALUE(Priv, '$.x509_issuer'), JSON_VALUE(Priv, '$.ssl_cipher'), JSON_VALUE(Priv, '$.account_locked'),"
                + " JSON_VALUE(Priv, '$.is_role') FROM mysql.global_priv";
        List<Gathered> accounts = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                String user = rows.getString(1);
                if (user == null || user.isEmpty() || truth(rows.getString(8))) {
                    continue;
                }
                Optional<UserAccount> account = manageable(user, rows.getString(2));
                if (account.isEmpty()) {
                    continue;
                }
                TlsRequirement requirement = JdbcUserDirectory.fromStored(rows.getString(3), rows.getString(4), rows.getString(5));
                Gathered gathered = new Gathered(account.get(), Optional.of(requirement), Optional.of(truth(rows.getString(7))));
                String cipher = rows.getString(6);
                if (cipher != null && !cipher.isEmpty()) {
                    gathered.warnings.add("also required: CIPHER '" + cipher + "'");
                }
                accounts.add(gathered);
            }
        }
        return accounts;
    }

    /** Every row of SingleStore's information_schema.USERS; its lock column is read when it has one. */
    private List<Gathered> singleStoreAccounts() throws SQLException {
        List<Gathered> accounts = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT * FROM information_schema.USERS")) {
            int user = column(rows, "USER");
            int host = column(rows, "HOST");
            int locked = column(rows, "ACCOUNT_LOCKED");
            if (user < 0 || host < 0) {
                throw new SQLException("information_schema.USERS has no USER and HOST columns");
            }
            while (rows.next()) {
                String name = rows.getString(user);
                if (name == null || name.isEmpty()) {
                    continue;
                }
                Optional<Boolean> isLocked = locked < 0 ? Optional.empty() : Optional.ofNullable(rows.getString(locked))
                        .map(v -> v.equalsIgnoreCase("YES") || v.equalsIgnoreCase("Y") || v.equals("1") || v.equalsIgnoreCase("true"));
                manageable(name, rows.getString(host)).ifPresent(account -> accounts.add(new Gathered(account, Optional.empty(), isLocked)));
            }
        }
        return accounts;
    }

    private static int column(ResultSet rows, String name) throws SQLException {
        for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
            if (rows.getMetaData().getColumnLabel(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The roles and proxy grants of each account; a server or admin without mysql.roles_mapping has none to show. */
    private void readRolesAndProxies(Statement statement, List<Gathered> accounts) {
        Map<List<String>, Gathered> byUserHost = new HashMap<>();
        for (Gathered account : accounts) {
            byUserHost.put(List.of(account.account.name(), account.account.host()), account);
        }
        try (ResultSet rows = statement.executeQuery("SELECT User, Host, Role, Admin_option FROM mysql.roles_mapping")) {
            while (rows.next()) {
                Gathered account = byUserHost.get(List.of(String.valueOf(rows.getString(1)), String.valueOf(rows.getString(2))));
                if (account != null) {
                    account.roles.add("GRANT " + SqlDialect.identifier(rows.getString(3)) + " TO " + backticked(account.account)
                            + ("Y".equalsIgnoreCase(rows.getString(4)) ? " WITH ADMIN OPTION" : ""));
                }
            }
        } catch (SQLException e) {
            // no such table (MySQL) or no access: the role lines are left out, as the planner leaves them alone anyway
        }
        try (ResultSet rows = statement.executeQuery("SELECT User, Host, Proxied_user, Proxied_host, With_grant FROM mysql.proxies_priv")) {
            while (rows.next()) {
                Gathered account = byUserHost.get(List.of(String.valueOf(rows.getString(1)), String.valueOf(rows.getString(2))));
                if (account != null) {
                    account.proxies.add("GRANT PROXY ON " + SqlDialect.identifier(String.valueOf(rows.getString(3))) + "@"
                            + SqlDialect.identifier(String.valueOf(rows.getString(4))) + " TO " + backticked(account.account)
                            + (rows.getBoolean(5) ? " WITH GRANT OPTION" : ""));
                }
            }
        } catch (SQLException e) {
            // no access: the proxy lines are left out, as the planner leaves them alone anyway
        }
    }

    /** The privileges {@code ALL PRIVILEGES ON *.*} stands for on this server: SHOW PRIVILEGES but USAGE, GRANT OPTION and PROXY. */
    private Set<String> allGlobalPrivileges() throws SQLException {
        Set<String> all = new HashSet<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SHOW PRIVILEGES")) {
            while (rows.next()) {
                all.add(upper(rows.getString(1)));
            }
        }
        all.removeAll(Set.of("USAGE", "GRANT OPTION", "PROXY"));
        return all;
    }

    /** How many privileges a database level and a table level have (but GRANT OPTION), from mysql.db and mysql.tables_priv. */
    private int[] allSchemaAndTablePrivileges() throws SQLException {
        int schema = 0;
        int table = 0;
        String sql = "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'mysql'"
                + " AND (TABLE_NAME = 'db' AND RIGHT(COLUMN_NAME, 5) = '_priv' AND COLUMN_NAME <> 'Grant_priv'"
                + " OR TABLE_NAME = 'tables_priv' AND COLUMN_NAME = 'Table_priv')";
        try (Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery(sql)) {
                while (rows.next()) {
                    if (rows.getString(1).equalsIgnoreCase("db")) {
                        schema++;
                    } else {
                        String type = rows.getString(3);
                        // set('Select','Insert',...,'Grant',...)
                        table = (int) type.chars().filter(c -> c == ',').count() + 1 - (type.contains("'Grant'") ? 1 : 0);
                    }
                }
            }
        }
        return new int[] {schema, table};
    }

    /** The GRANT lines SHOW GRANTS prints for the account (roles first, then global, databases, tables). */
    private static List<String> lines(Gathered account, Set<String> allGlobal, int[] allSchemaAndTable) {
        String to = " TO " + backticked(account.account);
        List<String> lines = new ArrayList<>(account.roles);
        String global = account.global.isEmpty() ? "USAGE"
                : !allGlobal.isEmpty() && account.global.equals(allGlobal) ? "ALL PRIVILEGES" : String.join(", ", account.global);
        lines.add("GRANT " + global + " ON *.*" + to + (account.globalGrantable ? " WITH GRANT OPTION" : ""));
        for (Map.Entry<String, Level> schema : account.schemas.entrySet()) {
            Level level = schema.getValue();
            String privileges = level.privileges.size() == allSchemaAndTable[0] ? "ALL PRIVILEGES" : String.join(", ", level.privileges);
            lines.add("GRANT " + privileges + " ON " + SqlDialect.identifier(schema.getKey()) + ".*" + to
                    + (level.grantable ? " WITH GRANT OPTION" : ""));
        }
        for (Map.Entry<List<String>, Level> table : account.tables.entrySet()) {
            Level level = table.getValue();
            List<String> parts = new ArrayList<>();
            if (level.columns.isEmpty() && level.privileges.size() == allSchemaAndTable[1]) {
                parts.add("ALL PRIVILEGES");
            } else {
                Set<String> named = new LinkedHashSet<>(level.privileges);
                named.addAll(level.columns.keySet());
                for (String privilege : named) {
                    if (level.privileges.contains(privilege)) {
                        parts.add(privilege);
                    }
                    List<String> columns = level.columns.get(privilege);
                    if (columns != null) {
                        parts.add(privilege + " (" + String.join(", ", columns.stream().map(SqlDialect::identifier).toList()) + ")");
                    }
                }
            }
            lines.add("GRANT " + String.join(", ", parts) + " ON " + SqlDialect.identifier(table.getKey().get(0)) + "."
                    + SqlDialect.identifier(table.getKey().get(1)) + to + (level.grantable ? " WITH GRANT OPTION" : ""));
        }
        lines.addAll(account.proxies);
        return lines;
    }

    /** {@code `name`@`host`}, as SHOW GRANTS writes an account. */
    private static String backticked(UserAccount account) {
        return SqlDialect.identifier(account.name()) + "@" + SqlDialect.identifier(account.host());
    }

    /** The GRANTEE text of the information_schema views: {@code 'name'@'host'}, unescaped. */
    static String grantee(UserAccount account) {
        return "'" + account.name() + "'@'" + account.host() + "'";
    }

    /** A JSON boolean as JSON_VALUE returns it ({@code true} or {@code 1}). */
    private static boolean truth(String value) {
        return "true".equalsIgnoreCase(value) || "1".equals(value);
    }

    private static String upper(String text) {
        return String.valueOf(text).toUpperCase(Locale.ROOT);
    }

    private static Optional<UserAccount> manageable(String user, String host) {
        try {
            return Optional.of(new UserAccount(user, host == null ? "" : host));
        } catch (S2mtlsException e) {
            return Optional.empty();
        }
    }
}
