package io.s2mtls.core.user;

import io.s2mtls.core.error.S2mtlsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A privilege specification, {@code PRIVS ON LEVEL [WITH GRANT OPTION]}, parsed with a strict grammar so
 * that it is never interpolated into SQL as raw text:
 * <pre>
 * grant      = privilege *("," privilege) SP "ON" SP level [SP "WITH GRANT OPTION"]
 * privilege  = word *(SP word)        ; letters and '_' only, at most four words, e.g. "SELECT", "CREATE TEMPORARY TABLES"
 * level      = "*.*" / db ".*" / db "." table
 * db, table  = 1*(ALPHA / DIGIT / "_" / "$") / "`" 1*(any char but NUL, "``" for a backtick) "`"
 * </pre>
 * {@code WITH GRANT OPTION} is kept as the privilege {@code GRANT OPTION}; {@code ALL} as {@code ALL PRIVILEGES},
 * the servers' own spelling. Column lists ({@code SELECT (col)}) and routines ({@code ON PROCEDURE ...}) are
 * not supported.
 *
 * <h2>Database names mean exactly what they say</h2>
 * MySQL, MariaDB and SingleStore read the database name of a {@code db.*} grant as a pattern: {@code _} is
 * any one character and {@code %} any characters, so a grant on {@code app_db.*} also reaches
 * {@code appXdb}. By default ({@link GrantRules#STRICT}) a name is literal: the SQL escapes it (MariaDB and
 * MySQL: {@code `app\_db`}) so that it reaches that database only, and a {@code %} in a {@code db.*} name is
 * refused as a wildcard. With {@link GrantRules#patterns()} the name is a pattern ({@link #databasePattern()}),
 * passed to the server as written. The database of a table grant ({@code db.table}) is always literal: the
 * servers compare it exactly (measured on MariaDB 10.11: {@code `app\_db`.t} names a database called
 * {@code app\_db}).
 *
 * <h2>Administrative privileges</h2>
 * Unless {@link GrantRules#adminPrivileges()} allows them, {@link #parse(String, GrantRules)} refuses a grant
 * that lets the account manage other accounts, act as them, or change the grant tables ({@link #adminReason()}):
 * <ul>
 *   <li>{@code GRANT OPTION} (or {@code WITH GRANT OPTION}) at any level: the account can pass its privileges on;</li>
 *   <li>{@code CREATE USER}, and SingleStore's {@code ALTER USER}: create, drop, rename or re-require any account;</li>
 *   <li>{@code SUPER}: server administration, including other sessions and (on older servers) definers;</li>
 *   <li>{@code PROXY}, MariaDB's {@code SET USER}, MySQL's {@code SET_USER_ID}, {@code SET_ANY_DEFINER},
 *       {@code SYSTEM_USER}, {@code CREATE ROLE}, {@code DROP ROLE} and {@code ROLE_ADMIN}: act as, or hand out,
 *       other accounts and roles;</li>
 *   <li>{@code FILE} (SingleStore {@code FILE READ}, {@code FILE WRITE}): read the server's files, among them
 *       the grant tables' own data files with every password hash;</li>
 *   <li>{@code ALL [PRIVILEGES] ON *.*}: includes all of the above;</li>
 *   <li>a privilege that writes tables ({@code INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, CREATE VIEW,
 *       TRIGGER, DELETE HISTORY, CREATE ROUTINE, ALTER ROUTINE, EVENT}, {@code ALL}) on a level that reaches the
 *       {@code mysql} database, whose tables are the grant tables: {@code *.*}, {@code mysql.*},
 *       {@code mysql.table}, or a pattern that matches {@code mysql}.</li>
 * </ul>
 *
 * @param privileges      upper-case privilege names, in the order given, without duplicates
 * @param database        the database, empty for {@code *.*}; a server pattern when {@code databasePattern}
 * @param table           the table, empty for {@code db.*} and {@code *.*}
 * @param databasePattern the database name of a {@code db.*} grant is a server pattern (with at least one
 *                        unescaped {@code _} or {@code %}); a pattern without wildcards is stored as the literal
 *                        name it stands for
 */
public record PrivilegeGrant(List<String> privileges, Optional<String> database, Optional<String> table, boolean databasePattern) {
    private static final Pattern PRIVILEGE = Pattern.compile("[A-Z_]+( [A-Z_]+){0,3}");
    private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[A-Za-z0-9_$]+");
    private static final Pattern WITH_GRANT_OPTION = Pattern.compile("\\s+WITH\\s+GRANT\\s+OPTION\\s*$", Pattern.CASE_INSENSITIVE);
    public static final String GRANT_OPTION = "GRANT OPTION";
    private static final Set<String> ACCOUNT_ADMIN = Set.of("CREATE USER", "ALTER USER", "SUPER", "PROXY", "SET USER",
            "SET_USER_ID", "SET_ANY_DEFINER", "SYSTEM_USER", "CREATE ROLE", "DROP ROLE", "ROLE_ADMIN", "FILE", "FILE READ", "FILE WRITE");
    private static final Set<String> WRITES = Set.of("INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "INDEX", "CREATE VIEW",
            "TRIGGER", "DELETE HISTORY", "CREATE ROUTINE", "ALTER ROUTINE", "EVENT", "ALL PRIVILEGES");

    public PrivilegeGrant {
        requireNonNull(privileges, "privileges is null");
        requireNonNull(database, "database is null");
        requireNonNull(table, "table is null");
        privileges = privileges.stream().map(p -> p.equals("ALL") ? "ALL PRIVILEGES" : p).toList();
        if (privileges.isEmpty()) {
            throw S2mtlsException.badInput("--grant: no privilege given; write e.g. \"SELECT, INSERT ON db.*\"");
        }
        for (String privilege : privileges) {
            if (!PRIVILEGE.matcher(privilege).matches()) {
                throw S2mtlsException.badInput("--grant: '" + privilege + "' is not a privilege name (upper-case words such as SELECT or CREATE TEMPORARY TABLES)");
            }
        }
        if (privileges.stream().distinct().count() != privileges.size()) {
            throw S2mtlsException.badInput("--grant: a privilege is listed twice in " + privileges);
        }
        if (table.isPresent() && database.isEmpty()) {
            throw S2mtlsException.badInput("--grant: a table needs its database: write db.table");
        }
        if (table.isPresent() && table.get().isEmpty() || database.isPresent() && database.get().isEmpty()) {
            throw S2mtlsException.badInput("--grant: an empty database or table name");
        }
        for (String name : List.of(database.orElse("x"), table.orElse("x"))) {
            if (name.indexOf('\0') >= 0) {
                throw S2mtlsException.badInput("--grant: a NUL character in a database or table name");
            }
        }
        if (databasePattern) {
            if (database.isEmpty() || table.isPresent()) {
                throw S2mtlsException.badInput("--grant: only the database of a db.* grant can be a pattern");
            }
            if (!hasWildcard(database.get())) {
                database = Optional.of(unescape(database.get()));
                databasePattern = false;
            }
        }
    }

    /** A grant whose database name, if any, is literal. */
    public PrivilegeGrant(List<String> privileges, Optional<String> database, Optional<String> table) {
        this(privileges, database, table, false);
    }

    /** {@link #parse(String, GrantRules)} with {@link GrantRules#STRICT}: literal names, no administrative privileges. */
    public static PrivilegeGrant parse(String spec) {
        return parse(spec, GrantRules.STRICT);
    }

    /**
     * Parses {@code "SELECT, INSERT ON db.*"}; throws a bad-input error naming what is wrong, or naming the
     * grant when it asks for what {@code rules} do not allow.
     */
    public static PrivilegeGrant parse(String spec, GrantRules rules) {
        requireNonNull(spec, "spec is null");
        requireNonNull(rules, "rules is null");
        PrivilegeGrant grant = parseText(spec, rules.patterns());
        if (!rules.adminPrivileges()) {
            grant.adminReason().ifPresent(reason -> {
                throw S2mtlsException.badInput("--grant: '" + spec.strip() + "' " + reason + "; refused unless allowed explicitly"
                        + " (allow-admin-privileges: true in a policy, --allow-admin-privileges on the command line)");
            });
        }
        return grant;
    }

    private static PrivilegeGrant parseText(String spec, boolean patterns) {
        Matcher withGrantOption = WITH_GRANT_OPTION.matcher(spec);
        boolean grantOption = withGrantOption.find();
        String text = grantOption ? spec.substring(0, withGrantOption.start()) : spec;
        Matcher on = Pattern.compile("\\s+ON\\s+", Pattern.CASE_INSENSITIVE).matcher(text);
        int split = -1;
        int levelStart = -1;
        while (on.find()) {
            // the first " ON " outside backticks; privilege names never contain backticks
            if (text.substring(0, on.start()).indexOf('`') < 0) {
                split = on.start();
                levelStart = on.end();
                break;
            }
        }
        if (split < 0) {
            throw S2mtlsException.badInput("--grant: '" + spec + "' has no ON clause; write PRIVS ON LEVEL, e.g. \"SELECT ON db.*\"");
        }
        List<String> privileges = new ArrayList<>();
        for (String part : text.substring(0, split).split(",", -1)) {
            String privilege = part.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
            if (privilege.isEmpty()) {
                throw S2mtlsException.badInput("--grant: '" + spec + "' has an empty privilege in its list");
            }
            privileges.add(privilege);
        }
        if (grantOption && !privileges.contains(GRANT_OPTION)) {
            privileges.add(GRANT_OPTION);
        }
        String level = text.substring(levelStart).strip();
        if (level.equals("*.*")) {
            return new PrivilegeGrant(privileges, Optional.empty(), Optional.empty());
        }
        int[] position = {0};
        String first = identifier(level, position, spec);
        if (position[0] == level.length() || level.charAt(position[0]) != '.') {
            throw S2mtlsException.badInput("--grant: level '" + level + "' is not *.*, db.* or db.table");
        }
        position[0]++;
        if (level.substring(position[0]).equals("*")) {
            if (!patterns && first.indexOf('%') >= 0) {
                throw S2mtlsException.badInput("--grant: '%' in the database name of '" + spec.strip() + "' is a wildcard to the server;"
                        + " to grant on every database it matches allow patterns (grant-patterns: true in a policy,"
                        + " --grant-patterns on the command line), otherwise name one database");
            }
            return new PrivilegeGrant(privileges, Optional.of(first), Optional.empty(), patterns);
        }
        String second = identifier(level, position, spec);
        if (position[0] != level.length()) {
            throw S2mtlsException.badInput("--grant: level '" + level + "' has trailing text");
        }
        return new PrivilegeGrant(privileges, Optional.of(first), Optional.of(second));
    }

    /**
     * Why this grant lets the account manage other accounts or the grant tables (the list in the class
     * comment), or empty when it does not.
     */
    public Optional<String> adminReason() {
        for (String privilege : privileges) {
            if (privilege.equals(GRANT_OPTION)) {
                return Optional.of("lets the account pass its privileges to other accounts (GRANT OPTION)");
            }
            if (ACCOUNT_ADMIN.contains(privilege)) {
                return Optional.of("lets the account manage, act as or read the secrets of other accounts (" + privilege + ")");
            }
            if (privilege.equals("ALL PRIVILEGES") && database.isEmpty()) {
                return Optional.of("includes CREATE USER and every other administrative privilege (ALL PRIVILEGES ON *.*)");
            }
            if (WRITES.contains(privilege) && reachesGrantTables()) {
                return Optional.of("can change the grant tables in the mysql database (" + privilege + " ON " + level() + ")");
            }
        }
        return Optional.empty();
    }

    private boolean reachesGrantTables() {
        if (database.isEmpty()) {
            return true;
        }
        return databasePattern ? matches(database.get(), "mysql") : database.get().equalsIgnoreCase("mysql");
    }

    /**
     * The database name of a {@code db.*} grant as the server's GRANT reads it (a pattern): the pattern as
     * written, or the literal name with {@code \}, {@code _} and {@code %} escaped by a backslash.
     */
    public String databaseAsPattern() {
        String name = database.orElseThrow(() -> new IllegalStateException("no database in " + this));
        return databasePattern ? name : escapeWildcards(name);
    }

    /** {@code literal} with {@code \}, {@code _} and {@code %} escaped, so that a server pattern matches only it. */
    public static String escapeWildcards(String literal) {
        StringBuilder escaped = new StringBuilder(literal.length() + 4);
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '\\' || c == '_' || c == '%') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    /** Whether {@code pattern} has an unescaped {@code _} or {@code %}. */
    static boolean hasWildcard(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '_' || c == '%') {
                return true;
            }
        }
        return false;
    }

    /** The literal a pattern without wildcards stands for: {@code \x} is {@code x}. */
    static String unescape(String pattern) {
        StringBuilder name = new StringBuilder(pattern.length());
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                c = pattern.charAt(++i);
            }
            name.append(c);
        }
        return name.toString();
    }

    /** Whether the server pattern matches {@code name}, case-insensitively (as on a case-insensitive file system). */
    static boolean matches(String pattern, String name) {
        return matches(pattern.toLowerCase(Locale.ROOT), 0, name.toLowerCase(Locale.ROOT), 0);
    }

    private static boolean matches(String pattern, int p, String name, int n) {
        while (p < pattern.length()) {
            char c = pattern.charAt(p);
            if (c == '%') {
                for (int rest = n; rest <= name.length(); rest++) {
                    if (matches(pattern, p + 1, name, rest)) {
                        return true;
                    }
                }
                return false;
            }
            if (n >= name.length()) {
                return false;
            }
            if (c == '\\' && p + 1 < pattern.length()) {
                c = pattern.charAt(++p);
                if (c != name.charAt(n)) {
                    return false;
                }
            } else if (c != '_' && c != name.charAt(n)) {
                return false;
            }
            p++;
            n++;
        }
        return n == name.length();
    }

    private static String identifier(String level, int[] position, String spec) {
        int start = position[0];
        if (start < level.length() && level.charAt(start) == '`') {
            StringBuilder name = new StringBuilder();
            int i = start + 1;
            while (i < level.length()) {
                char c = level.charAt(i);
                if (c == '`') {
                    if (i + 1 < level.length() && level.charAt(i + 1) == '`') {
                        name.append('`');
                        i += 2;
                        continue;
                    }
                    position[0] = i + 1;
                    return name.toString();
                }
                name.append(c);
                i++;
            }
            throw S2mtlsException.badInput("--grant: unterminated `quoted` name in '" + spec + "'");
        }
        int end = start;
        while (end < level.length() && (Character.isLetterOrDigit(level.charAt(end)) && level.charAt(end) < 128
                || level.charAt(end) == '_' || level.charAt(end) == '$')) {
            end++;
        }
        String name = level.substring(start, end);
        if (!PLAIN_IDENTIFIER.matcher(name).matches()) {
            throw S2mtlsException.badInput("--grant: level in '" + spec + "' is not *.*, db.* or db.table;"
                    + " quote other names with backticks");
        }
        position[0] = end;
        return name;
    }

    /**
     * The canonical text, e.g. {@code SELECT, INSERT ON `db`.*}; a pattern ends with {@code (database pattern)},
     * e.g. {@code SELECT ON `app\_%`.* (database pattern)}.
     */
    @Override
    public String toString() {
        return String.join(", ", privileges) + " ON " + level() + (databasePattern ? " (database pattern)" : "");
    }

    private String level() {
        return database.map(d -> quote(d) + ".").orElse("*.") + table.map(PrivilegeGrant::quote).orElse("*");
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
