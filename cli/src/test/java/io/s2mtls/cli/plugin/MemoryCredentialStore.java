package io.s2mtls.cli.plugin;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.spi.PluginContext;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * A {@link CredentialStore} kept in this JVM's memory, protected by the store password like a file store.
 * How it meets the port's contract:
 * <ul>
 *   <li>granular: the index (no keys), the CA and each credential are kept apart, so reading the index
 *       or one credential touches nothing else (a remote store keeps one record per entry the same way);</li>
 *   <li>compare-and-set: a batch is checked against the latest index ({@link StoreIndex#applying}) and
 *       written only when every expectation holds; otherwise it throws and nothing is written;</li>
 *   <li>serialised: all reads and commits of one location hold that location's lock, so concurrent
 *       commits lose nothing (a remote store uses per-entry compare-and-set instead);</li>
 *   <li>append-only audit: a commit appends its events, and {@link #recentAudit} reads only the tail;</li>
 *   <li>credentials: the first write sets the password (only a salted PBKDF2 hash is kept); later opens
 *       with another password fail with BAD_INPUT "wrong store password", one line, naming the store and
 *       never the password.</li>
 * </ul>
 */
final class MemoryCredentialStore implements CredentialStore {
    private static final Map<String, Slot> SLOTS = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What one location holds. Guarded by its own monitor. */
    private static final class Slot {
        StoreIndex index = StoreIndex.empty();
        Optional<AuthoritySet> authorities = Optional.empty();
        final Map<String, Credential> credentials = new HashMap<>();
        final List<AuditEvent> audit = new ArrayList<>();
        byte[] salt;
        byte[] passwordHash;
    }

    private final String description;
    private final Slot slot;
    private final PluginContext context;
    private boolean passwordChecked;

    MemoryCredentialStore(String description, String name, PluginContext context) {
        this.description = requireNonNull(description, "description is null");
        this.slot = SLOTS.computeIfAbsent(requireNonNull(name, "name is null"), n -> new Slot());
        this.context = requireNonNull(context, "context is null");
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public StoreIndex index() {
        synchronized (slot) {
            if (slot.passwordHash == null) {
                return StoreIndex.empty();   // nothing stored yet: no password needed to see that
            }
            checkPassword();
            return slot.index;
        }
    }

    @Override
    public Optional<CaMaterial> authority() {
        synchronized (slot) {
            if (slot.passwordHash == null) {
                return Optional.empty();
            }
            checkPassword();
            return slot.authorities.map(AuthoritySet::issuing);
        }
    }

    @Override
    public Optional<AuthoritySet> authorities() {
        synchronized (slot) {
            if (slot.passwordHash == null) {
                return Optional.empty();
            }
            checkPassword();
            return slot.authorities;
        }
    }

    @Override
    public Optional<Credential> credential(String name) {
        synchronized (slot) {
            if (slot.passwordHash == null) {
                return Optional.empty();
            }
            checkPassword();
            return Optional.ofNullable(slot.credentials.get(name));
        }
    }

    @Override
    public void commit(StoreBatch batch) {
        requireNonNull(batch, "batch is null");
        synchronized (slot) {
            checkPassword();
            StoreIndex next = slot.index.applying(batch);   // checks every expectation first; throws before any write
            for (StoreWrite write : batch.writes()) {
                if (write instanceof StoreWrite.SetAuthority set) {
                    slot.authorities = Optional.of(set.authorities());
                } else if (write instanceof StoreWrite.PutCredential put) {
                    slot.credentials.put(put.credential().name(), put.credential());
                } else if (write instanceof StoreWrite.RemoveCredential remove) {
                    slot.credentials.remove(remove.name());
                }
            }
            slot.index = next;
            slot.audit.addAll(batch.audit());
        }
    }

    @Override
    public List<AuditEvent> recentAudit(int limit) {
        synchronized (slot) {
            if (slot.passwordHash == null) {
                return List.of();
            }
            checkPassword();
            int from = Math.max(0, slot.audit.size() - Math.max(0, limit));
            return List.copyOf(slot.audit.subList(from, slot.audit.size()));
        }
    }

    @Override
    public void changePassword(char[] newPassword, List<AuditEvent> events) {
        requireNonNull(newPassword, "newPassword is null");
        synchronized (slot) {
            checkPassword();
            slot.salt = new byte[16];
            RANDOM.nextBytes(slot.salt);
            slot.passwordHash = hash(newPassword, slot.salt);
            slot.audit.addAll(events);
        }
    }

    /** Asks the host for the password once per opened store; the first write of a new store sets it. */
    private void checkPassword() {
        if (passwordChecked) {
            return;
        }
        char[] password = context.storePassword();
        try {
            if (slot.passwordHash == null) {
                slot.salt = new byte[16];
                RANDOM.nextBytes(slot.salt);
                slot.passwordHash = hash(password, slot.salt);
            } else if (!MessageDigest.isEqual(slot.passwordHash, hash(password, slot.salt))) {
                throw S2mtlsException.badInput(description + ": wrong store password"
                        + " (check --store-password-file or S2MTLS_STORE_PASSWORD)");
            }
            passwordChecked = true;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static byte[] hash(char[] password, byte[] salt) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, 10_000, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw S2mtlsException.internal("PBKDF2WithHmacSHA256 is not available: " + e.getMessage(), e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public void close() {
        // nothing to release; a remote store closes its connections here
    }
}
