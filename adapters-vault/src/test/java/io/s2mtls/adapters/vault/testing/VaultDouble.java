package io.s2mtls.adapters.vault.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process HashiCorp Vault with state, answering the HTTP API the way {@code vault-api.md} records it:
 * KV version 2 (data, metadata, delete, undelete, destroy, list, check-and-set, {@code cas_required},
 * version retention), KV version 1, token lookup-self/renew-self with Vault's exact 403 bodies, AppRole
 * login, namespaces ({@code X-Vault-Namespace}), Transit keys and signatures made with real keys (RSA
 * PKCS#1 v1.5 and PSS, ECDSA asn1/jws, Ed25519), and a sealed mode (503). It listens on 127.0.0.1, over
 * plain HTTP or TLS, and counts check-and-set conflicts. Like integrated storage (Vault's default), it stores no
 * KV entry larger than {@code max_entry_size}, 1 MiB unless {@link #maxEntrySize} says otherwise: such a write is
 * answered 500 with the storage error ("put failed due to value being too large, ...") and nothing is stored.
 *
 * <p>One lock serialises all requests, so it is exactly as consistent as Vault's single active node.
 *
 * <p>Simplifications: a policy is a list of path prefixes that grants every capability under them (Vault's
 * own ACLs distinguish read/create/update/...); tokens are global rather than per namespace; creating a
 * Transit key answers 204 (newer Vault versions answer 200 with the key); {@code prehashed} signing and
 * SHA-3 hashes are not implemented.
 */
public final class VaultDouble implements AutoCloseable {
    static final String BAD_TOKEN = "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n";
    static final String POLICY_DENIED = "1 error occurred:\n\t* permission denied\n\n";
    static final String INVALID_V2_PATH = "Invalid path for a versioned K/V secrets engine. See the API docs for the"
            + " appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.";
    private static final DateTimeFormatter RFC3339_NANOS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnn'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd]?)");
    /** Vault's default {@code max_entry_size} with integrated storage: 1 MiB. */
    public static final int DEFAULT_MAX_ENTRY_BYTES = 1 << 20;

    private final ObjectMapper json = new ObjectMapper();
    private final JsonNodeFactory nodes = JsonNodeFactory.instance;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final String scheme;
    private final Object lock = new Object();
    private final Map<String, Mount> mounts = new HashMap<>();
    private final Set<String> namespaces = new LinkedHashSet<>();
    private final Map<String, Token> tokens = new HashMap<>();
    private final Map<String, List<String>> policies = new HashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger casConflicts = new AtomicInteger();
    private final AtomicInteger renewals = new AtomicInteger();
    private final AtomicInteger logins = new AtomicInteger();
    /** Integrated storage's {@code max_entry_size}: the most one stored entry (a KV version's data) may hold. */
    private volatile int maxEntryBytes = DEFAULT_MAX_ENTRY_BYTES;
    private final java.util.concurrent.atomic.AtomicLong largestEntry = new java.util.concurrent.atomic.AtomicLong();
    private final AtomicInteger tooLarge = new AtomicInteger();
    private final String rootToken;
    private volatile boolean sealed;
    private volatile Duration clockOffset = Duration.ZERO;
    private final List<Garbled> garbled = Collections.synchronizedList(new ArrayList<>());

    /** An answer that replaces Vault's for matching requests: {@code chunk} written {@code repeats} times. */
    private record Garbled(String request, int status, String contentType, byte[] chunk, long repeats) {
    }

    private VaultDouble(HttpServer server, String scheme) {
        this.server = server;
        this.scheme = scheme;
        this.rootToken = "hvs." + random();
        tokens.put(rootToken, new Token(rootToken, List.of("root"), 0, false, now(), null, Map.of()));
        policies.put("default", List.of());
        mounts.put("secret", new KvMount(2));
        mounts.put("transit", new TransitMount());
        mounts.put("auth/approle", new AppRoleMount());
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** A double over plain HTTP on 127.0.0.1 with a fresh port, with {@code secret/} (KV v2), {@code transit/} and {@code auth/approle}. */
    public static VaultDouble http() {
        try {
            return new VaultDouble(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), "http");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same over TLS, with the server certificate from {@code tls}. */
    public static VaultDouble https(TestTls tls) {
        try {
            HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
            return new VaultDouble(https, "https");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- test controls ----

    public String address() {
        return scheme + "://127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String rootToken() {
        return rootToken;
    }

    public void seal(boolean sealed) {
        this.sealed = sealed;
    }

    /**
     * Makes the double misbehave like a proxy or a wrong server in front of Vault: every request whose
     * {@code "METHOD path"} (e.g. {@code "GET secret/data/s2mtls/prod"}, {@code "POST secret/data/"}) starts with
     * {@code request} is still handled (so a write is applied) but answered with {@code status} and {@code body}.
     */
    public void garble(String request, int status, String contentType, String body) {
        garbled.add(new Garbled(request, status, contentType, body.getBytes(StandardCharsets.UTF_8), 1));
    }

    /** As {@link #garble(String, int, String, String)}, with a body of {@code chunk} repeated (streamed, never held whole). */
    public void garbleHuge(String request, int status, String contentType, byte[] chunk, long repeats) {
        garbled.add(new Garbled(request, status, contentType, chunk.clone(), repeats));
    }

    /** Answers truthfully again. */
    public void ungarble() {
        garbled.clear();
    }

    /** Moves the double's clock forward, e.g. to let tokens expire. */
    public void advanceClock(Duration by) {
        clockOffset = clockOffset.plus(by);
    }

    /** Defines a policy allowing every path that starts with one of {@code pathPrefixes} (namespace included). */
    public void policy(String name, String... pathPrefixes) {
        synchronized (lock) {
            policies.put(name, List.of(pathPrefixes));
        }
    }

    /** A new service token with the named policies ("default" is always added), a TTL (0: none) and renewability. */
    public String createToken(List<String> policyNames, Duration ttl, boolean renewable) {
        synchronized (lock) {
            List<String> names = new ArrayList<>(policyNames);
            if (!names.contains("default")) {
                names.add(0, "default");
            }
            String id = "hvs." + random();
            tokens.put(id, new Token(id, names, ttl.toSeconds(), renewable, now(), ttl.isZero() ? null : now().plus(ttl), Map.of()));
            return id;
        }
    }

    /** A renewable token whose renewals stop at {@code maxTtl} after its creation, as an explicit max TTL does. */
    public String createToken(List<String> policyNames, Duration ttl, Duration maxTtl) {
        synchronized (lock) {
            String id = createToken(policyNames, ttl, true);
            Token token = tokens.get(id);
            tokens.put(id, new Token(id, token.policies(), token.ttlSeconds(), true, token.issued(), token.expires(), token.meta(),
                    token.issued().plus(maxTtl)));
            return id;
        }
    }

    public void revokeAllTokensExceptRoot() {
        synchronized (lock) {
            tokens.keySet().removeIf(id -> !id.equals(rootToken));
        }
    }

    public void revokeToken(String token) {
        synchronized (lock) {
            tokens.remove(token);
        }
    }

    /** Mounts an engine: "kv-v2", "kv-v1" or "transit", at {@code path} (namespace included, e.g. {@code ns1/secret}). */
    public void mount(String path, String type) {
        synchronized (lock) {
            mounts.put(trimSlashes(path), switch (type) {
                case "kv-v2" -> new KvMount(2);
                case "kv-v1" -> new KvMount(1);
                case "transit" -> new TransitMount();
                default -> throw new IllegalArgumentException(type);
            });
        }
    }

    public void unmount(String path) {
        synchronized (lock) {
            mounts.remove(trimSlashes(path));
        }
    }

    public void createNamespace(String namespace) {
        synchronized (lock) {
            namespaces.add(trimSlashes(namespace) + "/");
        }
    }

    /** Sets the mount-wide KV v2 configuration, as {@code POST <mount>/config} does. */
    public void configureKv(String mountPath, int maxVersions, boolean casRequired) {
        synchronized (lock) {
            KvMount kv = (KvMount) mounts.get(trimSlashes(mountPath));
            kv.maxVersions = maxVersions;
            kv.casRequired = casRequired;
        }
    }

    /** Registers an AppRole role with one secret id; tokens it issues get {@code policyNames} and {@code ttl}. */
    public void appRole(String roleName, String roleId, String secretId, List<String> policyNames, Duration ttl) {
        appRole("auth/approle", roleName, roleId, secretId, policyNames, ttl);
    }

    /** The same on the AppRole auth method mounted at {@code mountPath} (e.g. {@code ns1/auth/approle}), enabling it if needed. */
    public void appRole(String mountPath, String roleName, String roleId, String secretId, List<String> policyNames, Duration ttl) {
        synchronized (lock) {
            ((AppRoleMount) mounts.computeIfAbsent(trimSlashes(mountPath), p -> new AppRoleMount())).roles.put(roleId, new Role(roleName, secretId, List.copyOf(policyNames), ttl.toSeconds()));
        }
    }

    /** Replaces the key material of every version of a Transit key, as if Vault had lost it; signatures stop matching. */
    public void replaceTransitKeyMaterial(String mountPath, String name) {
        synchronized (lock) {
            TransitKey key = ((TransitMount) mounts.get(trimSlashes(mountPath))).keys.get(name);
            key.versions.replaceAll((number, pair) -> generate(key.type));
        }
    }

    /**
     * Holds every read's answer back by {@code delay} after the value was read, as a slow network or a busy
     * server does: writers that read, then write with {@code cas}, race each other in a wider window.
     */
    public void readAnswerDelay(java.time.Duration delay) {
        readAnswerDelayNanos = delay.toNanos();
    }

    private volatile long readAnswerDelayNanos;

    /**
     * Makes the next {@code writes} writes (POST or PUT) to a path that {@code paths} accepts (for example
     * {@code secret/data/app}) race a reader on purpose: each is held until another request reads the same path,
     * then lands after that read has taken the value and before its answer is sent. The reader therefore holds a
     * version that is already stale, and its next check-and-set write of that path is refused, every time. Only the
     * order of events changes, as a slow network can change it; the answers are Vault's. A held write waits at
     * most {@code patience} for a reader, then lands anyway ({@link #interleaved()} does not count it).
     */
    public void interleaveWrites(Predicate<String> paths, int writes, Duration patience) {
        synchronized (interleaving) {
            interleavePaths = paths;
            interleavesLeft = writes;
            interleavePatience = patience;
        }
    }

    /** Writes that {@link #interleaveWrites} held and that landed between another request's read and its answer. */
    public int interleaved() {
        return interleaved.get();
    }

    /** Whether a write is held by {@link #interleaveWrites} right now, waiting for a reader. */
    public boolean holdingWrite() {
        synchronized (interleaving) {
            return held != null && held.readTaken().getCount() > 0;
        }
    }

    /** A write held by {@link #interleaveWrites}: released by a read of {@code path}, which then waits for it to land. */
    private record HeldWrite(String path, CountDownLatch readTaken, CountDownLatch landed) {
    }

    private final Object interleaving = new Object();
    private Predicate<String> interleavePaths = p -> false;
    private int interleavesLeft;
    private Duration interleavePatience = Duration.ZERO;
    private HeldWrite held;
    private final AtomicInteger interleaved = new AtomicInteger();

    /** The write this request is, when {@link #interleaveWrites} holds it; null otherwise. */
    private HeldWrite holdIfInterleaving(String method, String path) {
        if (!method.equals("POST") && !method.equals("PUT")) {
            return null;
        }
        synchronized (interleaving) {
            if (held != null || interleavesLeft <= 0 || !interleavePaths.test(path)) {
                return null;
            }
            interleavesLeft--;
            held = new HeldWrite(path, new CountDownLatch(1), new CountDownLatch(1));
            return held;
        }
    }

    /** The held write that a read of {@code path} releases, or null. */
    private HeldWrite heldFor(String method, String path) {
        if (!method.equals("GET")) {
            return null;
        }
        synchronized (interleaving) {
            return held != null && held.path().equals(path) && held.readTaken().getCount() > 0 ? held : null;
        }
    }

    private Duration interleavePatience() {
        synchronized (interleaving) {
            return interleavePatience;
        }
    }

    private static boolean await(CountDownLatch latch, Duration patience) {
        try {
            return latch.await(patience.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Check-and-set writes refused because {@code cas} did not match, since the double started. */
    public int casConflicts() {
        return casConflicts.get();
    }

    /** Sets the largest entry a write may store (default {@link #DEFAULT_MAX_ENTRY_BYTES}, as Vault's integrated storage). */
    public void maxEntrySize(int bytes) {
        maxEntryBytes = bytes;
    }

    /** The size in bytes of the largest KV entry stored since the double started. */
    public long largestEntry() {
        return largestEntry.get();
    }

    /** Writes refused because their entry was larger than the limit, since the double started. */
    public int refusedAsTooLarge() {
        return tooLarge.get();
    }

    /** The KV v2 keys of a mount that start with {@code prefix}, sorted. */
    public List<String> kvKeys(String mountPath, String prefix) {
        synchronized (lock) {
            return ((KvMount) mounts.get(trimSlashes(mountPath))).keys.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
        }
    }

    /** {@link #rawKv} of every key that is {@code prefix} or lies under {@code prefix/}, as one byte string. */
    public Optional<byte[]> rawKvTree(String mountPath, String prefix) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        synchronized (lock) {
            for (String key : kvKeys(mountPath, prefix)) {
                if (key.equals(prefix) || key.startsWith(prefix + "/")) {
                    all.writeBytes(key.getBytes(StandardCharsets.UTF_8));
                    all.writeBytes(rawKv(mountPath, key).orElseThrow());
                }
            }
        }
        return all.size() == 0 ? Optional.empty() : Optional.of(all.toByteArray());
    }

    public int renewals() {
        return renewals.get();
    }

    public int logins() {
        return logins.get();
    }

    /** Every request as "METHOD path" (path after /v1/, namespace header prepended), in arrival order. */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Everything the double keeps for one KV key (all versions and metadata), as bytes; empty when absent. */
    public Optional<byte[]> rawKv(String mountPath, String key) {
        synchronized (lock) {
            KvMount kv = (KvMount) mounts.get(trimSlashes(mountPath));
            KvKey entry = kv.keys.get(key);
            if (entry == null) {
                return Optional.empty();
            }
            ObjectNode state = nodes.objectNode();
            state.put("current", entry.currentVersion);
            state.put("max_versions", entry.maxVersions);
            state.put("cas_required", entry.casRequired);
            ObjectNode versions = state.putObject("versions");
            entry.versions.forEach((number, version) -> versions.putObject(number.toString())
                    .put("created", version.created.toString())
                    .put("deleted", String.valueOf(version.deleted))
                    .put("destroyed", version.destroyed)
                    .set("data", version.data == null ? NullNode.getInstance() : version.data));
            try {
                return Optional.of(json.writeValueAsBytes(state));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The latest data of a KV v2 key, or empty. */
    public Optional<JsonNode> kvData(String mountPath, String key) {
        synchronized (lock) {
            KvKey entry = ((KvMount) mounts.get(trimSlashes(mountPath))).keys.get(key);
            if (entry == null || !entry.versions.containsKey(entry.currentVersion)) {
                return Optional.empty();
            }
            return Optional.ofNullable(entry.versions.get(entry.currentVersion).data).map(JsonNode::deepCopy);
        }
    }

    // ---- HTTP ----

    /** One answer: status and body (null: no body). */
    private record Answer(int status, JsonNode body) {
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String target = URLDecoder.decode(exchange.getRequestURI().getRawPath().replaceFirst("^/v1/", ""), StandardCharsets.UTF_8);
            HeldWrite mine = holdIfInterleaving(method, target);
            if (mine != null && await(mine.readTaken(), interleavePatience())) {
                interleaved.incrementAndGet();
            }
            HeldWrite released = mine == null ? heldFor(method, target) : null;
            Answer answer;
            try {
                answer = route(exchange);
                if (readAnswerDelayNanos > 0 && "GET".equals(exchange.getRequestMethod())) {
                    java.util.concurrent.locks.LockSupport.parkNanos(readAnswerDelayNanos);
                }
            } catch (BadRequest e) {
                answer = errors(400, e.getMessage());
            } catch (RuntimeException e) {
                answer = errors(500, "internal error: " + e);
            } finally {
                if (mine != null) {
                    synchronized (interleaving) {
                        held = null;
                    }
                    mine.landed().countDown();
                }
            }
            if (released != null) {
                // the value is taken; the held write lands before this answer leaves
                released.readTaken().countDown();
                await(released.landed(), interleavePatience());
            }
            String request = exchange.getRequestMethod().toUpperCase(Locale.ROOT).replace("PUT", "POST") + " "
                    + URLDecoder.decode(exchange.getRequestURI().getRawPath().replaceFirst("^/v1/", ""), StandardCharsets.UTF_8);
            Optional<Garbled> instead;
            synchronized (garbled) {
                instead = garbled.stream().filter(g -> request.startsWith(g.request())).findFirst();
            }
            if (instead.isPresent()) {
                Garbled g = instead.get();
                exchange.getResponseHeaders().set("Content-Type", g.contentType());
                exchange.sendResponseHeaders(g.status(), g.repeats() == 1 ? g.chunk().length : 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    for (long i = 0; i < g.repeats(); i++) {
                        out.write(g.chunk());
                    }
                } catch (IOException clientWentAway) {
                    // a client that stops reading a huge body closes the connection: expected
                }
                return;
            }
            if (answer.body() == null) {
                exchange.sendResponseHeaders(answer.status(), -1);
                return;
            }
            byte[] bytes = json.writeValueAsBytes(answer.body());
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private Answer route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String rawPath = exchange.getRequestURI().getRawPath();
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        JsonNode body = readBody(exchange.getRequestBody());
        String namespace = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Vault-Namespace"))
                .map(VaultDouble::trimSlashes).filter(ns -> !ns.isEmpty()).map(ns -> ns + "/").orElse("");
        if (method.equals("LIST") || (method.equals("GET") && "true".equals(query.get("list")))) {
            method = "LIST";
        }
        if (method.equals("PUT")) {
            method = "POST";
        }
        if (!rawPath.startsWith("/v1/")) {
            return errors(404, List.of());
        }
        String path = URLDecoder.decode(rawPath.substring(4), StandardCharsets.UTF_8);
        requests.add(method + " " + namespace + path);
        if (sealed) {
            return errors(503, "Vault is sealed");
        }
        synchronized (lock) {
            if (!namespace.isEmpty() && !namespaces.contains(namespace)) {
                return errors(404, "no handler for route \"" + namespace + path + "\". route entry not found.");
            }
            String full = namespace + path;
            Optional<Map.Entry<String, Mount>> appRole = findMount(full).filter(m -> m.getValue() instanceof AppRoleMount);
            if (appRole.isPresent() && full.equals(appRole.get().getKey() + "/login")) {
                return ((AppRoleMount) appRole.get().getValue()).login(method, body);
            }
            String tokenId = exchange.getRequestHeaders().getFirst("X-Vault-Token");
            if (tokenId == null) {
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                if (authorization != null && authorization.startsWith("Bearer ")) {
                    tokenId = authorization.substring(7).trim();
                }
            }
            Token token = tokenId == null ? null : tokens.get(tokenId);
            if (token != null && token.expires() != null && !now().isBefore(token.expires())) {
                tokens.remove(token.id());
                token = null;
            }
            if (token == null) {
                return errors(403, BAD_TOKEN);
            }
            if (path.equals("auth/token/lookup-self")) {
                return lookupSelf(token);
            }
            if (path.equals("auth/token/renew-self")) {
                return method.equals("POST") ? renewSelf(token, body) : errors(405, "unsupported operation");
            }
            if (!allowed(token, full)) {
                return errors(403, POLICY_DENIED);
            }
            Optional<Map.Entry<String, Mount>> mount = findMount(full);
            if (mount.isEmpty()) {
                return errors(404, "no handler for route \"" + full + "\". route entry not found.");
            }
            String rest = full.length() == mount.get().getKey().length() ? "" : full.substring(mount.get().getKey().length() + 1);
            return mount.get().getValue().handle(method, rest, query, body);
        }
    }

    private boolean allowed(Token token, String path) {
        if (token.policies().contains("root")) {
            return true;
        }
        for (String name : token.policies()) {
            for (String prefix : policies.getOrDefault(name, List.of())) {
                if (path.startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    private Optional<Map.Entry<String, Mount>> findMount(String path) {
        Map.Entry<String, Mount> best = null;
        for (Map.Entry<String, Mount> entry : mounts.entrySet()) {
            String key = entry.getKey();
            if ((path.equals(key) || path.startsWith(key + "/")) && (best == null || key.length() > best.getKey().length())) {
                best = entry;
            }
        }
        return Optional.ofNullable(best);
    }

    private JsonNode readBody(InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes();
        if (bytes.length == 0) {
            return nodes.objectNode();
        }
        try {
            JsonNode node = json.readTree(bytes);
            return node == null ? nodes.objectNode() : node;
        } catch (IOException e) {
            throw new BadRequest("failed to parse JSON input: " + e.getMessage().split("\n")[0]);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    // ---- envelopes ----

    private ObjectNode envelope(JsonNode data) {
        ObjectNode body = nodes.objectNode();
        body.put("request_id", UUID.randomUUID().toString());
        body.put("lease_id", "");
        body.put("renewable", false);
        body.put("lease_duration", 0);
        body.set("data", data == null ? NullNode.getInstance() : data);
        body.set("wrap_info", NullNode.getInstance());
        body.set("warnings", NullNode.getInstance());
        body.set("auth", NullNode.getInstance());
        return body;
    }

    private Answer ok(JsonNode data) {
        return new Answer(200, envelope(data));
    }

    private static Answer noContent() {
        return new Answer(204, null);
    }

    private Answer errors(int status, String message) {
        return errors(status, List.of(message));
    }

    private Answer errors(int status, List<String> messages) {
        ObjectNode body = nodes.objectNode();
        ArrayNode array = body.putArray("errors");
        messages.forEach(array::add);
        return new Answer(status, body);
    }

    /** A 400 with one error message. */
    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    // ---- auth ----

    private record Token(String id, List<String> policies, long ttlSeconds, boolean renewable, Instant issued,
                         Instant expires, Map<String, String> meta, Instant maxExpires) {
        Token(String id, List<String> policies, long ttlSeconds, boolean renewable, Instant issued, Instant expires,
              Map<String, String> meta) {
            this(id, policies, ttlSeconds, renewable, issued, expires, meta, null);
        }
    }

    private record Role(String name, String secretId, List<String> policies, long ttlSeconds) {
    }

    private Answer lookupSelf(Token token) {
        ObjectNode data = nodes.objectNode();
        data.put("accessor", "acc." + token.id().hashCode());
        data.put("creation_time", token.issued().getEpochSecond());
        data.put("creation_ttl", token.ttlSeconds());
        data.put("display_name", token.policies().contains("root") ? "root" : "token");
        data.put("entity_id", "");
        if (token.expires() == null) {
            data.set("expire_time", NullNode.getInstance());
        } else {
            data.put("expire_time", RFC3339_NANOS.format(token.expires()));
        }
        data.put("explicit_max_ttl", 0);
        data.put("id", token.id());
        data.put("issue_time", RFC3339_NANOS.format(token.issued()));
        data.set("meta", token.meta().isEmpty() ? NullNode.getInstance() : json.valueToTree(token.meta()));
        data.put("num_uses", 0);
        data.put("orphan", token.policies().contains("root"));
        data.put("path", token.policies().contains("root") ? "auth/token/root" : "auth/token/create");
        ArrayNode list = data.putArray("policies");
        token.policies().forEach(list::add);
        data.put("renewable", token.renewable());
        data.put("ttl", token.expires() == null ? 0 : Math.max(0, Duration.between(now(), token.expires()).toSeconds()));
        data.put("type", "service");
        return ok(data);
    }

    private Answer renewSelf(Token token, JsonNode body) {
        if (!token.renewable()) {
            return errors(400, "lease is not renewable");
        }
        long increment = token.ttlSeconds();
        JsonNode requested = body.path("increment");
        if (requested.isNumber()) {
            increment = requested.asLong();
        } else if (requested.isTextual()) {
            increment = seconds(requested.asText());
        }
        Instant expires = now().plusSeconds(increment);
        if (token.maxExpires() != null && expires.isAfter(token.maxExpires())) {
            expires = token.maxExpires();
            increment = Math.max(0, Duration.between(now(), expires).toSeconds());
        }
        Token renewed = new Token(token.id(), token.policies(), token.ttlSeconds(), true, token.issued(),
                expires, token.meta(), token.maxExpires());
        tokens.put(token.id(), renewed);
        renewals.incrementAndGet();
        ObjectNode envelope = envelope(null);
        envelope.set("auth", auth(renewed, increment));
        return new Answer(200, envelope);
    }

    private ObjectNode auth(Token token, long leaseSeconds) {
        ObjectNode auth = nodes.objectNode();
        auth.put("client_token", token.id());
        auth.put("accessor", "acc." + token.id().hashCode());
        ArrayNode policiesNode = auth.putArray("policies");
        token.policies().forEach(policiesNode::add);
        ArrayNode tokenPolicies = auth.putArray("token_policies");
        token.policies().forEach(tokenPolicies::add);
        auth.set("metadata", token.meta().isEmpty() ? NullNode.getInstance() : json.valueToTree(token.meta()));
        auth.put("lease_duration", leaseSeconds);
        auth.put("renewable", token.renewable());
        auth.put("entity_id", "");
        auth.put("token_type", "service");
        auth.put("orphan", true);
        return auth;
    }

    private static long seconds(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new BadRequest("time: invalid duration \"" + text + "\"");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> n * 60;
            case "h" -> n * 3600;
            case "d" -> n * 86400;
            default -> n;
        };
    }

    // ---- engines ----

    private interface Mount {
        Answer handle(String method, String rest, Map<String, String> query, JsonNode body);
    }

    private final class AppRoleMount implements Mount {
        final Map<String, Role> roles = new HashMap<>();

        Answer login(String method, JsonNode body) {
            if (!method.equals("POST")) {
                return errors(405, "unsupported operation");
            }
            String roleId = body.path("role_id").asText("");
            String secretId = body.path("secret_id").asText("");
            if (roleId.isEmpty()) {
                return errors(400, "missing role_id");
            }
            if (secretId.isEmpty()) {
                return errors(400, "missing secret_id");
            }
            Role role = roles.get(roleId);
            if (role == null || !role.secretId().equals(secretId)) {
                return errors(400, "invalid role or secret ID");
            }
            List<String> names = new ArrayList<>(role.policies());
            if (!names.contains("default")) {
                names.add(0, "default");
            }
            String id = "hvs." + random();
            Token token = new Token(id, names, role.ttlSeconds(), true, now(),
                    role.ttlSeconds() == 0 ? null : now().plusSeconds(role.ttlSeconds()), Map.of("role_name", role.name()));
            tokens.put(id, token);
            logins.incrementAndGet();
            ObjectNode envelope = envelope(null);
            envelope.set("auth", auth(token, role.ttlSeconds()));
            return new Answer(200, envelope);
        }

        @Override
        public Answer handle(String method, String rest, Map<String, String> query, JsonNode body) {
            return errors(405, "unsupported operation");
        }
    }

    private static final class KvVersion {
        final Instant created;
        JsonNode data;
        Instant deleted;
        boolean destroyed;

        KvVersion(Instant created, JsonNode data) {
            this.created = created;
            this.data = data;
        }
    }

    private static final class KvKey {
        final TreeMap<Integer, KvVersion> versions = new TreeMap<>();
        final Instant created;
        Instant updated;
        int currentVersion;
        int maxVersions;
        boolean casRequired;
        String deleteVersionAfter = "0s";
        JsonNode customMetadata = NullNode.getInstance();

        KvKey(Instant created) {
            this.created = created;
            this.updated = created;
        }
    }

    private final class KvMount implements Mount {
        final int version;
        final String uuid = UUID.randomUUID().toString();
        final Map<String, KvKey> keys = new TreeMap<>();
        final Map<String, JsonNode> v1 = new TreeMap<>();
        int maxVersions = 0;
        boolean casRequired;

        KvMount(int version) {
            this.version = version;
        }

        @Override
        public Answer handle(String method, String rest, Map<String, String> query, JsonNode body) {
            if (version == 1) {
                return handleV1(method, rest, body);
            }
            if (rest.equals("config")) {
                return config(method, body);
            }
            if (rest.startsWith("data/")) {
                String key = rest.substring(5);
                return switch (method) {
                    case "GET" -> read(key, query);
                    case "POST" -> write(key, body);
                    case "DELETE" -> deleteLatest(key);
                    default -> errors(405, "unsupported operation");
                };
            }
            if (rest.startsWith("delete/") || rest.startsWith("undelete/") || rest.startsWith("destroy/")) {
                if (!method.equals("POST")) {
                    return errors(405, "unsupported operation");
                }
                int slash = rest.indexOf('/');
                return versions(rest.substring(0, slash), rest.substring(slash + 1), body);
            }
            if (rest.startsWith("metadata/") || rest.equals("metadata")) {
                String key = rest.equals("metadata") ? "" : rest.substring(9);
                return switch (method) {
                    case "LIST" -> list(key);
                    case "GET" -> readMetadata(key);
                    case "POST" -> writeMetadata(key, body);
                    case "DELETE" -> {
                        keys.remove(key);
                        yield noContent();
                    }
                    default -> errors(405, "unsupported operation");
                };
            }
            Answer invalid = new Answer(404, envelope(null));
            ((ObjectNode) invalid.body()).set("warnings", nodes.arrayNode().add(INVALID_V2_PATH));
            return invalid;
        }

        private Answer config(String method, JsonNode body) {
            if (method.equals("POST")) {
                if (body.has("max_versions")) {
                    maxVersions = body.get("max_versions").asInt();
                }
                if (body.has("cas_required")) {
                    casRequired = body.get("cas_required").asBoolean();
                }
                return noContent();
            }
            ObjectNode data = nodes.objectNode();
            data.put("cas_required", casRequired);
            data.put("delete_version_after", "0s");
            data.put("max_versions", maxVersions);
            return ok(data);
        }

        /**
         * What integrated storage answers when an entry is larger than {@code max_entry_size}: the storage error,
         * wrapped as every request error is, with status 500; nothing is stored.
         */
        private Answer refuseIfTooLarge(JsonNode data, String name) {
            int size;
            try {
                size = json.writeValueAsBytes(data).length;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (size > maxEntryBytes) {
                tooLarge.incrementAndGet();
                return errors(500, "1 error occurred:\n\t* put failed due to value being too large, max value size for key logical/"
                        + uuid + "/" + (version == 2 ? "versions/" : "") + name + " is " + maxEntryBytes + ", got " + size + "\n\n");
            }
            largestEntry.accumulateAndGet(size, Math::max);
            return null;
        }

        private int retention(KvKey key) {
            int limit = key.maxVersions > 0 ? key.maxVersions : maxVersions;
            return limit > 0 ? limit : 10;
        }

        private Answer write(String name, JsonNode body) {
            if (name.isEmpty()) {
                return errors(404, List.of());
            }
            JsonNode data = body.get("data");
            if (data == null || data.isNull() || !data.isObject()) {
                return errors(400, "no data provided");
            }
            KvKey key = keys.get(name);
            JsonNode cas = body.path("options").path("cas");
            boolean required = casRequired || (key != null && key.casRequired);
            if (cas.isMissingNode() || cas.isNull()) {
                if (required) {
                    return errors(400, "check-and-set parameter required for this call");
                }
            } else {
                int current = key == null ? 0 : key.currentVersion;
                if (cas.asInt() != current) {
                    casConflicts.incrementAndGet();
                    return errors(400, "check-and-set parameter did not match the current version");
                }
            }
            Answer refused = refuseIfTooLarge(data, name);
            if (refused != null) {
                return refused;
            }
            if (key == null) {
                key = new KvKey(now());
                keys.put(name, key);
            }
            Instant created = now();
            key.currentVersion++;
            key.versions.put(key.currentVersion, new KvVersion(created, data.deepCopy()));
            key.updated = created;
            while (key.versions.size() > retention(key)) {
                key.versions.pollFirstEntry();
            }
            ObjectNode result = nodes.objectNode();
            result.put("created_time", RFC3339_NANOS.format(created));
            result.set("custom_metadata", key.customMetadata);
            result.put("deletion_time", "");
            result.put("destroyed", false);
            result.put("version", key.currentVersion);
            return ok(result);
        }

        private Answer read(String name, Map<String, String> query) {
            KvKey key = keys.get(name);
            if (key == null) {
                return errors(404, List.of());
            }
            int wanted = key.currentVersion;
            if (query.containsKey("version")) {
                try {
                    int asked = Integer.parseInt(query.get("version"));
                    if (asked > 0) {
                        wanted = asked;
                    }
                } catch (NumberFormatException e) {
                    return errors(400, "version must be an integer");
                }
            }
            KvVersion version = key.versions.get(wanted);
            if (version == null) {
                return errors(404, List.of());
            }
            ObjectNode data = nodes.objectNode();
            boolean gone = version.destroyed || (version.deleted != null && !version.deleted.isAfter(now()));
            data.set("data", gone ? NullNode.getInstance() : version.data.deepCopy());
            data.set("metadata", versionMetadata(key, wanted, version));
            return new Answer(gone ? 404 : 200, envelope(data));
        }

        private ObjectNode versionMetadata(KvKey key, int number, KvVersion version) {
            ObjectNode metadata = nodes.objectNode();
            metadata.put("created_time", RFC3339_NANOS.format(version.created));
            metadata.set("custom_metadata", key.customMetadata);
            metadata.put("deletion_time", version.deleted == null ? "" : RFC3339_NANOS.format(version.deleted));
            metadata.put("destroyed", version.destroyed);
            metadata.put("version", number);
            return metadata;
        }

        private Answer deleteLatest(String name) {
            KvKey key = keys.get(name);
            if (key != null) {
                KvVersion latest = key.versions.get(key.currentVersion);
                if (latest != null && !latest.destroyed && latest.deleted == null) {
                    latest.deleted = now();
                }
            }
            return noContent();
        }

        private Answer versions(String operation, String name, JsonNode body) {
            JsonNode list = body.path("versions");
            if (!list.isArray() || list.isEmpty()) {
                return errors(400, "no version number provided");
            }
            KvKey key = keys.get(name);
            if (key == null) {
                return noContent();
            }
            for (JsonNode number : list) {
                KvVersion version = key.versions.get(number.asInt());
                if (version == null || version.destroyed) {
                    continue;
                }
                switch (operation) {
                    case "delete" -> {
                        if (version.deleted == null) {
                            version.deleted = now();
                        }
                    }
                    case "undelete" -> version.deleted = null;
                    case "destroy" -> {
                        version.destroyed = true;
                        version.data = null;
                    }
                    default -> throw new IllegalStateException(operation);
                }
            }
            return noContent();
        }

        private Answer list(String directory) {
            String prefix = directory.isEmpty() || directory.endsWith("/") ? directory : directory + "/";
            Set<String> found = new TreeSet<>();
            for (String name : keys.keySet()) {
                if (name.startsWith(prefix)) {
                    String remainder = name.substring(prefix.length());
                    int slash = remainder.indexOf('/');
                    found.add(slash < 0 ? remainder : remainder.substring(0, slash + 1));
                }
            }
            if (found.isEmpty()) {
                return errors(404, List.of());
            }
            ObjectNode data = nodes.objectNode();
            ArrayNode array = data.putArray("keys");
            found.forEach(array::add);
            return ok(data);
        }

        private Answer readMetadata(String name) {
            KvKey key = keys.get(name);
            if (key == null) {
                return errors(404, List.of());
            }
            ObjectNode data = nodes.objectNode();
            data.put("cas_required", key.casRequired);
            data.put("created_time", RFC3339_NANOS.format(key.created));
            data.put("current_version", key.currentVersion);
            data.set("custom_metadata", key.customMetadata);
            data.put("delete_version_after", key.deleteVersionAfter);
            data.put("max_versions", key.maxVersions);
            data.put("oldest_version", key.versions.isEmpty() ? 0 : key.versions.firstKey());
            data.put("updated_time", RFC3339_NANOS.format(key.updated));
            ObjectNode versions = data.putObject("versions");
            key.versions.forEach((number, version) -> versions.putObject(number.toString())
                    .put("created_time", RFC3339_NANOS.format(version.created))
                    .put("deletion_time", version.deleted == null ? "" : RFC3339_NANOS.format(version.deleted))
                    .put("destroyed", version.destroyed));
            return ok(data);
        }

        private Answer writeMetadata(String name, JsonNode body) {
            if (name.isEmpty()) {
                return errors(400, "missing path");
            }
            KvKey key = keys.computeIfAbsent(name, n -> new KvKey(now()));
            if (body.has("max_versions")) {
                key.maxVersions = body.get("max_versions").asInt();
            }
            if (body.has("cas_required")) {
                key.casRequired = body.get("cas_required").asBoolean();
            }
            if (body.has("delete_version_after")) {
                key.deleteVersionAfter = body.get("delete_version_after").asText();
            }
            if (body.has("custom_metadata")) {
                key.customMetadata = body.get("custom_metadata").deepCopy();
            }
            key.updated = now();
            return noContent();
        }

        private Answer handleV1(String method, String key, JsonNode body) {
            switch (method) {
                case "GET":
                    JsonNode data = v1.get(key);
                    return data == null ? errors(404, List.of()) : ok(data.deepCopy());
                case "POST":
                    Answer refused = refuseIfTooLarge(body, key);
                    if (refused != null) {
                        return refused;
                    }
                    v1.put(key, body.deepCopy());
                    return noContent();
                case "DELETE":
                    v1.remove(key);
                    return noContent();
                case "LIST":
                    String prefix = key.isEmpty() || key.endsWith("/") ? key : key + "/";
                    Set<String> found = new TreeSet<>();
                    for (String name : v1.keySet()) {
                        if (name.startsWith(prefix)) {
                            String remainder = name.substring(prefix.length());
                            int slash = remainder.indexOf('/');
                            found.add(slash < 0 ? remainder : remainder.substring(0, slash + 1));
                        }
                    }
                    if (found.isEmpty()) {
                        return errors(404, List.of());
                    }
                    ObjectNode listed = nodes.objectNode();
                    found.forEach(listed.putArray("keys")::add);
                    return ok(listed);
                default:
                    return errors(405, "unsupported operation");
            }
        }
    }

    private static final class TransitKey {
        final String type;
        final TreeMap<Integer, KeyPair> versions = new TreeMap<>();
        final TreeMap<Integer, Instant> created = new TreeMap<>();

        TransitKey(String type) {
            this.type = type;
        }

        boolean signs() {
            return type.startsWith("rsa-") || type.startsWith("ecdsa-") || type.equals("ed25519");
        }
    }

    private final class TransitMount implements Mount {
        final Map<String, TransitKey> keys = new TreeMap<>();

        @Override
        public Answer handle(String method, String rest, Map<String, String> query, JsonNode body) {
            String[] parts = rest.split("/");
            if (parts.length >= 2 && parts[0].equals("keys")) {
                String name = parts[1];
                if (parts.length == 3 && parts[2].equals("rotate") && method.equals("POST")) {
                    TransitKey key = keys.get(name);
                    if (key == null) {
                        return errors(400, "key not found");
                    }
                    addVersion(key);
                    return noContent();
                }
                if (parts.length == 2) {
                    return switch (method) {
                        case "POST" -> create(name, body);
                        case "GET" -> readKey(name);
                        default -> errors(405, "unsupported operation");
                    };
                }
            }
            if (parts.length >= 2 && parts.length <= 3 && parts[0].equals("sign") && method.equals("POST")) {
                return sign(parts[1], parts.length == 3 ? parts[2] : null, body);
            }
            if (method.equals("LIST") && rest.equals("keys")) {
                if (keys.isEmpty()) {
                    return errors(404, List.of());
                }
                ObjectNode data = nodes.objectNode();
                keys.keySet().forEach(data.putArray("keys")::add);
                return ok(data);
            }
            return errors(404, "no handler for route \"" + rest + "\". route entry not found.");
        }

        private Answer create(String name, JsonNode body) {
            String type = body.path("type").asText("aes256-gcm96");
            if (!Set.of("aes256-gcm96", "rsa-2048", "rsa-3072", "rsa-4096", "ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "ed25519").contains(type)) {
                return errors(400, "unknown key type: " + type);
            }
            if (!keys.containsKey(name)) {
                TransitKey key = new TransitKey(type);
                addVersion(key);
                keys.put(name, key);
            }
            return noContent();
        }

        private void addVersion(TransitKey key) {
            int next = key.versions.isEmpty() ? 1 : key.versions.lastKey() + 1;
            key.versions.put(next, key.signs() ? generate(key.type) : null);
            key.created.put(next, now());
        }

        private Answer readKey(String name) {
            TransitKey key = keys.get(name);
            if (key == null) {
                return errors(404, List.of());
            }
            ObjectNode data = nodes.objectNode();
            data.put("allow_plaintext_backup", false);
            data.put("auto_rotate_period", 0);
            data.put("deletion_allowed", false);
            data.put("derived", false);
            data.put("exportable", false);
            data.put("imported_key", false);
            ObjectNode versions = data.putObject("keys");
            key.versions.forEach((number, pair) -> {
                if (pair == null) {
                    versions.put(number.toString(), key.created.get(number).getEpochSecond());
                    return;
                }
                ObjectNode version = versions.putObject(number.toString());
                version.put("certificate_chain", "");
                version.put("creation_time", RFC3339_NANOS.format(key.created.get(number)));
                version.put("name", key.type.startsWith("ecdsa-") ? "P-" + key.type.substring(7) : key.type);
                version.put("public_key", publicKeyText(key.type, pair));
            });
            data.put("latest_version", key.versions.lastKey());
            data.put("min_available_version", 0);
            data.put("min_decryption_version", 1);
            data.put("min_encryption_version", 0);
            data.put("name", name);
            data.put("supports_decryption", !key.signs() || key.type.startsWith("rsa-"));
            data.put("supports_derivation", key.type.equals("aes256-gcm96") || key.type.equals("ed25519"));
            data.put("supports_encryption", !key.signs() || key.type.startsWith("rsa-"));
            data.put("supports_signing", key.signs());
            data.put("type", key.type);
            return ok(data);
        }

        private Answer sign(String name, String urlHash, JsonNode body) {
            TransitKey key = keys.get(name);
            if (key == null) {
                return errors(400, "signing key not found");
            }
            if (!key.signs()) {
                return errors(400, "key type " + key.type + " does not support signing");
            }
            String inputText = body.path("input").asText("");
            byte[] input;
            try {
                input = Base64.getDecoder().decode(inputText);
            } catch (IllegalArgumentException e) {
                return errors(400, "unable to decode input as base64: " + e.getMessage());
            }
            if (body.path("prehashed").asBoolean(false)) {
                return errors(400, "the double does not implement prehashed input");
            }
            int version = body.path("key_version").asInt(0);
            if (version == 0) {
                version = key.versions.lastKey();
            }
            KeyPair pair = key.versions.get(version);
            if (pair == null) {
                return errors(400, "requested version for signing is not available");
            }
            String hash = urlHash != null ? urlHash : body.path("hash_algorithm").asText("sha2-256");
            String jcaHash = switch (hash) {
                case "sha2-224" -> "SHA224";
                case "sha2-256" -> "SHA256";
                case "sha2-384" -> "SHA384";
                case "sha2-512" -> "SHA512";
                default -> null;
            };
            if (jcaHash == null && !key.type.equals("ed25519")) {
                return errors(400, "unsupported hash algorithm " + hash);
            }
            try {
                byte[] signature;
                if (key.type.startsWith("rsa-")) {
                    String padding = body.path("signature_algorithm").asText("pss");
                    Signature signer;
                    if (padding.equals("pkcs1v15")) {
                        signer = Signature.getInstance(jcaHash + "withRSA");
                    } else if (padding.equals("pss")) {
                        signer = Signature.getInstance("RSASSA-PSS");
                        signer.setParameter(pssParameters(jcaHash, (RSAPublicKey) pair.getPublic()));
                    } else {
                        return errors(400, "unsupported rsa signature algorithm " + padding);
                    }
                    signer.initSign(pair.getPrivate());
                    signer.update(input);
                    signature = signer.sign();
                } else if (key.type.startsWith("ecdsa-")) {
                    String marshaling = body.path("marshaling_algorithm").asText("asn1");
                    Signature signer = Signature.getInstance(jcaHash + "withECDSA");
                    signer.initSign(pair.getPrivate());
                    signer.update(input);
                    signature = signer.sign();
                    if (marshaling.equals("jws")) {
                        signature = derToRaw(signature, key.type.equals("ecdsa-p256") ? 32 : key.type.equals("ecdsa-p384") ? 48 : 66);
                    } else if (!marshaling.equals("asn1")) {
                        return errors(400, "unsupported marshaling type " + marshaling);
                    }
                } else {
                    Signature signer = Signature.getInstance("Ed25519");
                    signer.initSign(pair.getPrivate());
                    signer.update(input);
                    signature = signer.sign();
                }
                ObjectNode data = nodes.objectNode();
                data.put("key_version", version);
                data.put("signature", "vault:v" + version + ":" + Base64.getEncoder().encodeToString(signature));
                return ok(data);
            } catch (Exception e) {
                return errors(500, "signing failed: " + e.getMessage());
            }
        }
    }

    /** The PSS parameters Vault's Transit uses: MGF1 with the same hash, salt length "auto" (the largest that fits). */
    public static PSSParameterSpec pssParameters(String jcaHash, RSAPublicKey key) {
        String digest = jcaHash.replace("SHA", "SHA-");
        int hashLength = switch (jcaHash) {
            case "SHA224" -> 28;
            case "SHA256" -> 32;
            case "SHA384" -> 48;
            default -> 64;
        };
        int emLength = (key.getModulus().bitLength() - 1 + 7) / 8;
        return new PSSParameterSpec(digest, "MGF1", new MGF1ParameterSpec(digest), emLength - hashLength - 2, 1);
    }

    private static KeyPair generate(String type) {
        try {
            if (type.startsWith("rsa-")) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(Integer.parseInt(type.substring(4)));
                return generator.generateKeyPair();
            }
            if (type.startsWith("ecdsa-")) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp" + type.substring(7) + "r1"));
                return generator.generateKeyPair();
            }
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String publicKeyText(String type, KeyPair pair) {
        byte[] spki = pair.getPublic().getEncoded();
        if (type.equals("ed25519")) {
            byte[] raw = new byte[32];
            System.arraycopy(spki, spki.length - 32, raw, 0, 32);
            return Base64.getEncoder().encodeToString(raw);
        }
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(spki)
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static byte[] derToRaw(byte[] der, int size) {
        // SEQUENCE { INTEGER r, INTEGER s }, short or long form lengths
        int position = 1;
        position += (der[position] & 0x80) != 0 ? 1 + (der[position] & 0x7f) : 1;
        byte[] raw = new byte[2 * size];
        for (int i = 0; i < 2; i++) {
            position++; // INTEGER tag
            int length = der[position++] & 0xff;
            BigInteger value = new BigInteger(1, java.util.Arrays.copyOfRange(der, position, position + length));
            position += length;
            byte[] bytes = value.toByteArray();
            int start = bytes.length > size ? bytes.length - size : 0;
            System.arraycopy(bytes, start, raw, i * size + size - (bytes.length - start), bytes.length - start);
        }
        return raw;
    }

    private Instant now() {
        return Instant.now().plus(clockOffset);
    }

    private static String random() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static String trimSlashes(String path) {
        return path.replaceAll("^/+|/+$", "");
    }
}
