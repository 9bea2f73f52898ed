package io.s2mtls.cli.command.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.s2mtls.cli.support.Durations;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.policy.Policy;
import io.s2mtls.core.policy.PolicyDefaults;
import io.s2mtls.core.policy.PolicyUser;
import io.s2mtls.core.user.GrantRules;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.UserAccount;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;

import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a policy file (YAML) into the core's {@link Policy}. Every error names the file, the line and
 * the column (from Jackson's {@link JsonLocation}) of the offending key or value.
 */
public final class PolicyFile {
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final Set<String> ROOT_KEYS = Set.of("name", "defaults", "users");
    private static final Set<String> DEFAULT_KEYS = Set.of("key", "days", "host", "renew-within", "subject",
            "grant-patterns", "allow-admin-privileges");
    private static final Set<String> USER_KEYS = Set.of("name", "host", "require", "subject", "grants", "credential", "adopt",
            "grant-patterns", "allow-admin-privileges");

    private final String file;
    /** grant-patterns and allow-admin-privileges of 'defaults:', the base of each user's. */
    private GrantRules defaultGrantRules = GrantRules.STRICT;

    private PolicyFile(String file) {
        this.file = file;
    }

    /** Parses {@code text}; {@code file} names it in messages. */
    public static Policy parse(String text, String file) {
        return new PolicyFile(file).read(text);
    }

    /** A YAML node with where it started. */
    sealed interface Node {
        JsonLocation location();
    }

    record Scalar(String text, JsonToken token, JsonLocation location) implements Node {
    }

    record Mapping(Map<String, Entry> entries, JsonLocation location) implements Node {
    }

    record Sequence(List<Node> items, JsonLocation location) implements Node {
    }

    record Entry(JsonLocation keyLocation, Node value) {
    }

    private Policy read(String text) {
        refuseAnchorsAndAliases(text);
        Node root;
        try (JsonParser parser = YAML.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw S2mtlsException.badInput(file + ": the policy file is empty; it needs 'name:' and 'users:'");
            }
            root = node(parser);
        } catch (JsonProcessingException e) {
            throw error(e.getLocation(), "not valid YAML: " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw S2mtlsException.badInput(file + ": cannot read the policy: " + e.getMessage(), e);
        }
        Mapping top = mapping(root, "the policy");
        known(top, ROOT_KEYS, "");
        if (!top.entries().containsKey("name")) {
            throw error(top.location(), "the policy has no 'name:'; add one at the top, e.g. 'name: payments-prod' (it is recorded with"
                    + " every account the policy creates, and a policy changes or drops only its own accounts)");
        }
        String name = value(top, "name", "", Policy::checkName).orElseThrow();
        PolicyDefaults defaults = PolicyDefaults.standard();
        if (top.entries().containsKey("defaults")) {
            defaults = defaults(mapping(top.entries().get("defaults").value(), "defaults"));
        }
        Entry usersEntry = top.entries().get("users");
        if (usersEntry == null) {
            throw error(top.location(), "the policy has no 'users:' list");
        }
        Node usersNode = usersEntry.value();
        List<PolicyUser> users = new ArrayList<>();
        if (!(usersNode instanceof Scalar s && s.token() == JsonToken.VALUE_NULL)) {
            Sequence list = sequence(usersNode, "users");
            int index = 0;
            for (Node item : list.items()) {
                users.add(user(mapping(item, "users[" + index + "]"), defaults, index));
                index++;
            }
        }
        try {
            return new Policy(name, defaults, users);
        } catch (S2mtlsException e) {
            throw error(usersNode.location(), "users: " + e.getMessage());
        }
    }

    private PolicyDefaults defaults(Mapping map) {
        known(map, DEFAULT_KEYS, "defaults.");
        defaultGrantRules = grantRules(map, "defaults.", GrantRules.STRICT);
        PolicyDefaults standard = PolicyDefaults.standard();
        KeySpec key = value(map, "key", "defaults.", KeySpec::parse).orElse(standard.key());
        int days = value(map, "days", "defaults.", text -> integer(text)).orElse(standard.days());
        String host = value(map, "host", "defaults.", Function.identity()).orElse(standard.host());
        Duration renew = value(map, "renew-within", "defaults.", text -> Durations.parse(text, "renew-within")).orElse(standard.renewWithin());
        String template = value(map, "subject", "defaults.", text -> {
            PolicyUser.subjectFromTemplate(text, "x");
            return text;
        }).orElse(standard.subjectTemplate());
        try {
            return new PolicyDefaults(key, days, host, renew, template);
        } catch (S2mtlsException e) {
            throw error(map.location(), "defaults: " + clean(e.getMessage()));
        }
    }

    private PolicyUser user(Mapping map, PolicyDefaults defaults, int index) {
        String where = "users[" + index + "].";
        known(map, USER_KEYS, where);
        if (!map.entries().containsKey("name")) {
            throw error(map.location(), where.substring(0, where.length() - 1) + ": 'name' is missing");
        }
        String name = value(map, "name", where, text -> new UserAccount(text, "%").name()).orElseThrow();
        String host = value(map, "host", where, text -> new UserAccount(name, text).host()).orElse(defaults.host());
        PolicyUser.Requirement require = value(map, "require", where, text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "x509" -> PolicyUser.Requirement.X509;
            case "subject" -> PolicyUser.Requirement.SUBJECT;
            default -> throw S2mtlsException.badInput("'" + text + "' is not x509 or subject");
        }).orElseThrow(() -> error(map.location(), where + "require: missing; write 'require: x509' or 'require: subject'"));
        DistinguishedName subject = value(map, "subject", where, text -> PolicyUser.subjectFromTemplate(text, name))
                .orElseGet(() -> {
                    try {
                        return PolicyUser.subjectFromTemplate(defaults.subjectTemplate(), name);
                    } catch (S2mtlsException e) {
                        throw error(map.location(), where + "subject: the template '" + defaults.subjectTemplate() + "' gives no usable subject: "
                                + clean(e.getMessage()));
                    }
                });
        List<PrivilegeGrant> grants = new ArrayList<>();
        GrantRules rules = grantRules(map, where, defaultGrantRules);
        Entry grantsEntry = map.entries().get("grants");
        if (grantsEntry != null && !(grantsEntry.value() instanceof Scalar s && s.token() == JsonToken.VALUE_NULL)) {
            int i = 0;
            for (Node item : sequence(grantsEntry.value(), where + "grants").items()) {
                String label = where + "grants[" + i++ + "]";
                grants.add(convert(scalar(item, label), label, text -> PrivilegeGrant.parse(text, rules)));
            }
        }
        String credential = value(map, "credential", where, text -> text).orElse(name);
        boolean adopt = value(map, "adopt", where, text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw S2mtlsException.badInput("'" + text + "' is not true or false");
        }).orElse(false);
        try {
            return new PolicyUser(new UserAccount(name, host), require, subject, grants, credential, adopt);
        } catch (S2mtlsException e) {
            throw error(map.location(), where.substring(0, where.length() - 1) + ": " + clean(e.getMessage()));
        }
    }

    /** The grant-patterns and allow-admin-privileges keys of {@code map} (true or false), each defaulting to {@code base}'s. */
    private GrantRules grantRules(Mapping map, String where, GrantRules base) {
        Function<String, Boolean> bool = text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw S2mtlsException.badInput("'" + text + "' is not true or false");
        };
        return new GrantRules(value(map, "grant-patterns", where, bool).orElse(base.patterns()),
                value(map, "allow-admin-privileges", where, bool).orElse(base.adminPrivileges()));
    }

    /** SnakeYAML's multi-line message without its own location lines (the location is ours). */
    private static String oneLine(String message) {
        return String.join("; ", (message == null ? "" : message).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.equals("^") && !l.startsWith("in 'reader'")).toList());
    }

    private static int integer(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw S2mtlsException.badInput("'" + text + "' is not a whole number");
        }
    }

    private <T> Optional<T> value(Mapping map, String key, String where, Function<String, T> parse) {
        Entry entry = map.entries().get(key);
        if (entry == null) {
            return Optional.empty();
        }
        Scalar scalar = scalar(entry.value(), where + key);
        if (scalar.token() == JsonToken.VALUE_NULL) {
            throw error(scalar.location(), where + key + ": no value given");
        }
        return Optional.of(convert(scalar, where + key, parse));
    }

    private <T> T convert(Scalar scalar, String label, Function<String, T> parse) {
        try {
            return parse.apply(scalar.text());
        } catch (S2mtlsException | IllegalArgumentException e) {
            throw error(scalar.location(), label + ": " + clean(e.getMessage()));
        }
    }

    private static String clean(String message) {
        return message == null ? "invalid" : message.replaceFirst("^(--)?[a-z-]+: ", "");
    }

    private void known(Mapping map, Set<String> keys, String where) {
        for (Map.Entry<String, Entry> entry : map.entries().entrySet()) {
            if (!keys.contains(entry.getKey())) {
                throw error(entry.getValue().keyLocation(), "unknown key '" + where + entry.getKey() + "'; known: "
                        + String.join(", ", keys.stream().sorted().toList()));
            }
        }
    }

    private Mapping mapping(Node node, String label) {
        if (node instanceof Mapping map) {
            return map;
        }
        throw error(node.location(), label + ": expected a mapping (key: value lines)");
    }

    private Sequence sequence(Node node, String label) {
        if (node instanceof Sequence list) {
            return list;
        }
        throw error(node.location(), label + ": expected a list");
    }

    private Scalar scalar(Node node, String label) {
        if (node instanceof Scalar scalar) {
            return scalar;
        }
        throw error(node.location(), label + ": expected a single value, not a " + (node instanceof Mapping ? "mapping" : "list"));
    }

    private Node node(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        JsonLocation location = parser.currentTokenLocation();
        if (token == JsonToken.START_OBJECT) {
            Map<String, Entry> entries = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonLocation keyLocation = parser.currentTokenLocation();
                if (key.equals("<<")) {
                    throw error(keyLocation, "YAML merge keys ('<<:') are not allowed in a policy file; write each key out");
                }
                parser.nextToken();
                Node value = node(parser);
                if (entries.put(key, new Entry(keyLocation, value)) != null) {
                    throw error(keyLocation, "key '" + key + "' is given twice");
                }
            }
            return new Mapping(entries, location);
        }
        if (token == JsonToken.START_ARRAY) {
            List<Node> items = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                items.add(node(parser));
            }
            return new Sequence(items, location);
        }
        return new Scalar(token == JsonToken.VALUE_NULL ? null : parser.getText(), token, location);
    }

    /**
     * Anchors ({@code &a}) and aliases ({@code *a}), and so merge keys that reuse a mapping, are refused: a
     * policy says each thing where it is read (Jackson would read an alias as the plain text {@code a}, and
     * loses the anchors of scalars). SnakeYAML's event stream sees every one; a syntax error is left to the
     * parse that follows, which reports it with its location.
     */
    private void refuseAnchorsAndAliases(String text) {
        try {
            for (Event event : new Yaml().parse(new StringReader(text))) {
                if (event instanceof AliasEvent alias) {
                    throw error(alias.getStartMark(), "YAML aliases ('*" + alias.getAnchor() + "') are not allowed in a policy file;"
                            + " write the value out");
                }
                if (event instanceof NodeEvent node && node.getAnchor() != null) {
                    throw error(node.getStartMark(), "YAML anchors ('&" + node.getAnchor() + "') are not allowed in a policy file;"
                            + " write each value out");
                }
            }
        } catch (YAMLException e) {
            // not valid YAML: said with its location below
        }
    }

    private S2mtlsException error(Mark mark, String message) {
        return S2mtlsException.badInput(file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": " + message);
    }

    private S2mtlsException error(JsonLocation location, String message) {
        String where = location == null ? file : file + ":" + location.getLineNr() + ":" + location.getColumnNr();
        return S2mtlsException.badInput(where + ": " + message);
    }
}
