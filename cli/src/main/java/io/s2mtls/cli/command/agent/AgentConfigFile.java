package io.s2mtls.cli.command.agent;

import io.s2mtls.cli.support.Durations;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CredentialName;
import io.s2mtls.core.usecase.AgentPlan;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the agent's configuration (YAML). SnakeYAML composes the document into nodes, each of which keeps where
 * it starts, so every error names the file, the line and the column of the offending key or value: an unknown
 * key (with the keys known there), a key given twice, a missing {@code name} or {@code out-dir}, a bad value.
 * Anchors, aliases and merge keys are refused, as in policy files: each value is written where it is read.
 *
 * <pre>
 * renew-within: 30d            # or a fraction of the lifetime, "1/3" (the default)
 * credentials:
 *   - name: app_reader
 *     out-dir: /etc/app/tls    # relative paths are relative to this file's directory
 *     owner: app:app           # optional; applied when the agent runs as root
 *     mode: "0640"             # optional; the key's mode (default 0600); certificates are 0644
 *     p12: true                # optional; also NAME.p12
 *     p12-password-file: FILE  # optional; else S2MTLS_P12_PASSWORD, else a random one in NAME.p12.pass
 *     exec: "systemctl reload app"   # optional; run after each renewal
 *     renew-within: 20m        # optional; this credential's window
 * </pre>
 */
public final class AgentConfigFile {
    static final List<String> TOP_KEYS = List.of("renew-within", "credentials");
    static final List<String> CREDENTIAL_KEYS = List.of("name", "out-dir", "owner", "mode", "p12", "p12-password-file", "exec", "renew-within");
    private static final Pattern FRACTION = Pattern.compile("(\\d{1,3})\\s*/\\s*(\\d{1,3})");
    private static final Pattern MODE = Pattern.compile("0?[0-7]{3}");
    private static final Pattern OWNER = Pattern.compile("([A-Za-z0-9_.][A-Za-z0-9_.-]{0,31})(?::([A-Za-z0-9_.][A-Za-z0-9_.-]{0,31}))?");
    /** The bits a key file may have: read and write for the owner, read (and write) for the group; nothing for others. */
    private static final Set<PosixFilePermission> SECRET_BITS = PosixFilePermissions.fromString("rw-rw----");

    private final String file;
    private final Path base;

    private AgentConfigFile(String file, Path base) {
        this.file = file;
        this.base = base;
    }

    /**
     * Parses {@code text}; {@code file} names it in messages and {@code base} is the directory relative
     * {@code out-dir} and {@code p12-password-file} paths are resolved against.
     */
    public static AgentConfig parse(String text, String file, Path base) {
        return new AgentConfigFile(file, base).read(text);
    }

    private AgentConfig read(String text) {
        refuseAnchorsAndAliases(text);
        Node root;
        try {
            root = new Yaml().compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw error(mark, "not valid YAML: " + oneLine(e.getProblem() != null ? e.getProblem() : e.getMessage()));
        } catch (YAMLException e) {
            throw S2mtlsException.badInput(file + ": not valid YAML: " + oneLine(e.getMessage()));
        }
        if (root == null) {
            throw S2mtlsException.badInput(file + ": the configuration is empty; it needs a 'credentials:' list");
        }
        Map<String, NodeTuple> top = mapping(root, "the configuration", TOP_KEYS, "");
        AgentPlan.Window window = Optional.ofNullable(top.get("renew-within"))
                .map(t -> scalar(t, "renew-within", this::window)).orElse(AgentPlan.Window.THIRD);
        NodeTuple list = top.get("credentials");
        if (list == null) {
            throw error(root.getStartMark(), "the configuration has no 'credentials:' list; add one, e.g. 'credentials:' then '  - name: app_reader' and '    out-dir: /etc/app/tls'");
        }
        if (!(list.getValueNode() instanceof SequenceNode items)) {
            throw error(list.getValueNode().getStartMark(), "credentials: expected a list ('- name: ...' items)");
        }
        if (items.getValue().isEmpty()) {
            throw error(list.getValueNode().getStartMark(), "credentials: the list is empty; name at least one credential");
        }
        List<AgentConfig.Credential> credentials = new ArrayList<>();
        Map<String, Mark> seen = new HashMap<>();
        int index = 0;
        for (Node item : items.getValue()) {
            String where = "credentials[" + index++ + "]";
            AgentConfig.Credential credential = credential(item, where, window);
            Mark previous = seen.putIfAbsent(credential.name(), item.getStartMark());
            if (previous != null) {
                throw error(item.getStartMark(), where + ": credential '" + credential.name() + "' is listed twice (first at line "
                        + (previous.getLine() + 1) + "); list each credential once");
            }
            credentials.add(credential);
        }
        return new AgentConfig(file, credentials);
    }

    private AgentConfig.Credential credential(Node item, String where, AgentPlan.Window defaultWindow) {
        Map<String, NodeTuple> keys = mapping(item, where, CREDENTIAL_KEYS, where + ".");
        NodeTuple nameKey = keys.get("name");
        if (nameKey == null) {
            throw error(item.getStartMark(), where + ": 'name' is missing; give the credential's name in the store");
        }
        String name = scalar(nameKey, where + ".name", text -> {
            CredentialName.check(text);
            return text;
        });
        NodeTuple outDirKey = keys.get("out-dir");
        if (outDirKey == null) {
            throw error(item.getStartMark(), where + ": 'out-dir' is missing; give the directory the files of '" + name + "' are written to");
        }
        Path outDir = scalar(outDirKey, where + ".out-dir", text -> base.resolve(text).toAbsolutePath().normalize());
        Optional<AgentConfig.Owner> owner = optional(keys, "owner", where, this::owner);
        Set<PosixFilePermission> mode = optional(keys, "mode", where, this::mode).orElse(PosixFilePermissions.fromString("rw-------"));
        boolean p12 = optional(keys, "p12", where, AgentConfigFile::bool).orElse(false);
        Optional<Path> p12PasswordFile = optional(keys, "p12-password-file", where, text -> base.resolve(text).toAbsolutePath().normalize());
        if (p12PasswordFile.isPresent() && !p12) {
            throw error(keys.get("p12-password-file").getKeyNode().getStartMark(), where + ".p12-password-file: goes with 'p12: true'");
        }
        Optional<String> exec = optional(keys, "exec", where, text -> {
            if (text.isBlank()) {
                throw S2mtlsException.badInput("the command is empty; remove 'exec' or give a command");
            }
            return text;
        });
        AgentPlan.Window window = optional(keys, "renew-within", where, this::window).orElse(defaultWindow);
        return new AgentConfig.Credential(name, outDir, owner, mode, p12, p12PasswordFile, exec, window);
    }

    /** {@code 30d}, {@code 20m}, {@code 1h}, {@code 2w}, or a fraction of the lifetime such as {@code 1/3}. */
    AgentPlan.Window window(String text) {
        Matcher fraction = FRACTION.matcher(text.strip());
        if (fraction.matches()) {
            return AgentPlan.Window.fraction(Integer.parseInt(fraction.group(1)), Integer.parseInt(fraction.group(2)));
        }
        try {
            return AgentPlan.Window.before(Durations.parse(text, "renew-within"));
        } catch (S2mtlsException e) {
            throw S2mtlsException.badInput("'" + text + "' is neither a duration (30d, 12h, 20m, 2w) nor a fraction of the lifetime (1/3)");
        }
    }

    private AgentConfig.Owner owner(String text) {
        Matcher matcher = OWNER.matcher(text.strip());
        if (!matcher.matches()) {
            throw S2mtlsException.badInput("'" + text + "' is not USER or USER:GROUP");
        }
        AgentConfig.Owner owner = new AgentConfig.Owner(matcher.group(1), Optional.ofNullable(matcher.group(2)));
        java.nio.file.attribute.UserPrincipalLookupService lookup = java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService();
        try {
            lookup.lookupPrincipalByName(owner.user());
        } catch (java.io.IOException e) {
            throw S2mtlsException.badInput("there is no user '" + owner.user() + "' on this host");
        }
        if (owner.group().isPresent()) {
            try {
                lookup.lookupPrincipalByGroupName(owner.group().get());
            } catch (java.io.IOException e) {
                throw S2mtlsException.badInput("there is no group '" + owner.group().get() + "' on this host");
            }
        }
        return owner;
    }

    private Set<PosixFilePermission> mode(String text) {
        String digits = text.strip();
        if (!MODE.matcher(digits).matches()) {
            throw S2mtlsException.badInput("'" + text + "' is not an octal mode such as 0600 or 0640");
        }
        int bits = Integer.parseInt(digits, 8);
        Set<PosixFilePermission> mode = java.util.EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE};
        for (int i = 0; i < order.length; i++) {
            if ((bits & (1 << (8 - i))) != 0) {
                mode.add(order[i]);
            }
        }
        if (!SECRET_BITS.containsAll(mode) || !mode.contains(PosixFilePermission.OWNER_READ)) {
            throw S2mtlsException.badInput("'" + text + "' is not a mode for a private key: give the owner read, the group at most"
                    + " read and write, others nothing (e.g. 0600 or 0640)");
        }
        return mode;
    }

    private static boolean bool(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw S2mtlsException.badInput("'" + text + "' is not true or false");
        };
    }

    // ---------------------------------------------------------------- nodes

    /** The keys of a mapping node, each once and each one of {@code known}. */
    private Map<String, NodeTuple> mapping(Node node, String what, List<String> known, String prefix) {
        if (!(node instanceof MappingNode mapping)) {
            throw error(node.getStartMark(), what + ": expected a mapping (key: value lines)");
        }
        Map<String, NodeTuple> keys = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalarKey)) {
                throw error(keyNode.getStartMark(), what + ": a key must be a plain word");
            }
            String key = scalarKey.getValue();
            if (key.equals("<<")) {
                throw error(keyNode.getStartMark(), "YAML merge keys ('<<:') are not allowed in the agent's configuration; write each key out");
            }
            if (!known.contains(key)) {
                throw error(keyNode.getStartMark(), "unknown key '" + prefix + key + "'; known: " + String.join(", ", known.stream().sorted().toList()));
            }
            if (keys.putIfAbsent(key, tuple) != null) {
                throw error(keyNode.getStartMark(), "key '" + prefix + key + "' is given twice");
            }
        }
        return keys;
    }

    private <T> Optional<T> optional(Map<String, NodeTuple> keys, String key, String where, Function<String, T> parse) {
        NodeTuple tuple = keys.get(key);
        return tuple == null ? Optional.empty() : Optional.of(scalar(tuple, where + "." + key, parse));
    }

    /** The converted scalar value of a key; an empty value, a list or a mapping is an error at the value. */
    private <T> T scalar(NodeTuple tuple, String label, Function<String, T> parse) {
        Node value = tuple.getValueNode();
        if (!(value instanceof ScalarNode scalar)) {
            throw error(value.getStartMark(), label + ": expected a single value, not a " + (value instanceof SequenceNode ? "list" : "mapping"));
        }
        String text = scalar.getValue();
        if (text == null || text.isEmpty()) {
            throw error(tuple.getKeyNode().getStartMark(), label + ": no value given");
        }
        try {
            return parse.apply(text);
        } catch (S2mtlsException | IllegalArgumentException e) {
            throw error(value.getStartMark(), label + ": " + clean(e.getMessage()));
        }
    }

    /** Anchors and aliases are refused where they stand (a syntax error is left to the parse, which reports it). */
    private void refuseAnchorsAndAliases(String text) {
        try {
            for (Event event : new Yaml().parse(new StringReader(text))) {
                if (event instanceof AliasEvent alias) {
                    throw error(alias.getStartMark(), "YAML aliases ('*" + alias.getAnchor() + "') are not allowed in the agent's configuration;"
                            + " write the value out");
                }
                if (event instanceof NodeEvent node && node.getAnchor() != null) {
                    throw error(node.getStartMark(), "YAML anchors ('&" + node.getAnchor() + "') are not allowed in the agent's configuration;"
                            + " write each value out");
                }
            }
        } catch (YAMLException e) {
            // not valid YAML: said with its location by the parse that follows
        }
    }

    private S2mtlsException error(Mark mark, String message) {
        return S2mtlsException.badInput(file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": " + message);
    }

    private static String clean(String message) {
        return message == null ? "invalid" : message.replaceFirst("^(--)?[a-z-]+: ", "");
    }

    private static String oneLine(String message) {
        return String.join("; ", (message == null ? "" : message).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.equals("^") && !l.startsWith("in 'reader'")).toList());
    }
}
