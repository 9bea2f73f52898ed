package io.s2mtls.cli.command.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
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
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a policy file (YAML) into the core's {@link Policy}: Jackson binds it into the records below
 * ({@link Document}, {@link Defaults}, {@link User}, each scalar a {@link Value} that keeps where it was read),
 * and every error names the file, the line and the column from Jackson's locations: of the offending key
 * (unknown or repeated), value (wrong type, bad value) or mapping (a key missing from it).
 * Anchors, aliases and merge keys are refused before binding.
 */
public final class PolicyFile {
    private static final Set<String> ROOT_KEYS = Set.of("name", "defaults", "users");
    private static final Set<String> DEFAULT_KEYS = Set.of("key", "days", "host", "renew-within", "subject",
            "grant-patterns", "allow-admin-privileges");
    private static final Set<String> USER_KEYS = Set.of("name", "host", "require", "subject", "grants", "credential", "adopt",
            "grant-patterns", "allow-admin-privileges");
    private static final String LOCATIONS = "s2mtls.locations";
    private static final YAMLFactory YAML = YAMLFactory.builder().enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper MAPPER = new ObjectMapper(YAML)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .registerModule(new SimpleModule("policy-locations").setDeserializerModifier(new Locating()));

    /** A scalar as written (its text; null for an empty value) and where it starts. */
    @JsonDeserialize(using = ValueDeserializer.class)
    record Value(String text, JsonLocation location) {
    }

    /** The top of a policy file. */
    record Document(Value name, Defaults defaults, List<User> users) {
    }

    /** {@code defaults:}. */
    record Defaults(Value key, Value days, Value host, @JsonProperty("renew-within") Value renewWithin, Value subject,
                    @JsonProperty("grant-patterns") Value grantPatterns,
                    @JsonProperty("allow-admin-privileges") Value allowAdminPrivileges) {
    }

    /** One item of {@code users:}. */
    record User(Value name, Value host, Value require, Value subject, List<Value> grants, Value credential, Value adopt,
                @JsonProperty("grant-patterns") Value grantPatterns,
                @JsonProperty("allow-admin-privileges") Value allowAdminPrivileges) {
    }

    private final String file;
    /** Where each bound mapping started, by identity. */
    private final Map<Object, JsonLocation> locations = new IdentityHashMap<>();
    /** grant-patterns and allow-admin-privileges of 'defaults:', the base of each user's. */
    private GrantRules defaultGrantRules = GrantRules.STRICT;

    private PolicyFile(String file) {
        this.file = file;
    }

    /** Parses {@code text}; {@code file} names it in messages. */
    public static Policy parse(String text, String file) {
        return new PolicyFile(file).read(text);
    }

    private Policy read(String text) {
        refuseAnchorsAndAliases(text);
        Document document;
        Tracking parser = null;
        try {
            parser = new Tracking(YAML.createParser(text));
            if (parser.nextToken() == null) {
                throw S2mtlsException.badInput(file + ": the policy file is empty; it needs 'name:' and 'users:'");
            }
            ObjectReader reader = MAPPER.readerFor(Document.class).withAttribute(LOCATIONS, locations)
                    .withHandler(new UnknownKeys(parser));
            document = reader.readValue(parser);
        } catch (S2mtlsException e) {
            throw e;
        } catch (StreamReadException e) {
            throw unreadable(e, parser);
        } catch (DatabindException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof StreamReadException unreadable) {
                    throw unreadable(unreadable, parser);
                }
                if (cause instanceof S2mtlsException own) {
                    throw own;
                }
                if (cause instanceof Refused refused) {
                    throw error(refused.location, refused.getMessage());
                }
            }
            throw mismatch(e, parser);
        } catch (Refused refused) {
            throw error(refused.location, refused.getMessage());
        } catch (IOException e) {
            throw S2mtlsException.badInput(file + ": cannot read the policy: " + e.getMessage(), e);
        } finally {
            if (parser != null) {
                try {
                    parser.close();
                } catch (IOException e) {
                    // a string parser holds nothing to release
                }
            }
        }
        return policy(document);
    }

    /** Not YAML, or a key given twice in one mapping. */
    private S2mtlsException unreadable(StreamReadException e, Tracking parser) {
        if (String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field '")) {
            String key = e.getOriginalMessage().substring("Duplicate field '".length()).replaceFirst("'.*$", "");
            return error(e.getLocation(), "key '" + key + "' is given twice");
        }
        return error(e.getLocation(), "not valid YAML: " + oneLine(e.getOriginalMessage()));
    }

    /** A value of the wrong shape, named by its path, at the token Jackson stopped on. */
    private S2mtlsException mismatch(DatabindException e, Tracking parser) {
        String label = e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping ? label(mapping.getPath()) : "";
        JsonLocation where = parser.last != null ? parser.last : e.getLocation();
        if (e instanceof InvalidNullException) {
            return error(where, label + ": expected a mapping (key: value lines)");
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            Class<?> target = mismatch.getTargetType();
            if (Collection.class.isAssignableFrom(target)) {
                return error(where, label + ": expected a list");
            }
            if (target.isRecord()) {
                return error(where, (label.isEmpty() ? "the policy" : label) + ": expected a mapping (key: value lines)");
            }
        }
        return error(where, (label.isEmpty() ? "the policy" : label) + ": " + oneLine(e.getOriginalMessage()));
    }

    private static String label(List<com.fasterxml.jackson.databind.JsonMappingException.Reference> path) {
        StringBuilder label = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference reference : path) {
            if (reference.getFieldName() != null) {
                label.append(label.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                label.append('[').append(reference.getIndex()).append(']');
            }
        }
        return label.toString();
    }

    /** {@code users[1].grants[0]}: where the parser is, from its contexts. */
    static String path(JsonStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.add(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                parts.add(0, "." + c.getCurrentName());
            }
        }
        String joined = String.join("", parts);
        return joined.startsWith(".") ? joined.substring(1) : joined;
    }

    private Policy policy(Document top) {
        JsonLocation topLocation = locations.get(top);
        if (top.name() == null) {
            throw error(topLocation, "the policy has no 'name:'; add one at the top, e.g. 'name: payments-prod' (it is recorded with"
                    + " every account the policy creates, and a policy changes or drops only its own accounts)");
        }
        String name = value(top.name(), "name", Policy::checkName).orElseThrow();
        if (defaultsEmpty != null) {
            throw error(defaultsEmpty, "defaults: expected a mapping (key: value lines)");
        }
        PolicyDefaults defaults = top.defaults() == null ? PolicyDefaults.standard() : defaults(top.defaults());
        if (top.users() == null && !usersKey) {
            throw error(topLocation, "the policy has no 'users:' list");
        }
        List<PolicyUser> users = new ArrayList<>();
        if (top.users() != null) {
            int index = 0;
            for (User item : top.users()) {
                users.add(user(item, defaults, index));
                index++;
            }
        }
        try {
            return new Policy(name, defaults, users);
        } catch (S2mtlsException e) {
            throw error(usersLocation, "users: " + e.getMessage());
        }
    }

    /** Whether the top mapping has a 'users:' key, and where its value starts: seen by the parser. */
    private boolean usersKey;
    private JsonLocation usersLocation;
    /** Where 'defaults:' was given with no value, if it was. */
    private JsonLocation defaultsEmpty;

    private PolicyDefaults defaults(Defaults map) {
        defaultGrantRules = grantRules(map.grantPatterns(), map.allowAdminPrivileges(), "defaults.", GrantRules.STRICT);
        PolicyDefaults standard = PolicyDefaults.standard();
        KeySpec key = value(map.key(), "defaults.key", KeySpec::parse).orElse(standard.key());
        int days = value(map.days(), "defaults.days", PolicyFile::integer).orElse(standard.days());
        String host = value(map.host(), "defaults.host", Function.identity()).orElse(standard.host());
        Duration renew = value(map.renewWithin(), "defaults.renew-within", text -> Durations.parse(text, "renew-within")).orElse(standard.renewWithin());
        String template = value(map.subject(), "defaults.subject", text -> {
            PolicyUser.subjectFromTemplate(text, "x");
            return text;
        }).orElse(standard.subjectTemplate());
        try {
            return new PolicyDefaults(key, days, host, renew, template);
        } catch (S2mtlsException e) {
            throw error(locations.get(map), "defaults: " + clean(e.getMessage()));
        }
    }

    private PolicyUser user(User map, PolicyDefaults defaults, int index) {
        String where = "users[" + index + "].";
        JsonLocation at = locations.get(map);
        if (map.name() == null) {
            throw error(at, where.substring(0, where.length() - 1) + ": 'name' is missing");
        }
        String name = value(map.name(), where + "name", text -> new UserAccount(text, "%").name()).orElseThrow();
        String host = value(map.host(), where + "host", text -> new UserAccount(name, text).host()).orElse(defaults.host());
        PolicyUser.Requirement require = value(map.require(), where + "require", text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "x509" -> PolicyUser.Requirement.X509;
            case "subject" -> PolicyUser.Requirement.SUBJECT;
            default -> throw S2mtlsException.badInput("'" + text + "' is not x509 or subject");
        }).orElseThrow(() -> error(at, where + "require: missing; write 'require: x509' or 'require: subject'"));
        DistinguishedName subject = value(map.subject(), where + "subject", text -> PolicyUser.subjectFromTemplate(text, name))
                .orElseGet(() -> {
                    try {
                        return PolicyUser.subjectFromTemplate(defaults.subjectTemplate(), name);
                    } catch (S2mtlsException e) {
                        throw error(at, where + "subject: the template '" + defaults.subjectTemplate() + "' gives no usable subject: "
                                + clean(e.getMessage()));
                    }
                });
        GrantRules rules = grantRules(map.grantPatterns(), map.allowAdminPrivileges(), where, defaultGrantRules);
        List<PrivilegeGrant> grants = new ArrayList<>();
        if (map.grants() != null) {
            int i = 0;
            for (Value item : map.grants()) {
                String label = where + "grants[" + i++ + "]";
                grants.add(value(item, label, text -> PrivilegeGrant.parse(text, rules)).orElseThrow());
            }
        }
        String credential = value(map.credential(), where + "credential", text -> text).orElse(name);
        boolean adopt = value(map.adopt(), where + "adopt", PolicyFile::bool).orElse(false);
        try {
            return new PolicyUser(new UserAccount(name, host), require, subject, grants, credential, adopt);
        } catch (S2mtlsException e) {
            throw error(at, where.substring(0, where.length() - 1) + ": " + clean(e.getMessage()));
        }
    }

    /** The grant-patterns and allow-admin-privileges keys (true or false), each defaulting to {@code base}'s. */
    private GrantRules grantRules(Value patterns, Value admin, String where, GrantRules base) {
        return new GrantRules(value(patterns, where + "grant-patterns", PolicyFile::bool).orElse(base.patterns()),
                value(admin, where + "allow-admin-privileges", PolicyFile::bool).orElse(base.adminPrivileges()));
    }

    private static boolean bool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw S2mtlsException.badInput("'" + text + "' is not true or false");
        };
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

    /** The converted value of a key that was given; an empty value is an error at its location. */
    private <T> Optional<T> value(Value value, String label, Function<String, T> parse) {
        if (value == null) {
            return Optional.empty();
        }
        if (value.text() == null) {
            throw error(value.location(), label + ": no value given");
        }
        try {
            return Optional.of(parse.apply(value.text()));
        } catch (S2mtlsException | IllegalArgumentException e) {
            throw error(value.location(), label + ": " + clean(e.getMessage()));
        }
    }

    private static String clean(String message) {
        return message == null ? "invalid" : message.replaceFirst("^(--)?[a-z-]+: ", "");
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

    /** The parser Jackson binds from, remembering where the last token and the last key started. */
    private final class Tracking extends JsonParserDelegate {
        JsonLocation last;
        JsonLocation lastName;
        /** The keys of the top mapping (a few), which Jackson may read to the end before it binds them. */
        final Map<String, JsonLocation> topKeys = new java.util.HashMap<>();
        /** The last keys below it, by path: Jackson reads ahead within one mapping before it reports a key. */
        final Map<String, JsonLocation> recentKeys = new java.util.LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, JsonLocation> eldest) {
                return size() > 256;
            }
        };

        /** Where the key at {@code path} (or, when Jackson's own context lost the path, the last key of that name) started. */
        JsonLocation key(String path, String name) {
            JsonLocation exact = topKeys.getOrDefault(path, recentKeys.get(path));
            if (exact != null) {
                return exact;
            }
            JsonLocation latest = null;
            for (Map.Entry<String, JsonLocation> entry : recentKeys.entrySet()) {
                if (entry.getKey().equals(name) || entry.getKey().endsWith("." + name)) {
                    latest = entry.getValue();
                }
            }
            return latest != null ? latest : topKeys.getOrDefault(name, lastName);
        }

        /** The path of the last key of that name (for a message), or the name. */
        String pathOf(String path, String name) {
            if (topKeys.containsKey(path) || recentKeys.containsKey(path)) {
                return path;
            }
            String latest = null;
            for (String key : recentKeys.keySet()) {
                if (key.equals(name) || key.endsWith("." + name)) {
                    latest = key;
                }
            }
            return latest != null ? latest : name;
        }

        Tracking(JsonParser parser) {
            super(parser);
        }

        private boolean usersNext;
        private boolean defaultsNext;

        private JsonToken seen(JsonToken token) throws IOException {
            last = delegate.currentTokenLocation();
            if (usersNext) {
                usersLocation = last;
                usersNext = false;
            }
            if (defaultsNext) {
                if (token == JsonToken.VALUE_NULL || token == JsonToken.VALUE_STRING && delegate.getTextLength() == 0) {
                    defaultsEmpty = last;
                }
                defaultsNext = false;
            }
            if (token == JsonToken.FIELD_NAME) {
                lastName = last;
                JsonStreamContext context = delegate.getParsingContext();
                if (context.getParent() != null && context.getParent().inRoot()) {
                    topKeys.put(path(context), last);
                } else {
                    recentKeys.put(path(context), last);
                }
                if (context.getParent() != null && context.getParent().inRoot() && "users".equals(context.getCurrentName())) {
                    usersKey = true;
                    usersNext = true;
                }
                if (context.getParent() != null && context.getParent().inRoot() && "defaults".equals(context.getCurrentName())) {
                    defaultsNext = true;
                }
            }
            return token;
        }

        @Override
        public JsonToken nextToken() throws IOException {
            return seen(delegate.nextToken());
        }

        @Override
        public JsonToken nextValue() throws IOException {
            return seen(delegate.nextValue());
        }

        @Override
        public String nextFieldName() throws IOException {
            String name = delegate.nextFieldName();
            seen(delegate.currentToken());
            return name;
        }

        @Override
        public boolean nextFieldName(SerializableString name) throws IOException {
            boolean matched = delegate.nextFieldName(name);
            seen(delegate.currentToken());
            return matched;
        }

        @Override
        public String nextTextValue() throws IOException {
            String text = delegate.nextTextValue();
            seen(delegate.currentToken());
            return text;
        }
    }

    /** An unknown key (or a merge key) is refused at the key, with the keys that are known there. */
    private final class UnknownKeys extends DeserializationProblemHandler {
        private final Tracking parser;

        UnknownKeys(Tracking parser) {
            this.parser = parser;
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                             Object beanOrClass, String propertyName) throws IOException {
            JsonStreamContext context = p.getParsingContext();
            while (context != null && !(context.inObject() && propertyName.equals(context.getCurrentName()))) {
                context = context.getParent();
            }
            String key = parser.pathOf(context == null ? propertyName : path(context), propertyName);
            if (propertyName.equals("<<")) {
                throw error(parser.key(key, propertyName), "YAML merge keys ('<<:') are not allowed in a policy file; write each key out");
            }
            Class<?> type = beanOrClass instanceof Class<?> c ? c : beanOrClass.getClass();
            Set<String> known = type == Defaults.class ? DEFAULT_KEYS : type == User.class ? USER_KEYS : ROOT_KEYS;
            throw error(parser.key(key, propertyName), "unknown key '" + key + "'; known: "
                    + String.join(", ", known.stream().sorted().toList()));
        }

        /** An empty value where a list belongs ({@code users:} with nothing after it) is an empty list. */
        @Override
        public Object handleUnexpectedToken(DeserializationContext ctxt, com.fasterxml.jackson.databind.JavaType targetType, JsonToken t,
                                            JsonParser p, String failureMsg) throws IOException {
            if (targetType.isCollectionLikeType() && (t == JsonToken.VALUE_NULL || t == JsonToken.VALUE_STRING && p.getText().isEmpty())) {
                return new ArrayList<>();
            }
            return NOT_HANDLED;
        }
    }

    /** Reads a scalar with its location; a mapping or a list where a single value belongs is refused at it. */
    static final class ValueDeserializer extends StdDeserializer<Value> {
        ValueDeserializer() {
            super(Value.class);
        }

        @Override
        public Value deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken token = p.currentToken();
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY || token == JsonToken.FIELD_NAME) {
                JsonLocation at = p.currentTokenLocation();
                String label = path(token == JsonToken.FIELD_NAME ? p.getParsingContext() : p.getParsingContext().getParent());
                throw new Refused(label + ": expected a single value, not a " + (token == JsonToken.START_ARRAY ? "list" : "mapping"), at);
            }
            return new Value(p.getText(), p.currentTokenLocation());
        }

        /** A key that is not there is no value at all (not an empty one). */
        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return null;
        }

        @Override
        public Value getNullValue(DeserializationContext ctxt) {
            return new Value(null, ctxt.getParser() == null ? null : ctxt.getParser().currentTokenLocation());
        }
    }

    /** A value refused inside the binding, carried out of Jackson with its location. */
    static final class Refused extends RuntimeException {
        final transient JsonLocation location;

        Refused(String message, JsonLocation location) {
            super(message, null, false, false);
            this.location = location;
        }
    }

    /** Records where each mapping ({@link Document}, {@link Defaults}, {@link User}) started. */
    private static final class Locating extends BeanDeserializerModifier {
        @Override
        public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description, JsonDeserializer<?> deserializer) {
            Class<?> type = description.getBeanClass();
            if (type != Document.class && type != Defaults.class && type != User.class) {
                return deserializer;
            }
            return new Located(deserializer);
        }
    }

    private static final class Located extends DelegatingDeserializer {
        Located(JsonDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new Located(delegate);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonLocation start = p.currentTokenLocation();
            Object bound = super.deserialize(p, ctxt);
            if (bound != null) {
                ((Map<Object, JsonLocation>) ctxt.getAttribute(LOCATIONS)).put(bound, start);
            }
            return bound;
        }
    }
}
