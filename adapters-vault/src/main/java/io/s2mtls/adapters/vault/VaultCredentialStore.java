package io.s2mtls.adapters.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.s2mtls.adapters.records.AuditRecord;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreConflictException;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.port.StoredCredential;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A credential store in a KV version 2 engine, one secret per credential, so that it has no size cliff.
 *
 * <h2>Layout</h2>
 * {@code vault:secret/s2mtls/prod} is the directory {@code s2mtls/prod} of the KV v2 mount {@code secret}. Every
 * document below is the {@code data} of one secret, read at {@code /v1/secret/data/<key>} and written there with
 * check-and-set ({@code options.cas}):
 * <pre>{@code
 * s2mtls/prod                      the marker: {"format":"s2mtls-store/2","generation":"g1f2e...",
 *                                               "nameShards":256,"entryShards":256,"userShards":64}
 * s2mtls/prod/GEN/ca               {"certificate":PEM, "privateKey":PKCS#8 PEM | "keyReference":"vault-transit:ca", "chain":[PEM...],
 *                                   "phase":"begun"|"switched", "other":{CA}, "root":{CA}}   (the last three when there are)
 * s2mtls/prod/GEN/credentials/NAME {"name", "certificate":PEM, "privateKey":PKCS#8 PEM}   (one per credential)
 * s2mtls/prod/GEN/names/00 .. ff   {"credentials":[{"credential":{"name","serial","hasKey"},"version":N}]}
 * s2mtls/prod/GEN/entries/00 .. ff {"entries":[{"order":N,"entry":{"serial","name","subject",...}}]}
 * s2mtls/prod/GEN/users/00 .. 3f   {"users":[{"name","host","requirement",...}]}
 * s2mtls/prod/GEN/audit/head       {"chunk":N}
 * s2mtls/prod/GEN/audit/0, 1, ...  {"events":[{"time","actor","action",...}]}   (at most 256 KiB each)
 * }</pre>
 * {@code GEN/ca} holds every CA of the store ({@link io.s2mtls.core.pki.AuthoritySet}): the issuing CA at the top level,
 * and during a rotation its {@code phase} and the {@code other} CA (the next one when begun, the previous one when
 * switched), and the {@code root} whose key (or key reference) the store holds above an intermediate; each {CA} has
 * the same fields as the top level. A phase change is one check-and-set write of this one secret, so no crash can
 * leave a phase without its CA or a CA without its phase. A document written before rotation existed (no
 * {@code phase}, {@code other} or {@code root}) reads as one CA; a one-CA document is still written that way. Three
 * CAs with RSA-4096 keys (a root and two intermediates with long names) take about 23 KB.
 * A shard is chosen by the first two bytes of the SHA-256 of a UTF-8 text, modulo the shard count: the credential
 * name for {@code names/} (the serial the name holds and the version of its {@code credentials/NAME} secret), the
 * serial in lower-case hex for {@code entries/} (every certificate recorded, with its place in the order of
 * recording), the user's key {@code name@host} for {@code users/}. At 100,000 credentials a names shard holds some
 * 400 references (about 50 KB), an entries shard some 400 entries (about 140 KB), a users shard some 1,600 users
 * (about 400 KB): no secret comes near the 1 MiB that Vault's integrated storage accepts per entry
 * ({@code max_entry_size}). A write that would make any secret larger than {@value #MAX_SECRET_BYTES} bytes is
 * refused (BAD_INPUT) before anything is written. GEN is a random directory name chosen when the store is created
 * or converted, so that two processes converting the same store at once never write into each other's secrets.
 *
 * <h2>Reading</h2>
 * {@link #index()} costs 1 marker read, 3 LISTs ({@code GEN/names/}, {@code GEN/entries/}, {@code GEN/users/}),
 * 1 CA read and one read per existing shard: at most 5 + 256 + 256 + 64 = 581 requests (517 for a store of 2,000
 * or 10,000 credentials without managed users; 5 and a few for a small store), made 8 at a time. It parses no
 * private key. {@link #credential(String)} costs 3 reads (marker, names shard, the credential at the version the
 * shard names), {@link #authority()} and {@link #authorities()} 2, {@link #recentAudit(int)} 4 for up to a chunk's
 * worth of events (marker, head, the chunk, the next chunk to see there is none) plus one per older chunk needed. The token's policy needs
 * read, create and update on {@code secret/data/s2mtls/prod} and {@code secret/data/s2mtls/prod/*}, and list on
 * {@code secret/metadata/s2mtls/prod/*}.
 *
 * <h2>Writing</h2>
 * Vault cannot write several secrets atomically, so {@link #commit} writes in an order in which every prefix is a
 * consistent store:
 * <ol>
 *   <li>it reads the CA (when the batch sets it) and every shard the batch touches, with their versions, and checks
 *       every expectation of the batch against them; a failed one throws {@link StoreConflictException} and nothing
 *       is written. It checks every secret's size;</li>
 *   <li>it writes each new credential's secret (check-and-set on the version it has); nothing refers to it yet;</li>
 *   <li>it writes each touched shard with check-and-set = the version read, first the {@code entries/} shards, then
 *       {@code names/}, then {@code users/} (a user may name a credential). When another writer changed a shard
 *       since, it re-reads it and re-checks that shard's writes: if they still hold (the other writer touched other
 *       names) it writes again; if not, it restores the shards it already wrote (every name it changed that still
 *       holds its value gets the old one back) and throws {@link StoreConflictException};</li>
 *   <li>it writes the CA (check-and-set, same re-check);</li>
 *   <li>it appends the batch's audit events (check-and-set on the last chunk).</li>
 * </ol>
 * What a crash part-way leaves: after 2, credential secrets that no shard refers to (or a newer version of a
 * referenced one that the shard does not name): invisible, overwritten by the next write of that name; during 3,
 * some shards of the batch written and others not: entries are written before the references that need them, so a
 * bulk batch may show inventory entries whose names are not yet referenced (like certificates signed from a CSR),
 * never a reference without its entry; after 3 or 4, the change without its audit events. KV keeps 10 versions
 * of a key by default: a credential whose secret is overwritten ten times without its reference (ten crashed or
 * refused writes of that name in a row) loses the version its reference names, and reads as damaged.
 * A reader that reads while a batch spanning several shards is written may see some of its shards new and
 * others old. A removed credential's secret stays (like the old versions KV keeps) until the
 * name is used again.
 *
 * <h2>Concurrency</h2>
 * Each shard, the CA and the audit chunk are guarded by check-and-set, so concurrent writers from any number of
 * processes lose nothing: writers of different names meet only on the audit chunk and on shared shards, where
 * they retry on the fresh content; writers of the same name get {@link StoreConflictException} and the use case
 * retries. Every refused check-and-set is counted ({@link #conflicts()}).
 *
 * <h2>The single-secret format</h2>
 * A store written before this layout (format {@value StoreDocuments#LEGACY_FORMAT}: everything in the one secret
 * at the store's path) is read as it is, and converted on its first write: its content is written to a new GEN
 * (credentials, shards, CA, audit chunks, all create-only), then the marker replaces the old document with
 * check-and-set on the version that was converted. If another writer changed the old document meanwhile, the
 * conversion starts again from the new content; a crash before the marker leaves an unused GEN directory and the
 * old store as it was. The old document stays in the key's version history.
 *
 * <h2>Deleted versions</h2>
 * A marker whose latest version is soft-deleted or destroyed reads as an empty store, as {@code vault kv get}
 * shows nothing; the next write starts a new GEN on top of it ({@code vault kv rollback} of the marker brings the
 * old one back). A deleted shard or chunk reads as empty.
 */
final class VaultCredentialStore implements CredentialStore {
    static final int NAME_SHARDS = 256;
    static final int ENTRY_SHARDS = 256;
    static final int USER_SHARDS = 64;
    /** The most a store puts in one secret, below the 1 MiB (1,048,576 bytes) that Vault's integrated storage takes. */
    static final int MAX_SECRET_BYTES = 1_000_000;
    static final int AUDIT_CHUNK_BYTES = 256 * 1024;
    static final int MAX_ATTEMPTS = 20;
    private static final int THREADS = 8;
    private static final Pattern SHARD_NAME = Pattern.compile("[0-9a-f]{2}");
    private static final Pattern GENERATION = Pattern.compile("g[0-9a-f]{6,32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String description;
    private final String mount;
    private final String secretPath;
    private final Supplier<VaultClient> clientSupplier;
    private final Kv kv;
    private final AtomicLong lastOrder = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger conflicts = new java.util.concurrent.atomic.AtomicInteger();
    private VaultClient client;
    private ExecutorService pool;
    private volatile Runnable afterChecks = () -> { };
    private volatile Runnable afterConversionWrites = () -> { };

    VaultCredentialStore(String description, String mount, String secretPath, Supplier<VaultClient> clientSupplier) {
        this.description = requireNonNull(description, "description is null");
        this.mount = requireNonNull(mount, "mount is null");
        this.secretPath = requireNonNull(secretPath, "secretPath is null");
        this.clientSupplier = requireNonNull(clientSupplier, "clientSupplier is null");
        this.kv = new Kv(mount, this::client);
    }

    @Override
    public String describe() {
        return description;
    }

    /** For tests: {@code hook} runs when a commit has checked its expectations, before it writes anything. */
    void afterChecks(Runnable hook) {
        afterChecks = requireNonNull(hook, "hook is null");
    }

    /** For tests: {@code hook} runs when a conversion has written the new layout, before it writes the marker. */
    void afterConversionWrites(Runnable hook) {
        afterConversionWrites = requireNonNull(hook, "hook is null");
    }

    /** How many check-and-set writes Vault refused to this store instance (each was retried or reported). */
    int conflicts() {
        return conflicts.get();
    }

    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.shutdownNow();
            pool = null;
        }
    }

    // ---- the marker ----

    /** What is at the store's own path. */
    private sealed interface Root permits Granular, Legacy, Absent {
    }

    private record Granular(StoreDocuments.Marker marker) implements Root {
    }

    private record Legacy(LegacyStore store, long version) implements Root {
    }

    private record Absent(long version) implements Root {
    }

    private Root root(String purpose) {
        Kv.Secret secret = kv.read(secretPath, purpose);
        if (!secret.exists()) {
            return new Absent(secret.version());
        }
        JsonNode data = secret.data().get();
        String format = data.path("format").asText("");
        if (StoreDocuments.FORMAT.equals(format)) {
            StoreDocuments.Marker marker;
            try {
                marker = StoreDocuments.read(data, StoreDocuments.Marker.class);
            } catch (IllegalArgumentException e) {
                throw notAStore("it is damaged (" + e.getMessage() + ")", e);
            }
            if (marker.generation() == null || !GENERATION.matcher(marker.generation()).matches() || !validShards(marker.nameShards())
                    || !validShards(marker.entryShards()) || !validShards(marker.userShards())) {
                throw notAStore("it is damaged (its generation or shard counts are not valid)", null);
            }
            return new Granular(marker);
        }
        if (StoreDocuments.LEGACY_FORMAT.equals(format)) {
            return new Legacy(new LegacyStore(data, description), secret.version());
        }
        throw notAStore(format.isEmpty() ? "it holds no s2mtls store (no \"format\" field)"
                : "its format '" + format + "' is not " + StoreDocuments.FORMAT + " (or " + StoreDocuments.LEGACY_FORMAT + ")", null);
    }

    /** The granular layout to write to: created for a new store, converted from a single-secret one. */
    private StoreDocuments.Marker writable(String purpose) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Root root = root(purpose);
            if (root instanceof Granular granular) {
                return granular.marker();
            }
            if (root instanceof Absent absent) {
                StoreDocuments.Marker marker = newMarker();
                try {
                    kv.write(secretPath, StoreDocuments.tree(marker), absent.version(), purpose);
                    return marker;
                } catch (Kv.CasMismatch e) {
                    conflicts.incrementAndGet();
                    continue; // another writer created it: use theirs
                }
            }
            StoreDocuments.Marker converted = convert((Legacy) root, purpose);
            if (converted != null) {
                return converted;
            }
        }
        throw giveUp(purpose);
    }

    private static StoreDocuments.Marker newMarker() {
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        return new StoreDocuments.Marker(StoreDocuments.FORMAT, "g" + HexFormat.of().formatHex(random), NAME_SHARDS, ENTRY_SHARDS,
                USER_SHARDS);
    }

    private static boolean validShards(int count) {
        return count >= 1 && count <= 256;
    }

    // ---- keys ----

    private String caKey(StoreDocuments.Marker m) {
        return secretPath + "/" + m.generation() + "/ca";
    }

    private String credentialKey(StoreDocuments.Marker m, String name) {
        return secretPath + "/" + m.generation() + "/credentials/" + name;
    }

    private String auditKey(StoreDocuments.Marker m, String leaf) {
        return secretPath + "/" + m.generation() + "/audit/" + leaf;
    }

    /** One shard secret: its kind and number. */
    private record Shard(ShardState.Kind kind, int number) implements Comparable<Shard> {
        @Override
        public int compareTo(Shard other) {
            return kind != other.kind ? kind.compareTo(other.kind) : Integer.compare(number, other.number);
        }

        String leaf() {
            return kind.directory + "/" + String.format("%02x", number);
        }
    }

    private String shardKey(StoreDocuments.Marker m, Shard shard) {
        return secretPath + "/" + m.generation() + "/" + shard.leaf();
    }

    /** The first two bytes of the SHA-256 of {@code text}'s UTF-8, modulo {@code shards}. */
    static int shardOf(String text, int shards) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return (((digest[0] & 0xff) << 8) | (digest[1] & 0xff)) % shards;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Shard nameShard(StoreDocuments.Marker m, String name) {
        return new Shard(ShardState.Kind.NAMES, shardOf(name, m.nameShards()));
    }

    /** An entry's shard: by its serial in lower-case hex. */
    private static Shard entryShard(StoreDocuments.Marker m, BigInteger serial) {
        return new Shard(ShardState.Kind.ENTRIES, shardOf(serial.toString(16), m.entryShards()));
    }

    private static Shard userShard(StoreDocuments.Marker m, String key) {
        return new Shard(ShardState.Kind.USERS, shardOf(key, m.userShards()));
    }

    private static Shard shardOf(StoreDocuments.Marker m, StoreWrite write) {
        if (write instanceof StoreWrite.PutCredential put) {
            return nameShard(m, put.credential().name());
        }
        if (write instanceof StoreWrite.RemoveCredential remove) {
            return nameShard(m, remove.name());
        }
        if (write instanceof StoreWrite.AddEntry add) {
            return entryShard(m, add.entry().serial());
        }
        if (write instanceof StoreWrite.UpdateEntry update) {
            return entryShard(m, update.entry().serial());
        }
        if (write instanceof StoreWrite.PutManagedUser put) {
            return userShard(m, put.key());
        }
        throw new IllegalArgumentException("unknown store write " + write);
    }

    // ---- reading ----

    @Override
    public StoreIndex index() {
        String purpose = "reading " + description;
        Root root = root(purpose);
        if (root instanceof Absent) {
            return StoreIndex.empty();
        }
        if (root instanceof Legacy legacy) {
            return legacy(() -> legacy.store().index());
        }
        StoreDocuments.Marker m = ((Granular) root).marker();
        String base = secretPath + "/" + m.generation();
        List<Callable<Object>> lists = new ArrayList<>();
        for (ShardState.Kind kind : ShardState.Kind.values()) {
            lists.add(() -> kv.list(base + "/" + kind.directory, purpose));
        }
        lists.add(() -> readCa(m, purpose));
        List<Object> first = all(lists);
        List<Shard> shards = new ArrayList<>();
        for (ShardState.Kind kind : ShardState.Kind.values()) {
            for (Object name : (List<?>) first.get(kind.ordinal())) {
                if (SHARD_NAME.matcher(name.toString()).matches()) {
                    shards.add(new Shard(kind, Integer.parseInt(name.toString(), 16)));
                }
            }
        }
        List<Callable<ShardRead>> reads = new ArrayList<>();
        shards.forEach(shard -> reads.add(() -> readShard(m, shard, purpose)));
        List<ShardRead> read = all(reads);
        Map<String, StoredCredential> credentials = new TreeMap<>();
        List<StoreDocuments.ShardEntry> entries = new ArrayList<>();
        Map<String, ManagedUser> users = new TreeMap<>();
        for (ShardRead shard : read) {
            credentials.putAll(shard.state().storedCredentials());
            entries.addAll(shard.state().entries());
            users.putAll(shard.state().managedUsers());
        }
        entries.sort(Comparator.comparingLong(StoreDocuments.ShardEntry::order));
        Map<BigInteger, InventoryEntry> inventory = new LinkedHashMap<>();
        for (StoreDocuments.ShardEntry entry : entries) {
            InventoryEntry domain = entry.entry().toEntry();
            inventory.put(domain.serial(), domain);
        }
        CaRead ca = (CaRead) first.get(ShardState.Kind.values().length);
        Optional<Authorities> authorities = ca.document().map(d -> parsed(caKey(m), () -> d.authorities(description)));
        return new StoreIndex(authorities, credentials, inventory, users);
    }

    @Override
    public Optional<CaMaterial> authority() {
        String purpose = "reading " + description;
        Root root = root(purpose);
        if (root instanceof Absent) {
            return Optional.empty();
        }
        if (root instanceof Legacy legacy) {
            return legacy(() -> legacy.store().authority());
        }
        StoreDocuments.Marker m = ((Granular) root).marker();
        return readCa(m, purpose).document().map(d -> parsed(caKey(m), () -> d.material(description + " CA")));
    }

    /** Every CA with its key or reference, from the one CA secret (a single-secret store holds one CA). */
    @Override
    public Optional<AuthoritySet> authorities() {
        String purpose = "reading " + description;
        Root root = root(purpose);
        if (root instanceof Absent) {
            return Optional.empty();
        }
        if (root instanceof Legacy legacy) {
            return legacy(() -> legacy.store().authority()).map(AuthoritySet::single);
        }
        StoreDocuments.Marker m = ((Granular) root).marker();
        return readCa(m, purpose).document().map(d -> parsed(caKey(m), () -> d.authoritySet(description + " CA")));
    }

    @Override
    public Optional<Credential> credential(String name) {
        requireNonNull(name, "name is null");
        String purpose = "reading " + description;
        Root root = root(purpose);
        if (root instanceof Absent) {
            return Optional.empty();
        }
        if (root instanceof Legacy legacy) {
            return legacy(() -> legacy.store().credential(name));
        }
        StoreDocuments.Marker m = ((Granular) root).marker();
        ShardRead shard = readShard(m, nameShard(m, name), purpose);
        Optional<StoreDocuments.ShardCredential> reference = shard.state().credential(name);
        if (reference.isEmpty()) {
            return Optional.empty();
        }
        String key = credentialKey(m, name);
        Kv.Secret secret = kv.read(key, reference.get().version(), purpose);
        if (!secret.exists()) {
            throw S2mtlsException.badInput(client().redact(description + ": version " + reference.get().version() + " of the secret "
                    + kv.dataPath(key) + " that holds credential '" + name + "' is deleted or destroyed; undelete it"
                    + " ('vault kv undelete') or issue the credential again"));
        }
        Credential credential = parsed(key, () -> StoreDocuments.read(secret.data().get(), StoreDocuments.CredentialDocument.class)
                .credential(description + " credential " + name));
        if (!credential.name().equals(name)) {
            throw damaged(key, "it holds credential '" + credential.name() + "'", null);
        }
        return Optional.of(credential);
    }

    @Override
    public List<AuditEvent> recentAudit(int limit) {
        String purpose = "reading " + description;
        if (limit <= 0) {
            return List.of();
        }
        Root root = root(purpose);
        if (root instanceof Absent) {
            return List.of();
        }
        if (root instanceof Legacy legacy) {
            List<AuditEvent> audit = legacy(() -> legacy.store().audit());
            return List.copyOf(audit.subList(Math.max(0, audit.size() - limit), audit.size()));
        }
        StoreDocuments.Marker m = ((Granular) root).marker();
        AuditTail tail = auditTail(m, purpose);
        List<List<AuditRecord>> chunks = new ArrayList<>();
        int collected = tail.last().events().size();
        chunks.add(tail.last().events());
        for (long chunk = tail.number() - 1; chunk >= 0 && collected < limit; chunk--) {
            List<AuditRecord> events = readChunk(m, chunk, purpose).chunk().events();
            chunks.add(events);
            collected += events.size();
        }
        List<AuditEvent> events = new ArrayList<>();
        for (int i = chunks.size() - 1; i >= 0; i--) {
            for (AuditRecord record : chunks.get(i)) {
                events.add(parsed(auditKey(m, "*"), record::toEvent));
            }
        }
        return List.copyOf(events.subList(Math.max(0, events.size() - limit), events.size()));
    }

    private record CaRead(Optional<StoreDocuments.CaDocument> document, long version) {
    }

    private CaRead readCa(StoreDocuments.Marker m, String purpose) {
        String key = caKey(m);
        Kv.Secret secret = kv.read(key, purpose);
        return new CaRead(secret.data().map(d -> parsed(key, () -> StoreDocuments.read(d, StoreDocuments.CaDocument.class))),
                secret.version());
    }

    private record ShardRead(Shard shard, ShardState state, long version) {
    }

    private ShardRead readShard(StoreDocuments.Marker m, Shard shard, String purpose) {
        String key = shardKey(m, shard);
        Kv.Secret secret = kv.read(key, purpose);
        ShardState state = secret.data().map(d -> parsed(key, () -> ShardState.read(shard.kind(), d)))
                .orElse(ShardState.empty(shard.kind()));
        return new ShardRead(shard, state, secret.version());
    }

    // ---- writing ----

    @Override
    public void commit(StoreBatch batch) {
        requireNonNull(batch, "batch is null");
        if (batch.isEmpty()) {
            return;
        }
        String purpose = "updating " + description;
        StoreDocuments.Marker m = writable(purpose);
        if (!batch.writes().isEmpty()) {
            write(m, batch, purpose);
        }
        append(m, batch.audit(), purpose);
    }

    private void write(StoreDocuments.Marker m, StoreBatch batch, String purpose) {
        Map<Shard, List<StoreWrite>> byShard = new TreeMap<>();
        List<StoreWrite> caWrites = new ArrayList<>();
        for (StoreWrite write : batch.writes()) {
            if (write instanceof StoreWrite.SetAuthority) {
                caWrites.add(write);
            } else {
                byShard.computeIfAbsent(shardOf(m, write), s -> new ArrayList<>()).add(write);
            }
        }
        // 1. read what the batch touches, with versions, and check every expectation before writing anything
        List<Callable<Object>> reads = new ArrayList<>();
        byShard.keySet().forEach(shard -> reads.add(() -> readShard(m, shard, purpose)));
        if (!caWrites.isEmpty()) {
            reads.add(() -> readCa(m, purpose));
        }
        List<Object> read = all(reads);
        Map<Shard, ShardRead> shards = new TreeMap<>();
        CaRead ca = new CaRead(Optional.empty(), 0);
        for (Object result : read) {
            if (result instanceof ShardRead shard) {
                shards.put(shard.shard(), shard);
            } else {
                ca = (CaRead) result;
            }
        }
        Map<String, StoredCredential> credentials = new HashMap<>();
        Map<BigInteger, InventoryEntry> entries = new HashMap<>();
        Map<String, ManagedUser> users = new HashMap<>();
        for (ShardRead shard : shards.values()) {
            credentials.putAll(shard.state().storedCredentials());
            entries.putAll(shard.state().inventory());
            users.putAll(shard.state().managedUsers());
        }
        CaRead caRead = ca;
        Optional<Authorities> authorities = ca.document().map(d -> parsed(caKey(m), () -> d.authorities(description)));
        new StoreIndex(authorities, credentials, entries, users).applying(batch);
        afterChecks.run();

        Map<BigInteger, Long> orders = new HashMap<>();
        List<StoreWrite.PutCredential> puts = new ArrayList<>();
        List<BigInteger> added = new ArrayList<>();
        for (StoreWrite write : batch.writes()) {
            if (write instanceof StoreWrite.AddEntry add) {
                added.add(add.entry().serial());
            } else if (write instanceof StoreWrite.PutCredential put) {
                puts.add(put);
            }
        }
        long firstOrder = nextOrders(added.size());
        for (int i = 0; i < added.size(); i++) {
            orders.put(added.get(i), firstOrder + i);
        }
        // sizes, with the largest version number a reference can hold
        Map<String, Long> widest = new HashMap<>();
        puts.forEach(put -> widest.put(put.credential().name(), Long.MAX_VALUE));
        for (Map.Entry<Shard, List<StoreWrite>> unit : byShard.entrySet()) {
            ShardState next = shards.get(unit.getKey()).state().applying(unit.getValue(), widest, orders);
            checkSize(shardKey(m, unit.getKey()), next.document());
        }
        Map<String, JsonNode> credentialDocuments = new LinkedHashMap<>();
        for (StoreWrite.PutCredential put : puts) {
            String name = put.credential().name();
            JsonNode document = StoreDocuments.tree(StoreDocuments.CredentialDocument.of(put.credential()));
            checkSize(credentialKey(m, name), document);
            credentialDocuments.put(name, document);
        }
        Optional<JsonNode> caDocument = Optional.empty();
        for (StoreWrite write : caWrites) {
            caDocument = Optional.of(StoreDocuments.tree(StoreDocuments.CaDocument.of(((StoreWrite.SetAuthority) write).authorities())));
        }
        if (caDocument.isPresent()) {
            checkSize(caKey(m), caDocument.get());
        }

        // 2. the credentials' own secrets, which nothing refers to yet
        List<Callable<Map.Entry<String, Long>>> credentialWrites = new ArrayList<>();
        credentialDocuments.forEach((name, document) -> {
            Shard shard = nameShard(m, name);
            long known = shards.get(shard).state().credential(name).map(StoreDocuments.ShardCredential::version).orElse(0L);
            credentialWrites.add(() -> Map.entry(name, overwrite(credentialKey(m, name), document, known, purpose)));
        });
        Map<String, Long> versions = new HashMap<>();
        all(credentialWrites).forEach(e -> versions.put(e.getKey(), e.getValue()));

        // 3. the shards, entries before the references that need them, each with check-and-set on the version read
        List<Written> written = new ArrayList<>();
        for (ShardState.Kind kind : ShardState.Kind.values()) {
            List<Callable<Written>> shardWrites = new ArrayList<>();
            byShard.forEach((shard, writes) -> {
                if (shard.kind() == kind) {
                    shardWrites.add(() -> writeShard(m, shards.get(shard), writes, versions, orders, purpose));
                }
            });
            RuntimeException failure = null;
            for (Outcome<Written> outcome : outcomes(shardWrites)) {
                if (outcome.failure() != null) {
                    failure = failure == null || outcome.failure() instanceof StoreConflictException ? outcome.failure() : failure;
                } else {
                    written.add(outcome.value());
                }
            }
            if (failure != null) {
                undo(m, written, purpose);
                throw failure;
            }
        }

        // 4. the CA
        if (caDocument.isPresent()) {
            try {
                writeCa(m, caRead, caWrites, caDocument.get(), purpose);
            } catch (RuntimeException e) {
                undo(m, written, purpose);
                throw e;
            }
        }
    }

    /** A shard as this commit wrote it: what it held before, what it holds now, and the writes that did it. */
    private record Written(Shard shard, ShardState before, ShardState mine, List<StoreWrite> writes) {
    }

    private Written writeShard(StoreDocuments.Marker m, ShardRead read, List<StoreWrite> writes, Map<String, Long> versions,
                               Map<BigInteger, Long> orders, String purpose) {
        String key = shardKey(m, read.shard());
        ShardRead current = read;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            ShardState next = current.state().applying(writes, versions, orders);
            JsonNode document = next.document();
            checkSize(key, document);
            try {
                kv.write(key, document, current.version(), purpose);
                return new Written(read.shard(), current.state(), next, writes);
            } catch (Kv.CasMismatch e) {
                conflicts.incrementAndGet();
                pause(attempt, purpose);
                current = readShard(m, read.shard(), purpose);
            }
        }
        throw giveUp(purpose);
    }

    private void writeCa(StoreDocuments.Marker m, CaRead read, List<StoreWrite> writes, JsonNode document, String purpose) {
        CaRead current = read;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (attempt > 1) {
                Optional<Authorities> now = current.document().map(d -> parsed(caKey(m), () -> d.authorities(description)));
                new StoreIndex(now, Map.of(), Map.of(), Map.of()).applying(new StoreBatch(writes, List.of()));
            }
            try {
                kv.write(caKey(m), document, current.version(), purpose);
                return;
            } catch (Kv.CasMismatch e) {
                conflicts.incrementAndGet();
                pause(attempt, purpose);
                current = readCa(m, purpose);
            }
        }
        throw giveUp(purpose);
    }

    /** Gives back, in every shard this commit wrote, the old value of each name it changed that still holds its value. */
    private void undo(StoreDocuments.Marker m, List<Written> written, String purpose) {
        for (Written shard : written) {
            for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
                ShardRead current = readShard(m, shard.shard(), purpose);
                ShardState restored = current.state().restoring(shard.before(), shard.mine(), shard.writes());
                if (restored.sameAs(current.state())) {
                    break;
                }
                try {
                    kv.write(shardKey(m, shard.shard()), restored.document(), current.version(), purpose);
                    break;
                } catch (Kv.CasMismatch e) {
                    conflicts.incrementAndGet();
                }
            }
        }
    }

    /** Writes {@code document} to {@code key} whatever version it holds (first trying {@code known}); returns the new version. */
    private long overwrite(String key, JsonNode document, long known, String purpose) {
        long cas = known;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                return kv.write(key, document, cas, purpose);
            } catch (Kv.CasMismatch e) {
                conflicts.incrementAndGet();
                cas = kv.read(key, purpose).version();
            }
        }
        throw giveUp(purpose);
    }

    private void checkSize(String key, JsonNode document) {
        int size = Kv.size(document);
        if (size > MAX_SECRET_BYTES) {
            throw S2mtlsException.badInput(client().redact(description + ": this change would make the secret " + kv.dataPath(key)
                    + " " + size + " bytes, above the " + MAX_SECRET_BYTES + " bytes this store puts in one Vault secret"
                    + " (Vault's integrated storage takes at most 1 MiB per entry); nothing was written"));
        }
    }

    /** The first of {@code count} consecutive places in the store-wide order of recording. */
    private long nextOrders(int count) {
        Instant now = Instant.now();
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        return lastOrder.updateAndGet(last -> Math.max(micros, last + 1) + Math.max(0, count - 1)) - Math.max(0, count - 1);
    }

    // ---- the audit trail ----

    private record ChunkRead(long number, StoreDocuments.AuditChunk chunk, long version, boolean exists) {
    }

    private record AuditTail(long number, StoreDocuments.AuditChunk last, long lastVersion, long head, long headVersion) {
    }

    private ChunkRead readChunk(StoreDocuments.Marker m, long number, String purpose) {
        String key = auditKey(m, Long.toString(number));
        Kv.Secret secret = kv.read(key, purpose);
        StoreDocuments.AuditChunk chunk = secret.data().map(d -> parsed(key, () -> StoreDocuments.read(d, StoreDocuments.AuditChunk.class)))
                .orElse(new StoreDocuments.AuditChunk(List.of()));
        return new ChunkRead(number, chunk, secret.version(), secret.version() > 0);
    }

    /** The last chunk: the one the head names, or a later one a writer made without moving the head yet. */
    private AuditTail auditTail(StoreDocuments.Marker m, String purpose) {
        String headKey = auditKey(m, "head");
        Kv.Secret headSecret = kv.read(headKey, purpose);
        long head = headSecret.data().map(d -> parsed(headKey, () -> StoreDocuments.read(d, StoreDocuments.AuditHead.class)).chunk())
                .orElse(0L);
        ChunkRead last = readChunk(m, head, purpose);
        while (true) {
            ChunkRead later = readChunk(m, last.number() + 1, purpose);
            if (!later.exists()) {
                break;
            }
            last = later;
        }
        return new AuditTail(last.number(), last.chunk(), last.version(), head, headSecret.version());
    }

    private void append(StoreDocuments.Marker m, List<AuditEvent> events, String purpose) {
        List<AuditRecord> pending = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (AuditEvent event : events) {
            AuditRecord record = AuditRecord.of(event);
            pending.add(record);
            sizes.add(Kv.size(StoreDocuments.tree(record)) + 1);
        }
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > MAX_ATTEMPTS) {
                throw giveUp(purpose);
            }
            AuditTail tail = auditTail(m, purpose);
            long number = tail.number();
            List<AuditRecord> chunk = new ArrayList<>(tail.last().events());
            long cas = tail.lastVersion();
            try {
                while (!pending.isEmpty()) {
                    long size = Kv.size(StoreDocuments.tree(new StoreDocuments.AuditChunk(chunk)));
                    int take = 0;
                    while (take < pending.size() && (chunk.isEmpty() || size + sizes.get(take) <= AUDIT_CHUNK_BYTES)) {
                        chunk.add(pending.get(take));
                        size += sizes.get(take);
                        take++;
                    }
                    if (take > 0) {
                        kv.write(auditKey(m, Long.toString(number)), StoreDocuments.tree(new StoreDocuments.AuditChunk(chunk)), cas, purpose);
                        pending.subList(0, take).clear();
                        sizes.subList(0, take).clear();
                    }
                    if (!pending.isEmpty()) {
                        number++;
                        chunk = new ArrayList<>();
                        cas = 0;
                    }
                }
            } catch (Kv.CasMismatch e) {
                conflicts.incrementAndGet();
                pause(attempt, purpose);
                continue;
            }
            moveHead(m, tail, number, purpose);
        }
    }

    /** Points the head at {@code number} when it names an earlier chunk; a writer that moved it further wins. */
    private void moveHead(StoreDocuments.Marker m, AuditTail tail, long number, String purpose) {
        if (number <= tail.head()) {
            return;
        }
        try {
            kv.write(auditKey(m, "head"), StoreDocuments.tree(new StoreDocuments.AuditHead(number)), tail.headVersion(), purpose);
        } catch (Kv.CasMismatch e) {
            // another writer moved the head; readers find later chunks from wherever it points
            conflicts.incrementAndGet();
        }
    }

    // ---- converting a single-secret store ----

    /** Converts {@code legacy} to a new generation and returns its marker, or null when the old document changed meanwhile. */
    private StoreDocuments.Marker convert(Legacy legacy, String purpose) {
        StoreDocuments.Marker m = newMarker();
        LegacyStore old = legacy.store();
        List<Credential> credentials = legacy(old::credentials);
        Optional<CaMaterial> authority = legacy(old::authority);
        List<InventoryEntry> inventory = legacy(old::inventory);
        Map<String, ManagedUser> users = legacy(old::managedUsers);
        List<AuditEvent> audit = legacy(old::audit);

        List<Callable<Map.Entry<String, Long>>> credentialWrites = new ArrayList<>();
        for (Credential credential : credentials) {
            JsonNode document = StoreDocuments.tree(StoreDocuments.CredentialDocument.of(credential));
            credentialWrites.add(() -> Map.entry(credential.name(), kv.write(credentialKey(m, credential.name()), document, 0, purpose)));
        }
        Map<String, Long> versions = new HashMap<>();
        all(credentialWrites).forEach(e -> versions.put(e.getKey(), e.getValue()));

        Map<Shard, Map<String, StoreDocuments.ShardCredential>> names = new TreeMap<>();
        Map<Shard, Map<BigInteger, StoreDocuments.ShardEntry>> entries = new TreeMap<>();
        Map<Shard, Map<String, ManagedUser>> members = new TreeMap<>();
        for (Credential credential : credentials) {
            names.computeIfAbsent(nameShard(m, credential.name()), s -> new LinkedHashMap<>())
                    .put(credential.name(), new StoreDocuments.ShardCredential(io.s2mtls.adapters.records.CredentialRecord.of(
                            new StoredCredential(credential.name(), credential.certificate().getSerialNumber(), credential.privateKey().isPresent())),
                            versions.get(credential.name())));
        }
        for (int i = 0; i < inventory.size(); i++) {
            InventoryEntry entry = inventory.get(i);
            entries.computeIfAbsent(entryShard(m, entry.serial()), s -> new LinkedHashMap<>())
                    .put(entry.serial(), new StoreDocuments.ShardEntry(i + 1, io.s2mtls.adapters.records.EntryRecord.of(entry)));
        }
        users.forEach((key, user) -> members.computeIfAbsent(userShard(m, key), s -> new LinkedHashMap<>()).put(key, user));
        List<Callable<Long>> writes = new ArrayList<>();
        Map<Shard, ShardState> states = new TreeMap<>();
        names.forEach((shard, content) -> states.put(shard, ShardState.names(content)));
        entries.forEach((shard, content) -> states.put(shard, ShardState.entries(content)));
        members.forEach((shard, content) -> states.put(shard, ShardState.users(content)));
        states.forEach((shard, state) -> writes.add(() -> kv.write(shardKey(m, shard), state.document(), 0, purpose)));
        authority.ifPresent(ca -> writes.add(() -> kv.write(caKey(m), StoreDocuments.tree(StoreDocuments.CaDocument.of(ca)), 0, purpose)));
        all(writes);
        append(m, audit, purpose);
        afterConversionWrites.run();
        try {
            kv.write(secretPath, StoreDocuments.tree(m), legacy.version(), purpose);
            return m;
        } catch (Kv.CasMismatch e) {
            conflicts.incrementAndGet();
            return null;
        }
    }

    // ---- helpers ----

    private <T> T legacy(Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException | S2mtlsException e) {
            throw notAStore("it is damaged (" + e.getMessage() + ")", e);
        }
    }

    private <T> T parsed(String key, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException | S2mtlsException e) {
            throw damaged(key, e.getMessage(), e);
        }
    }

    private S2mtlsException damaged(String key, String why, Throwable cause) {
        return S2mtlsException.badInput(client().redact(description + ": the secret " + kv.dataPath(key)
                + " is not part of an s2mtls store: it is damaged (" + why + ")"), cause);
    }

    private S2mtlsException notAStore(String why, Throwable cause) {
        return S2mtlsException.badInput(client().redact(description + ": the secret " + mount + "/data/" + secretPath
                + " is not an s2mtls store: " + why), cause);
    }

    private S2mtlsException giveUp(String purpose) {
        return client().failure(purpose, "gave up after " + MAX_ATTEMPTS
                + " attempts: other writers changed the same secrets each time (check-and-set conflicts)", null);
    }

    private static void pause(int attempt, String purpose) {
        long ceiling = Math.min(200, 5L << Math.min(attempt, 6));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling / 4, ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw S2mtlsException.external(purpose + ": interrupted", e);
        }
    }

    private synchronized VaultClient client() {
        if (client == null) {
            client = clientSupplier.get();
        }
        return client;
    }

    private synchronized ExecutorService pool() {
        if (pool == null) {
            pool = Executors.newFixedThreadPool(THREADS, runnable -> {
                Thread thread = new Thread(runnable, "s2mtls-vault");
                thread.setDaemon(true);
                return thread;
            });
        }
        return pool;
    }

    /** The result of one task, or its failure. */
    private record Outcome<T>(T value, RuntimeException failure) {
    }

    /** Runs the tasks, 8 at a time, and returns each one's result or failure, in order. */
    private <T> List<Outcome<T>> outcomes(List<? extends Callable<T>> tasks) {
        if (tasks.size() == 1) {
            try {
                return List.of(new Outcome<>(tasks.get(0).call(), null));
            } catch (RuntimeException e) {
                return List.of(new Outcome<>(null, e));
            } catch (Exception e) {
                return List.of(new Outcome<>(null, S2mtlsException.internal(description + ": " + e.getMessage(), e)));
            }
        }
        List<Future<T>> futures = new ArrayList<>();
        ExecutorService executor = pool();
        tasks.forEach(task -> futures.add(executor.submit(task)));
        List<Outcome<T>> outcomes = new ArrayList<>();
        for (Future<T> future : futures) {
            try {
                outcomes.add(new Outcome<>(future.get(), null));
            } catch (ExecutionException e) {
                outcomes.add(new Outcome<>(null, e.getCause() instanceof RuntimeException r ? r
                        : S2mtlsException.internal(description + ": " + e.getCause(), e.getCause())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(f -> f.cancel(true));
                throw S2mtlsException.external(description + ": interrupted", e);
            }
        }
        return outcomes;
    }

    /** Runs the tasks, 8 at a time, and returns their results in order; the first failure is thrown. */
    @SuppressWarnings("unchecked")
    private <T> List<T> all(List<? extends Callable<? extends T>> tasks) {
        List<T> results = new ArrayList<>();
        for (Outcome<?> outcome : outcomes((List<Callable<Object>>) (List<?>) tasks)) {
            if (outcome.failure() != null) {
                throw outcome.failure();
            }
            results.add((T) outcome.value());
        }
        return results;
    }
}
