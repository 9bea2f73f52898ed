package io.s2mtls.cli.plugin;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreChange;
import io.s2mtls.core.port.StoreSnapshot;
import io.s2mtls.core.spi.PluginContext;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * A {@link CredentialStore} kept in this JVM's memory, protected by the store password like a file store.
 * How it meets the port's contract:
 * <ul>
 *   <li>atomic: a change is applied to the committed snapshot and the result replaces it in one
 *       assignment; if the change throws, nothing is assigned;</li>
 *   <li>serialised: all reads and updates of one location hold that location's lock, and every change is
 *       applied to the latest snapshot, so concurrent updates lose nothing (a remote store would use a
 *       lock or a compare-and-set loop instead, re-applying the change after a conflict);</li>
 *   <li>credentials: the first write sets the password (only a salted PBKDF2 hash is kept); later opens
 *       with another password fail with BAD_INPUT "wrong store password", one line, naming the store and
 *       never the password.</li>
 * </ul>
 */
final class MemoryCredentialStore extends io.s2mtls.core.port.WholeSnapshotStore {
    private static final Map<String, Slot> SLOTS = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What one location holds. Guarded by its own monitor. */
    private static final class Slot {
        StoreSnapshot snapshot = StoreSnapshot.empty();
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
    protected StoreSnapshot readSnapshot() {
        synchronized (slot) {
            if (slot.passwordHash == null) {
                return StoreSnapshot.empty();   // nothing stored yet: no password needed to see that
            }
            checkPassword();
            return slot.snapshot;
        }
    }

    @Override
    protected StoreSnapshot updateSnapshot(StoreChange change) {
        requireNonNull(change, "change is null");
        synchronized (slot) {
            checkPassword();
            StoreSnapshot next = requireNonNull(change.applyTo(slot.snapshot), "the change returned null");
            slot.snapshot = next;
            return next;
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
