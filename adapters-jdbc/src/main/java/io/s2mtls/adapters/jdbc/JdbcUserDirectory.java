package io.s2mtls.adapters.jdbc;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.user.DatabaseTarget;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.ServerDescription;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import io.s2mtls.core.user.UserDirectory;
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

    JdbcUserDirectory(Connection connection, DatabaseTarget target, SqlDialect dialect, ServerDescription server) {
        this.connection = connection;
        this.target = target;
        this.dialect = dialect;
        this.server = server;
    }

    /** Chooses the dialect from the server: MariaDB by its version text, SingleStore by @@memsql_version. */
    static JdbcUserDirectory open(Connection connection, DatabaseTarget target, Optional<String> forcedDialect) {
        try {
            String version;
            String sqlMode;
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT @@version, @@sql_mode")) {
                row.next();
                version = String.valueOf(row.getString(1));
                sqlMode = String.valueOf(row.getString(2));
            }
            String comment = variable(connection, "@@version_comment").orElse("");
            Optional<String> memsqlVersion = variable(connection, "@@memsql_version");
            SqlLiterals literals = SqlLiterals.forSqlMode(sqlMode);
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
            return new JdbcUserDirectory(connection, target, dialect, new ServerDescription(dialect.name(), shownVersion, sqlMode));
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

    SqlDialect dialect() {
        return dialect;
    }

    @Override
    public ServerDescription server() {
        return server;
    }

    @Override
    public List<String> plannedSql(List<? extends UserCommand> commands) {
        return dialect.plan(commands).all();
    }

    @Override
    public List<String> execute(List<? extends UserCommand> commands) {
        SqlDialect.Plan plan = dialect.plan(commands);
        run(plan.accounts(), List.of());
        run(plan.privileges(), plan.accounts());
        verify(commands);
        return plan.all();
    }

    /** Runs {@code statements} as one pipelined batch; on failure names what ran and what did not. */
    private void run(List<String> statements, List<String> alreadyDone) {
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
            throw S2mtlsException.external("database " + JdbcConnector.hostAndPort(target.jdbcUrl()) + ": "
                    + failed.size() + " statement(s) failed, " + succeeded + " succeeded; first failure: "
                    + (failed.isEmpty() ? "?" : failed.get(0)) + ": " + e.getMessage()
                    + (alreadyDone.isEmpty() ? " (no GRANT was run)" : ""), e);
        } catch (SQLException e) {
            throw JdbcConnector.failure(e, target, "run " + statements.get(0));
        }
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
        Optional<Map<UserAccount, TlsRequirement>> stored = mysqlFamily.isMariaDb() ? storedRequirements() : Optional.empty();
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

    /** What mysql.global_priv holds (MariaDB 10.4+), or empty when the admin cannot read it. */
    private Optional<Map<UserAccount, TlsRequirement>> storedRequirements() {
        String sql = "SELECT User, Host, JSON_VALUE(Priv, '$.ssl_type'), JSON_VALUE(Priv, '$.x509_subject'),"
                + " JSON_VALUE(Priv, '$.x509_issuer') FROM mysql.global_priv";
        Map<UserAccount, TlsRequirement> stored = new HashMap<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                String user = rows.getString(1);
                if (user == null || user.isEmpty()) {
                    continue;
                }
                stored.put(new UserAccount(user, rows.getString(2)),
                        fromStored(rows.getString(3), rows.getString(4), rows.getString(5)));
            }
            return Optional.of(stored);
        } catch (SQLException e) {
            return Optional.empty(); // no SELECT on mysql.global_priv: fall back to SHOW CREATE USER
        }
    }

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

    private static TlsRequirement fromStored(String sslType, String subject, String issuer) {
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
                    accounts.add(new UserAccount(user, rows.getString(2)));
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
     * information_schema.PROCESSLIST (both SingleStore and MySQL/MariaDB have it): the rows of the user name,
     * kept when the client host (HOST without its ":port") matches the account's host pattern.
     */
    @Override
    public List<UserSession> sessions(UserAccount requested) {
        UserAccount account = dialect.canonical(requested);
        String sql = "SELECT ID, USER, HOST, COMMAND FROM information_schema.PROCESSLIST WHERE USER = ? AND ID <> CONNECTION_ID()";
        List<UserSession> sessions = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, account.name());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String host = clientHost(String.valueOf(rows.getString(3)));
                    // a killed connection lingers as 'Killed' until its thread notices; it is on its way out
                    if (HostPattern.matches(account.host(), host) && !"Killed".equalsIgnoreCase(rows.getString(4))) {
                        sessions.add(new UserSession(rows.getLong(1), rows.getString(2), host, String.valueOf(rows.getString(4))));
                    }
                }
            }
            return List.copyOf(sessions);
        } catch (SQLException e) {
            throw JdbcConnector.failure(e, target, "list the sessions of " + account);
        }
    }

    @Override
    public List<UserSession> killSessions(UserAccount account) {
        List<UserSession> killed = new ArrayList<>();
        for (UserSession session : sessions(account)) {
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
