package io.s2mtls.core.user;

import io.s2mtls.core.error.S2mtlsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A privilege specification, {@code PRIVS ON LEVEL}, parsed with a strict grammar so that it is never
 * interpolated into SQL as raw text:
 * <pre>
 * grant      = privilege *("," privilege) SP "ON" SP level
 * privilege  = word *(SP word)        ; letters and '_' only, at most four words, e.g. "SELECT", "CREATE TEMPORARY TABLES"
 * level      = "*.*" / db ".*" / db "." table
 * db, table  = 1*(ALPHA / DIGIT / "_" / "$") / "`" 1*(any char but NUL, "``" for a backtick) "`"
 * </pre>
 * Column lists ({@code SELECT (col)}), routines ({@code ON PROCEDURE ...}) and {@code WITH GRANT OPTION}
 * are not supported.
 *
 * @param privileges upper-case privilege names, in the order given, without duplicates
 * @param database   the database, empty for {@code *.*}
 * @param table      the table, empty for {@code db.*} and {@code *.*}
 */
public record PrivilegeGrant(List<String> privileges, Optional<String> database, Optional<String> table) {
    private static final Pattern PRIVILEGE = Pattern.compile("[A-Z_]+( [A-Z_]+){0,3}");
    private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[A-Za-z0-9_$]+");

    public PrivilegeGrant {
        requireNonNull(privileges, "privileges is null");
        requireNonNull(database, "database is null");
        requireNonNull(table, "table is null");
        privileges = List.copyOf(privileges);
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
    }

    /** Parses {@code "SELECT, INSERT ON db.*"}; throws a bad-input error naming what is wrong. */
    public static PrivilegeGrant parse(String spec) {
        requireNonNull(spec, "spec is null");
        Matcher on = Pattern.compile("\\s+ON\\s+", Pattern.CASE_INSENSITIVE).matcher(spec);
        int split = -1;
        int levelStart = -1;
        while (on.find()) {
            // the first " ON " outside backticks; privilege names never contain backticks
            if (spec.substring(0, on.start()).indexOf('`') < 0) {
                split = on.start();
                levelStart = on.end();
                break;
            }
        }
        if (split < 0) {
            throw S2mtlsException.badInput("--grant: '" + spec + "' has no ON clause; write PRIVS ON LEVEL, e.g. \"SELECT ON db.*\"");
        }
        List<String> privileges = new ArrayList<>();
        for (String part : spec.substring(0, split).split(",", -1)) {
            String privilege = part.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
            if (privilege.isEmpty()) {
                throw S2mtlsException.badInput("--grant: '" + spec + "' has an empty privilege in its list");
            }
            privileges.add(privilege);
        }
        String level = spec.substring(levelStart).strip();
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
            return new PrivilegeGrant(privileges, Optional.of(first), Optional.empty());
        }
        String second = identifier(level, position, spec);
        if (position[0] != level.length()) {
            throw S2mtlsException.badInput("--grant: level '" + level + "' has trailing text");
        }
        return new PrivilegeGrant(privileges, Optional.of(first), Optional.of(second));
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

    /** The canonical text, e.g. {@code SELECT, INSERT ON `db`.*}. */
    @Override
    public String toString() {
        return String.join(", ", privileges) + " ON " + database.map(d -> quote(d) + ".").orElse("*.")
                + table.map(PrivilegeGrant::quote).orElse("*");
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
