package io.s2mtls.adapters.jdbc;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.user.DatabaseTarget;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.ServerDescription;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.user.UserSession;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link UserDirectory} over one administrative JDBC connection. */
final class JdbcUserDirectory implements UserDirectory {
    private final Connection connection;
    private final DatabaseTarget target;
    private final SqlDialect dialect;
    private final ServerDescription server;
    private final Optional<UserAccount> admin;

    JdbcUserDirectory(Connection connection, DatabaseTarget target, SqlDialect dialect, ServerDescription server,
                      Optional<UserAccount> admin) {
        this.connection = connection;
        this.target = target;
        this.dialect = dialect;
        this.server = server;
        this.admin = admin;
    }

    /** Chooses the dialect from the server: MariaDB by its version text, SingleStore by @@memsql_version. */
    static JdbcUserDirectory open(Connection connection, DatabaseTarget target, Optional<String> forcedDialect) {
        try {
            String version;
            String sqlMode;
            String currentUser;
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT @@version, @@sql_mode, CURRENT_USER()")) {
                row.next();
                version = String.valueOf(row.getString(1));
                sqlMode = String.valueOf(row.getString(2));
                currentUser = row.getString(3);
            }
            String comment = variable(connection, "@@version_comment").orElse("");
            Optional<String> memsqlVersion = variable(connection, "@@memsql_version");
            boolean literals = io.s2mtls.core.dn.SqlLiteral.noBackslashEscapes(sqlMode);
            boolean mariaDb = version.contains("MariaDB") || comment.contains("MariaDB");
            String choice = forcedDialect.orElse(mariaDb ? "mariadb" : memsqlVersion.isPresent() ? "singlestore" : "mysql");
            SqlDialect dialect = switch (choice) {
                case "singlestore" -> new SingleStoreDialect(literals,
                        SingleStoreDialect.Version.parse(memsqlVersion.orElse(version)));
                case "mariadb" -> new MariaDbDialect(literals, true);
                case "mysql" -> new MariaDbDialect(literals, false);
                default -> throw S2mtlsException.badInput("dialect: '" + choice + "' is not singlestore, mariadb or mysql");
            };
            String shownVersion = choice.equals("singlestore") ? memsqlVersion.orElse(version) : version;
            return new JdbcUserDirectory(connection, target, dialect, new ServerDescription(dialect.name(), shownVersion, sqlMode),
                    account(currentUser));
        } catch (SQLException e) {
            throw JdbcConnector.failure(e, target, "read the server's version");
        }
    }

    /** A server variable, or empty when the server has no such variable (1193 on MySQL for @@memsql_version). */
    private static Optional<String> variable(Connection connection, String name) {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT " + name)) {
            return row.next() ? Optional.ofNullable(row.getString(1)) : Optional.empty();
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /** {@code CURRENT_USER()} as an account: {@code name@host} (MySQL family) or {@code 'name'@'host'}; empty when anonymous. */
    static Optional<UserAccount> account(String currentUser) {
        if (currentUser == null) {
            return Optional.empty();
        }
        java.util.regex.Matcher quoted = java.util.regex.Pattern.compile("'(.*)'@'(.*)'").matcher(currentUser);
        String name;
        String host;
        if (quoted.matches()) {
            name = quoted.group(1);
            host = quoted.group(2);
        } else {
            int at = currentUser.lastIndexOf('@');
            name = at < 0 ? currentUser : currentUser.substring(0, at);
            host = at < 0 ? UserAccount.ANY_HOST : currentUser.substring(at + 1);
        }
        try {
            return Optional.of(new UserAccount(name, host));
        } catch (S2mtlsException e) {
            return Optional.empty(); // the anonymous account, or a name s2mtls cannot manage anyway
        }
    }

    SqlDialect dialect() {
        return dialect;
    }

    @Override
    public Optional<UserAccount> adminAccount() {
        return admin;
    }

    /** Whether {@code account} is exactly the admin's account (the host compared as the server does, ignoring case). */
    private boolean isAdmin(UserAccount account) {
        if (admin.isEmpty()) {
            return false;
        }
        UserAccount self = dialect.canonical(admin.get());
        UserAccount other = dialect.canonical(account);
        return self.name().equals(other.name()) && self.host().equalsIgnoreCase(other.host());
    }

    /** Refuses, before anything is sent, every command that would create, change, lock, drop or grant to the admin. */
    private void refuseAdmin(List<? extends UserCommand> commands) {
        for (UserCommand command : commands) {
            if (isAdmin(command.account())) {
                throw S2mtlsException.badInput("user: " + command.account() + " is the account s2mtls is logged in as (the"
                        + " admin); s2mtls never creates, alters, locks, drops, grants to or revokes from it, whatever a command"
                        + " or policy says. Name another account, or change the admin by hand as another administrator");
            }
        }
    }

    @Override
    public ServerDescription server() {
        return server;
    }

    @Override
    public List<String> plannedSql(List<? extends UserCommand> commands) {
        refuseAdmin(commands);
        return dialect.plan(commands).all();
    }

    @Override
    public List<String> execute(List<? extends UserCommand> commands) {
        refuseAdmin(commands);
        SqlDialect.Plan plan = dialect.plan(commands);
        run(plan.accounts(), List.of(), commands);
        run(plan.privileges(), plan.accounts(), commands);
        verify(commands);
        return plan.all();
    }

    /** Runs {@code statements} as one pipelined batch; on failure names what ran and what did not. */
    private void run(List<String> statements, List<String> alreadyDone, List<? extends UserCommand> commands) {
        if (statements.isEmpty()) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.setEscapeProcessing(false);
            if (statements.size() == 1) {
                statement.execute(statements.get(0));
                return;
            }
            for (String sql : statements) {
                statement.addBatch(sql);
            }
            statement.executeBatch();
        } catch (BatchUpdateException e) {
            int[] counts = e.getUpdateCounts();
            List<String> failed = new ArrayList<>();
            int succeeded = alreadyDone.size();
            for (int i = 0; i < statements.size(); i++) {
                if (counts == null || i >= counts.length || counts[i] == Statement.EXECUTE_FAILED) {
                    failed.add(statements.get(i));
                } else {
                    succeeded++;
                }
            }
            String first = failed.isEmpty() ? "?" : failed.get(0);
            throw S2mtlsException.external("database " + JdbcConnector.hostAndPort(target.jdbcUrl()) + ": "
                    + failed.size() + " statement(s) failed, " + succeeded + " succeeded; first failure: "
                    + explained(e, first, commands).orElse(first + ": " + e.getMessage())
                    + (alreadyDone.isEmpty() ? " (no GRANT was run)" : ""), e);
        } catch (SQLException e) {
            Optional<String> explained = explained(e, statements.get(0), commands);
            if (explained.isPresent()) {
                throw S2mtlsException.external("database " + JdbcConnector.hostAndPort(target.jdbcUrl()) + ": "
                        + explained.get() + (alreadyDone.isEmpty() ? "; nothing was changed" : ""), e);
            }
            throw JdbcConnector.failure(e, target, "run " + statements.get(0));
        }
    }

    /**
     * What a person can act on for the account errors of the MySQL family: 1396 (CREATE of an account that
     * exists, ALTER/DROP of one that does not), 1133 (no such account) and 1141 (no such grant).
     */
    private Optional<String> explained(SQLException e, String statement, List<? extends UserCommand> commands) {
        int code = e.getErrorCode();
        if (code != 1396 && code != 1133 && code != 1141) {
            return Optional.empty();
        }
        String account = null;
        for (UserCommand command : commands) {
            if (statement.contains(dialect.sqlAccount(command.account()))) {
                account = dialect.canonical(command.account()).toString();
                break;
            }
        }
        if (account == null) {
            java.util.regex.Matcher named = java.util.regex.Pattern.compile("for (?:user )?('.*'@'.*')").matcher(String.valueOf(e.getMessage()));
            account = named.find() ? named.group(1) : "the account";
        }
        String sql = " (" + statement + ": " + JdbcConnector.serverText(e) + ")";
        String upper = statement.toUpperCase(java.util.Locale.ROOT);
        if (code == 1396 && upper.startsWith("CREATE USER")) {
            return Optional.of("account " + account + " already exists" + sql + "; look at it with 's2mtls user show',"
                    + " change it with 's2mtls user alter', or drop it first");
        }
        if (code == 1141) {
            return Optional.of("account " + account + " holds no such grant" + sql);
        }
        return Optional.of("no such account " + account + sql
                + (upper.startsWith("DROP USER") ? "; pass --if-exists to accept that" : "")
                + "; 's2mtls user list' shows the accounts (the host is part of the account: --host)");
    }

    /** Reads back every created or altered account and fails when the server holds something else. */
    private void verify(List<? extends UserCommand> commands) {
        Map<UserAccount, TlsRequirement> expected = new LinkedHashMap<>();
        for (UserCommand command : commands) {
            if (command instanceof UserCommand.CreateUser create) {
                expected.put(dialect.canonical(create.account()), create.policy().requirement());
            } else if (command instanceof UserCommand.AlterUser alter) {
                expected.put(dialect.canonical(alter.account()), alter.requirement());
            } else if (command instanceof UserCommand.DropUser drop) {
                expected.remove(dialect.canonical(drop.account()));
            }
        }
        if (expected.isEmpty() || !(dialect instanceof MariaDbDialect mysqlFamily)) {
            return; // SingleStore documents no way to read a requirement back
        }
        Optional<Map<UserAccount, TlsRequirement>> stored = mysqlFamily.isMariaDb() ? storedRequirements(expected.keySet()) : Optional.empty();
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<UserAccount, TlsRequirement> entry : expected.entrySet()) {
            Optional<TlsRequirement> actual = stored.isPresent()
                    ? Optional.ofNullable(stored.get().get(entry.getKey()))
                    : showCreateUser(entry.getKey()).map(ShowCreateUser.Parsed::requirement);
            String want = describe(entry.getValue());
            String got = actual.map(JdbcUserDirectory::describe).orElse("no such account");
            if (!want.equals(got)) {
                mismatches.add(entry.getKey() + " holds " + got + " instead of " + want);
            }
        }
        if (!mismatches.isEmpty()) {
            throw S2mtlsException.external("database " + JdbcConnector.hostAndPort(target.jdbcUrl())
                    + ": the stored TLS requirement is not the one asked for: " + String.join("; ", mismatches), null);
        }
    }

    /**
     * What mysql.global_priv holds (MariaDB 10.4+) for {@code accounts}, read by primary key in one query per
     * {@value #VERIFY_CHUNK} accounts (never the whole table, so verifying the batches of a large apply stays
     * linear), or empty when the admin cannot read it.
     */
    private Optional<Map<UserAccount, TlsRequirement>> storedRequirements(java.util.Collection<UserAccount> accounts) {
        Map<UserAccount, TlsRequirement> stored = new HashMap<>();
        List<UserAccount> all = new ArrayList<>(accounts);
        for (int from = 0; from < all.size(); from += VERIFY_CHUNK) {
            List<UserAccount> chunk = all.subList(from, Math.min(all.size(), from + VERIFY_CHUNK));
            StringBuilder sql = new StringBuilder("SELECT User, Host, JSON_VALUE(Priv, '$.ssl_type'), JSON_VALUE(Priv, '$.x509_subject'),"
                    + " JSON_VALUE(Priv, '$.x509_issuer') FROM mysql.global_priv WHERE ");
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "" : " OR ").append("(Host = ? AND User = ?)");
            }
            try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
                int parameter = 1;
                for (UserAccount account : chunk) {
                    statement.setString(parameter++, account.host());
                    statement.setString(parameter++, account.name());
                }
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        Optional<UserAccount> account = manageable(rows.getString(1), rows.getString(2));
                        if (account.isPresent()) {
                            stored.put(account.get(), fromStored(rows.getString(3), rows.getString(4), rows.getString(5)));
                        }
                    }
                }
            } catch (SQLException e) {
                return Optional.empty(); // no SELECT on mysql.global_priv: fall back to SHOW CREATE USER
            }
        }
        return Optional.of(stored);
    }

    /** Accounts verified per query after a batch. */
    private static final int VERIFY_CHUNK = 500;

    /** What mysql.global_priv holds for one account (one indexed row), or empty when absent or unreadable. */
    private Optional<TlsRequirement> storedRequirement(UserAccount account) {
        String sql = "SELECT JSON_VALUE(Priv, '$.ssl_type'), JSON_VALUE(Priv, '$.x509_subject'),"
                + " JSON_VALUE(Priv, '$.x509_issuer') FROM mysql.global_priv WHERE User = ? AND Host = ?";
        try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, account.name());
            statement.setString(2, account.host());
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(fromStored(rows.getString(1), rows.getString(2), rows.getString(3))) : Optional.empty();
            }
        } catch (SQLException e) {
            return Optional.empty(); // no SELECT on mysql.global_priv: SHOW CREATE USER stands
        }
    }

    static TlsRequirement fromStored(String sslType, String subject, String issuer) {
        String type = sslType == null ? "0" : sslType;
        return switch (type) {
            case "0" -> TlsRequirement.none();
            case "1" -> TlsRequirement.ssl();
            case "2" -> TlsRequirement.x509();
            default -> {
                boolean hasSubject = subject != null && !subject.isEmpty();
                if (issuer != null && !issuer.isEmpty()) {
                    yield new TlsRequirement.Issuer(issuer, hasSubject ? Optional.of(TlsRequirement.subject(subject)) : Optional.empty());
                }
                // SPECIFIED with no subject: what MariaDB leaves when it drops an over-long subject
                yield hasSubject ? TlsRequirement.subject(subject) : TlsRequirement.ssl();
            }
        };
    }

    /** A comparable description, ignoring the caller's ambiguity flag. */
    static String describe(TlsRequirement requirement) {
        if (requirement instanceof TlsRequirement.Subject subject) {
            return "REQUIRE SUBJECT [" + subject.oneline() + "]";
        }
        if (requirement instanceof TlsRequirement.Issuer issuer) {
            return "REQUIRE ISSUER [" + issuer.oneline() + "]" + issuer.subject().map(s -> " SUBJECT [" + s.oneline() + "]").orElse("");
        }
        return "REQUIRE " + requirement.keyword();
    }

    private Optional<ShowCreateUser.Parsed> showCreateUser(UserAccount account) {
        return showCreateUserLine(account).map(ShowCreateUser::parse);
    }

    private Optional<String> showCreateUserLine(UserAccount account) {
        String sql = "SHOW CREATE USER " + dialect.sqlAccount(account);
        try (Statement statement = connection.createStatement()) {
            statement.setEscapeProcessing(false);
            try (ResultSet row = statement.executeQuery(sql)) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            // 1133 (SQLSTATE 28000, "Can't find any matching row in the user table"): MariaDB's answer for an
            // account it does not have, not an access denial
            if (e.getErrorCode() == 1396 || e.getErrorCode() == 1141 || e.getErrorCode() == 1133) {
                return Optional.empty();
            }
            throw JdbcConnector.failure(e, target, "read back " + account);
        }
    }

    private List<String> showGrants(UserAccount account) {
        String sql = "SHOW GRANTS FOR " + dialect.sqlAccount(account);
        List<String> grants = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            statement.setEscapeProcessing(false);
            try (ResultSet rows = statement.executeQuery(sql)) {
                while (rows.next()) {
                    grants.add(rows.getString(1));
                }
            }
            return grants;
        } catch (SQLException e) {
            if (e.getErrorCode() == 1141 || e.getErrorCode() == 1396) {
                return List.of();
            }
            throw JdbcConnector.failure(e, target, "read the grants of " + account);
        }
    }

    @Override
    public List<UserAccount> list() {
        String sql = dialect instanceof SingleStoreDialect
                ? "SELECT USER, HOST FROM information_schema.USERS ORDER BY 1, 2"
                : "SELECT User, Host FROM mysql.user ORDER BY 1, 2";
        List<UserAccount> accounts = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                String user = rows.getString(1);
                if (user != null && !user.isEmpty()) {
                    manageable(user, rows.getString(2)).ifPresent(accounts::add);
                }
            }
            return List.copyOf(accounts);
        } catch (SQLException e) {
            throw JdbcConnector.failure(e, target, "list users");
        }
    }

    @Override
    public Optional<DatabaseUser> show(UserAccount requested) {
        UserAccount account = dialect.canonical(requested);
        if (dialect instanceof SingleStoreDialect) {
            List<String> grants = showGrants(account);
            if (grants.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new DatabaseUser(account, Optional.empty(), grants, Optional.empty(),
                    List.of("SingleStore does not expose the TLS requirement; the GRANT lines are what it shows")));
        }
        Optional<String> definition = showCreateUserLine(account);
        if (definition.isEmpty()) {
            return Optional.empty();
        }
        ShowCreateUser.Parsed parsed = ShowCreateUser.parse(definition.get());
        List<String> warnings = new ArrayList<>();
        parsed.unparsed().ifPresent(u -> warnings.add("also required: " + u));
        TlsRequirement requirement = parsed.requirement();
        if (dialect instanceof MariaDbDialect maria && maria.isMariaDb()) {
            Optional<TlsRequirement> stored = storedRequirement(account);
            if (stored.isPresent() && !describe(stored.get()).equals(describe(requirement))) {
                warnings.add("SHOW CREATE USER shows " + describe(requirement) + " but mysql.global_priv stores "
                        + describe(stored.get()) + ", which is what survives a restart");
                requirement = stored.get();
            }
        }
        return Optional.of(new DatabaseUser(account, Optional.of(requirement), showGrants(account), definition, warnings));
    }

    /**
     * Every account in a fixed number of queries ({@link BulkAccounts}): MariaDB and SingleStore. MySQL has
     * no mysql.global_priv; there, as for a server that refuses the reads, the accounts are listed and shown
     * one by one.
     */
    @Override
    public Map<UserAccount, AccountState> showAll() {
        if (dialect instanceof MariaDbDialect maria && !maria.isMariaDb()) {
            return UserDirectory.super.showAll();
        }
        try {
            return new BulkAccounts(connection, dialect).read(this::show);
        } catch (SQLException e) {
            throw JdbcConnector.failure(e, target, "read the accounts and their grants");
        }
    }

    /** A row of the accounts table as an account, or empty for one s2mtls cannot name (the anonymous one, stray spaces). */
    private static Optional<UserAccount> manageable(String user, String host) {
        try {
            return Optional.of(new UserAccount(user, host == null ? "" : host));
        } catch (S2mtlsException e) {
            return Optional.empty();
        }
    }

    /** The sessions of one user name, split by whether they certainly logged in as the account. */
    record Sessions(List<UserSession> certain, List<String> ambiguous) {
    }

    /**
     * information_schema.PROCESSLIST (both SingleStore and MySQL/MariaDB have it) shows the user name the
     * client gave and the client host, not the account the server matched. A session is the account's only
     * when the account's host pattern matches the client host and no other account that the server could
     * have chosen for that login may match it too: an account of the same name, or an anonymous one
     * ({@code ''@host}, which any name can log in as). Those others come from the server's account table
     * now; a session whose account has since been dropped counts as the remaining candidate's. When the
     * accounts cannot be read, or a client host is a name while a candidate's host is an address (or the
     * reverse cannot be ruled out), the session is ambiguous.
     */
    Sessions classify(UserAccount requested) {
        UserAccount account = dialect.canonical(requested);
        Optional<List<Rival>> rivals = rivals(account);
        String sql = "SELECT ID, USER, HOST, COMMAND FROM information_schema.PROCESSLIST WHERE USER = ? AND ID <> CONNECTION_ID()";
        List<UserSession> certain = new ArrayList<>();
        List<String> ambiguous = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, account.name());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String host = clientHost(String.valueOf(rows.getString(3)));
                    // a killed connection lingers as 'Killed' until its thread notices; it is on its way out
                    // the process list compares names without regard to case; account names are case-sensitive
                    if (!account.name().equals(rows.getString(2)) || "Killed".equalsIgnoreCase(rows.getString(4))
                            || !mayMatch(account.host(), host)) {
                        continue;
                    }
                    UserSession session = new UserSession(rows.getLong(1), rows.getString(2), host, String.valueOf(rows.getString(4)));
                    List<String> others = rivals.map(list -> list.stream().filter(r -> mayMatch(r.host(), host))
                            .map(Rival::text).toList()).orElse(List.of("an account the admin cannot read"));
                    if (others.isEmpty() && HostPattern.matches(account.host(), host)) {
                        certain.add(session);
                    } else {
                        List<String> could = new ArrayList<>(List.of(account.toString()));
                        could.addAll(others);
                        ambiguous.add("id " + session.id() + " from " + host + " (" + String.join(" or ", could) + ")");
                    }
                }
            }
            return new Sessions(List.copyOf(certain), List.copyOf(ambiguous));
        } catch (SQLException e) {
            throw JdbcConnector.failure(e, target, "list the sessions of " + account);
        }
    }

    /**
     * Whether an account with host {@code pattern} may be the one a client at {@code host} logged in as. A
     * process list shows the client's name when the server resolved it, else its address; the server matches
     * patterns against both, so an address-like pattern cannot be ruled out for a client shown by name.
     */
    private static boolean mayMatch(String pattern, String host) {
        return HostPattern.matches(pattern, host) || !HostPattern.isIpAddress(host) && HostPattern.couldMatchAnAddress(pattern);
    }

    /** Another account a login may have matched: its {@code 'name'@'host'} text and host pattern. */
    private record Rival(String text, String host) {
    }

    /** The other accounts a login with {@code account}'s name may have matched, or empty when they cannot be read. */
    private Optional<List<Rival>> rivals(UserAccount account) {
        List<String> queries = dialect instanceof SingleStoreDialect
                ? List.of("SELECT USER, HOST FROM information_schema.USERS WHERE USER = ? OR USER = ''",
                        "SELECT User, Host FROM mysql.user WHERE User = ? OR User = ''")
                : List.of("SELECT User, Host FROM mysql.user WHERE User = ? OR User = ''",
                        "SELECT USER, HOST FROM information_schema.USERS WHERE USER = ? OR USER = ''");
        for (String sql : queries) {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, account.name());
                List<Rival> rivals = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        String user = String.valueOf(rows.getString(1));
                        String host = String.valueOf(rows.getString(2));
                        boolean candidate = user.equals(account.name()) || user.isEmpty();
                        if (candidate && !(user.equals(account.name()) && host.equalsIgnoreCase(account.host()))) {
                            rivals.add(new Rival("'" + user + "'@'" + host + "'", host));
                        }
                    }
                }
                return Optional.of(List.copyOf(rivals));
            } catch (SQLException e) {
                // no such table (MariaDB has no USERS with a HOST column) or no privilege: try the other one
            }
        }
        return Optional.empty();
    }

    /** The sessions certainly of {@code account}; ambiguous ones are left out (see {@link #classify}). */
    @Override
    public List<UserSession> sessions(UserAccount account) {
        return classify(account).certain();
    }

    /**
     * Ends the sessions certainly of {@code account}; then, when sessions were left open because the server
     * does not say which account they logged in as, fails naming them. The admin's own account is refused.
     */
    @Override
    public List<UserSession> killSessions(UserAccount account) {
        if (isAdmin(account)) {
            throw S2mtlsException.badInput("user: " + account + " is the account s2mtls is logged in as (the admin);"
                    + " s2mtls never ends its sessions. Name another account");
        }
        Sessions sessions = classify(account);
        List<UserSession> killed = new ArrayList<>();
        for (UserSession session : sessions.certain()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("KILL CONNECTION " + session.id());
                killed.add(session);
            } catch (SQLException e) {
                // 1094 "Unknown thread id": it ended by itself between the listing and the KILL
                if (e.getErrorCode() != 1094) {
                    throw JdbcConnector.failure(e, target, "KILL CONNECTION " + session.id() + " of " + account
                            + " (killed so far: " + killed.stream().map(UserSession::id).toList() + ")");
                }
            }
        }
        if (!sessions.ambiguous().isEmpty()) {
            throw S2mtlsException.external("database " + JdbcConnector.hostAndPort(target.jdbcUrl()) + ": killed "
                    + killed.size() + " session(s) of " + dialect.canonical(account) + " " + killed.stream().map(UserSession::id).toList()
                    + " but left " + sessions.ambiguous().size() + " session(s) open because the server does not say which"
                    + " account they logged in as: " + String.join("; ", sessions.ambiguous())
                    + ". Check them (SHOW PROCESSLIST) and end those of " + dialect.canonical(account)
                    + " with KILL CONNECTION id", null);
        }
        return List.copyOf(killed);
    }

    @Override
    public Optional<String> clientCaFile() {
        String name = dialect instanceof SingleStoreDialect ? "@@ssl_ca_for_client_cert" : "@@ssl_ca";
        Optional<String> file = variable(connection, name).filter(v -> !v.isBlank());
        if (file.isEmpty() && dialect instanceof SingleStoreDialect) {
            file = variable(connection, "@@ssl_ca").filter(v -> !v.isBlank());
        }
        return file;
    }

    /** {@code 127.0.0.1:53412} -> {@code 127.0.0.1}; {@code [::1]:53412} -> {@code ::1}; a socket's {@code localhost} as is. */
    static String clientHost(String processListHost) {
        String host = processListHost;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 ? host.substring(1, end) : host;
        }
        int colon = host.lastIndexOf(':');
        return colon > 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing is best effort; nothing was left pending
        }
    }
}
