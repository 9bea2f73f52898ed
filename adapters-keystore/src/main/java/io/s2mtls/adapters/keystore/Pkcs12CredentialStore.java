package io.s2mtls.adapters.keystore;

import io.s2mtls.adapters.files.AtomicFiles;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.port.StoredCredential;
import io.s2mtls.core.x509.Pkcs12Builder;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * A credential store in one PKCS12 file (format: {@link StoreFile}) with its audit trail in the sidecar
 * {@code PATH.audit} ({@link AuditTrail}).
 *
 * <p>Granular: {@link #index()} decrypts the index item of the file and the CAs' certificates, never a
 * private key; {@link #authority()} decrypts the issuing CA's key only, {@link #authorities()} every CA's key and no
 * credential's; {@link #credential} decrypts that credential's item and key only; {@link #commit} re-encrypts
 * the index and the items the batch writes, and copies every other item as the bytes it was stored as.
 * Every item of a file shares one PBKDF2 salt and the file keeps its MAC salt, so a process derives each
 * key from the password once (the derived keys live in memory until {@link #close()}, never on disk).
 * Only {@link #changePassword} re-encrypts everything, under fresh salts.
 *
 * <p>Reads take no lock: every write replaces the file with one {@code rename(2)}, so a reader sees the
 * old file or the new one. Writes are serialised by an in-JVM lock per file plus an exclusive
 * {@link FileChannel#lock()} on the sidecar {@code PATH.lock} (left in place: deleting a lock file races
 * with the next locker), and check the batch against the content re-read under that lock. The new file
 * is written by {@link AtomicFiles} (0600 temporary file, fsync, atomic rename, directory fsync);
 * temporary files that a killed writer left behind are removed by the next writer, under the lock. A
 * write that would make the file larger than the size limit is refused before anything is written.
 *
 * <p>The sidecars must be regular files: a FIFO, device or directory at the audit trail's or the lock file's
 * path, or a symbolic link at the audit trail's, is refused with {@code BAD_INPUT} before it is opened (opening a
 * FIFO would block), and before anything is written.
 *
 * <p>Audit: a commit's events are appended to the sidecar (and fsync'ed) under the same lock, after the
 * store's rename. A crash between the two leaves the change stored without its audit events; never the
 * other way round (an event describing a change that was not stored). A file of the previous format
 * (version 1, audit inside the file) is read as it is and upgraded on its next write: its in-file trail
 * is first written to the sidecar (replacing any left by an earlier interrupted upgrade), then the
 * upgraded store is renamed into place.
 *
 * <p>The password is asked for on the first read of an existing file or the first write, and kept (with
 * the keys derived from it) until {@link #close()}. The content last read is kept with the identity of the
 * file it came from (file key, modification time, size): since every write renames a new file into
 * place, reading the same file again (one credential after another) reuses it instead of parsing and
 * verifying the file again; any write, by any process, makes the next read load the new file.
 */
final class Pkcs12CredentialStore implements CredentialStore {
    private static final ConcurrentHashMap<Path, ReentrantLock> WRITE_LOCKS = new ConcurrentHashMap<>();
    /** About 1.2 KB per EC credential with its inventory entry: room for a hundred thousand, and no reading a disk image into memory. */
    static final long MAX_FILE_BYTES = 256L << 20;

    private final String description;
    private final Path path;
    private final io.s2mtls.core.spi.PluginContext context;
    private final long maxFileBytes;
    private PasswordKeys keys;

    Pkcs12CredentialStore(String description, Path path, io.s2mtls.core.spi.PluginContext context) {
        this(description, path, context, MAX_FILE_BYTES);
    }

    /** With a size limit of {@code maxFileBytes} (tests use a small one). */
    Pkcs12CredentialStore(String description, Path path, io.s2mtls.core.spi.PluginContext context, long maxFileBytes) {
        this.description = requireNonNull(description, "description is null");
        this.path = requireNonNull(path, "path is null").toAbsolutePath().normalize();
        this.context = requireNonNull(context, "context is null");
        this.maxFileBytes = maxFileBytes;
    }

    @Override
    public String describe() {
        return description;
    }

    // ---------------------------------------------------------------- the content of one file

    /** What a read of the file found: a version-2 file, a version-1 file, or no file. */
    private record Content(Optional<StoreFile> file, Optional<Pkcs12Format.Version1> version1) {
        static final Content MISSING = new Content(Optional.empty(), Optional.empty());
    }

    /** Which file a loaded content came from: every write renames a new file into place, so this changes with each. */
    private record Identity(Path file, Object fileKey, long modifiedNanos, long size) {
        static Optional<Identity> of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                if (attributes.fileKey() == null) {
                    return Optional.empty();
                }
                return Optional.of(new Identity(file, attributes.fileKey(),
                        attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), attributes.size()));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }

    /** The content last loaded and the file it came from: reading one credential after another parses the file once. */
    private Identity loadedFrom;
    private Content loaded;

    private Content load(Path file) {
        Optional<Identity> identity = Identity.of(file);
        synchronized (this) {
            if (identity.isPresent() && identity.get().equals(loadedFrom) && keys != null) {
                return loaded;
            }
        }
        byte[] bytes = readIfPresent(file);
        if (bytes == null) {
            return Content.MISSING;
        }
        PasswordKeys passwordKeys = passwordKeys();
        try {
            Pkcs12Format.Opened opened = Pkcs12Format.open(bytes, passwordKeys);
            Content content;
            if (StoreFile.isVersion1(opened.authenticatedSafe())) {
                content = new Content(Optional.empty(), Optional.of(Pkcs12Format.decodeVersion1(opened.authenticatedSafe(), passwordKeys)));
            } else {
                content = new Content(Optional.of(StoreFile.read(opened, passwordKeys)), Optional.empty());
            }
            // the attributes read before the bytes: if the file was replaced in between, the next load reads again
            synchronized (this) {
                loadedFrom = identity.filter(i -> i.size() == bytes.length).orElse(null);
                loaded = content;
            }
            return content;
        } catch (Pkcs12Format.WrongPasswordException e) {
            throw wrongPassword();
        } catch (Pkcs12Format.UnreadableException e) {
            throw unreadable(e);
        }
    }

    private StoreIndex indexOf(Content content) {
        try {
            if (content.file().isPresent()) {
                return content.file().get().index(passwordKeys());
            }
            return content.version1().map(Pkcs12CredentialStore::indexOf).orElse(StoreIndex.empty());
        } catch (Pkcs12Format.WrongPasswordException e) {
            throw wrongPassword();
        } catch (Pkcs12Format.UnreadableException e) {
            throw unreadable(e);
        }
    }

    private static StoreIndex indexOf(Pkcs12Format.Version1 snapshot) {
        Map<String, StoredCredential> credentials = new LinkedHashMap<>();
        snapshot.credentials().forEach((name, c) -> credentials.put(name,
                new StoredCredential(name, c.certificate().getSerialNumber(), c.privateKey().isPresent())));
        Map<BigInteger, InventoryEntry> entries = new LinkedHashMap<>();
        snapshot.inventory().forEach(e -> entries.put(e.serial(), e));
        return new StoreIndex(snapshot.authority().map(CaCertificates::of).map(io.s2mtls.core.pki.Authorities::single), credentials, entries, snapshot.managedUsers());
    }

    @Override
    public StoreIndex index() {
        return indexOf(load(storeFile()));
    }

    @Override
    public Optional<CaMaterial> authority() {
        Content content = load(storeFile());
        try {
            if (content.file().isPresent()) {
                return content.file().get().authority(passwordKeys());
            }
            return content.version1().flatMap(Pkcs12Format.Version1::authority);
        } catch (Pkcs12Format.WrongPasswordException e) {
            throw wrongPassword();
        } catch (Pkcs12Format.UnreadableException e) {
            throw unreadable(e);
        }
    }

    /** Every CA with its key: decrypts the CAs' items and keys, and no credential's. */
    @Override
    public Optional<AuthoritySet> authorities() {
        Content content = load(storeFile());
        try {
            if (content.file().isPresent()) {
                return content.file().get().authorities(passwordKeys());
            }
            return content.version1().flatMap(Pkcs12Format.Version1::authority).map(AuthoritySet::single);
        } catch (Pkcs12Format.WrongPasswordException e) {
            throw wrongPassword();
        } catch (Pkcs12Format.UnreadableException e) {
            throw unreadable(e);
        }
    }

    @Override
    public Optional<Credential> credential(String name) {
        requireNonNull(name, "name is null");
        Content content = load(storeFile());
        try {
            if (content.file().isPresent()) {
                return content.file().get().credential(name, passwordKeys());
            }
            return content.version1().flatMap(s -> s.credential(name));
        } catch (Pkcs12Format.WrongPasswordException e) {
            throw wrongPassword();
        } catch (Pkcs12Format.UnreadableException e) {
            throw unreadable(e);
        }
    }

    @Override
    public List<AuditEvent> recentAudit(int limit) {
        Path file = storeFile();
        if (limit <= 0) {
            return List.of();
        }
        Content content = load(file);
        if (content.file().isEmpty() && content.version1().isEmpty()) {
            return List.of();
        }
        if (content.version1().isPresent()) {
            List<AuditEvent> audit = content.version1().get().audit();
            return List.copyOf(audit.subList(Math.max(0, audit.size() - limit), audit.size()));
        }
        Path trail = AuditTrail.of(file);
        try {
            return AuditTrail.recent(trail, content.file().orElseThrow().auditKey(), limit);
        } catch (Pkcs12Format.UnreadableException e) {
            throw unreadable(e);
        } catch (IOException e) {
            throw ioFailure(trail, "read", e);
        }
    }

    // ---------------------------------------------------------------- writing

    @Override
    public void commit(StoreBatch batch) {
        requireNonNull(batch, "batch is null");
        underLock(file -> {
            Content current = load(file);
            StoreIndex next = indexOf(current).applying(batch); // throws StoreConflictException: nothing written
            if (batch.isEmpty() && current.file().isEmpty() && current.version1().isEmpty()) {
                return;
            }
            byte[] auditKey = auditKeyOf(current);
            byte[] lines = AuditTrail.lines(auditKey, batch.audit());
            requireUsableTrail(file); // before the store is written: a commit whose events cannot be recorded writes nothing
            if (batch.writes().isEmpty() && current.file().isPresent()) {
                appendAudit(file, lines);
                return;
            }
            write(file, current, next, batch, passwordKeys(), auditKey, false);
            appendAudit(file, lines);
        });
    }

    /**
     * Re-encrypts the whole store under {@code newPassword} with fresh salts, in one write under the store lock.
     * The file is read with the current password first: a wrong one leaves it untouched. Afterwards this
     * store uses the new password; any other process still holding the old one gets "wrong store password"
     * on its next read or write, since every write re-reads the file under the lock. The audit trail keeps
     * its key (it lives inside the store, now encrypted under the new password), so its lines stay verifiable.
     */
    @Override
    public void changePassword(char[] newPassword, List<AuditEvent> events) {
        requireNonNull(newPassword, "newPassword is null");
        requireNonNull(events, "events is null");
        if (newPassword.length == 0) {
            throw S2mtlsException.badInput(description + ": the new store password is empty; an empty password protects nothing");
        }
        PasswordKeys next = new PasswordKeys(newPassword.clone());
        boolean committed = false;
        try {
            underLock(file -> {
                Content current = load(file);
                if (current.file().isEmpty() && current.version1().isEmpty()) {
                    throw S2mtlsException.badInput(description + ": there is no store file " + file + " whose password could be changed");
                }
                byte[] auditKey = auditKeyOf(current);
                byte[] lines = AuditTrail.lines(auditKey, events);
                requireUsableTrail(file);
                write(file, current, indexOf(current), StoreBatch.of(List.of(), List.of()), next, auditKey, true);
                appendAudit(file, lines);
            });
            committed = true;
            synchronized (this) {
                if (keys != null) {
                    keys.destroy();
                }
                keys = next;
            }
        } finally {
            if (!committed) {
                next.destroy();
            }
        }
    }

    /** The audit key of the stored file, or a new one for a file that has none yet. */
    private byte[] auditKeyOf(Content current) {
        try {
            return current.file().isPresent() ? current.file().get().auditKey() : AuditTrail.newKey();
        } catch (Pkcs12Format.UnreadableException e) {
            throw unreadable(e);
        }
    }

    /**
     * Writes {@code next} (the index after {@code batch}) under {@code writeKeys}: items the batch does not
     * touch are copied as stored, unless {@code everything} (a password change) or the file is of version 1
     * or was encrypted with other parameters, when every item is re-encrypted under a fresh salt.
     */
    private void write(Path file, Content current, StoreIndex next, StoreBatch batch, PasswordKeys writeKeys,
                       byte[] auditKey, boolean everything) throws IOException {
        Optional<StoreFile> stored = current.file();
        boolean reencrypt = everything || stored.isEmpty() || !sameParameters(stored.get());
        byte[] salt = reencrypt ? Pkcs12Builder.newSalt() : stored.get().salt;
        byte[] macSalt = stored.isPresent() && !everything && stored.get().macIterations == Pkcs12Builder.MAC_ITERATIONS
                ? stored.get().macSalt : Pkcs12Builder.newSalt();
        byte[] aesKey = writeKeys.pbkdf2Sha256(salt, Pkcs12Builder.PBKDF2_ITERATIONS);
        byte[] encoded;
        try {
            // what the batch writes, by name
            Optional<AuthoritySet> newAuthorities = Optional.empty();
            Map<String, Optional<Credential>> written = new HashMap<>();
            for (StoreWrite write : batch.writes()) {
                if (write instanceof StoreWrite.SetAuthority set) {
                    newAuthorities = Optional.of(set.authorities());
                } else if (write instanceof StoreWrite.PutCredential put) {
                    written.put(put.credential().name(), Optional.of(put.credential()));
                } else if (write instanceof StoreWrite.RemoveCredential remove) {
                    written.put(remove.name(), Optional.empty());
                }
            }
            List<byte[]> items = new ArrayList<>(5 + next.credentials().size());
            items.add(StoreFile.indexItem(next, auditKey, aesKey, salt));
            if (next.authority().isPresent()) {
                if (newAuthorities.isPresent()) {
                    items.addAll(StoreFile.authorityItems(newAuthorities.get(), aesKey, salt));
                } else if (!reencrypt) {
                    items.addAll(stored.get().authorityItems()); // the CAs' items as stored: no key decrypted
                } else {
                    items.addAll(StoreFile.authorityItems(currentAuthorities(current), aesKey, salt));
                }
            }
            for (String name : next.credentials().keySet()) {
                Optional<Credential> put = written.getOrDefault(name, Optional.empty());
                if (put.isPresent()) {
                    items.add(StoreFile.credentialItem(put.get(), aesKey, salt));
                } else if (!reencrypt) {
                    items.add(stored.get().credentialItem(name).orElseThrow());
                } else {
                    items.add(StoreFile.credentialItem(currentCredential(current, name), aesKey, salt));
                }
            }
            byte[] macKey = writeKeys.pkcs12MacKeySha256(macSalt, Pkcs12Builder.MAC_ITERATIONS);
            try {
                encoded = Pkcs12Builder.pfx(items, macKey, macSalt, Pkcs12Builder.MAC_ITERATIONS);
            } finally {
                Arrays.fill(macKey, (byte) 0);
            }
        } catch (IllegalArgumentException e) {
            throw S2mtlsException.badInput(description + ": " + e.getMessage());
        } finally {
            Arrays.fill(aesKey, (byte) 0);
        }
        if (encoded.length > maxFileBytes) {
            throw S2mtlsException.badInput(description + ": this change would make the store " + encoded.length
                    + " bytes long, over the PKCS12 store size limit of " + maxFileBytes
                    + " bytes; nothing was written (remove credentials that are no longer used, or split the store)");
        }
        AtomicFiles.removeTemporaryFiles(file);
        if (current.version1().isPresent()) {
            // the in-file trail moves to the sidecar before the upgraded store replaces the old one
            AuditTrail.replace(AuditTrail.of(file), auditKey, current.version1().get().audit());
        }
        replace(file, encoded);
    }

    private static boolean sameParameters(StoreFile stored) {
        return stored.salt.length >= Pkcs12Builder.SALT_BYTES && stored.macIterations == Pkcs12Builder.MAC_ITERATIONS;
    }

    private AuthoritySet currentAuthorities(Content current) {
        try {
            return current.file().isPresent() ? current.file().get().authorities(passwordKeys()).orElseThrow()
                    : AuthoritySet.single(current.version1().orElseThrow().authority().orElseThrow());
        } catch (Pkcs12Format.WrongPasswordException e) {
            throw wrongPassword();
        } catch (Pkcs12Format.UnreadableException e) {
            throw unreadable(e);
        }
    }

    private Credential currentCredential(Content current, String name) {
        try {
            return (current.file().isPresent() ? current.file().get().credential(name, passwordKeys())
                    : current.version1().orElseThrow().credential(name)).orElseThrow();
        } catch (Pkcs12Format.WrongPasswordException e) {
            throw wrongPassword();
        } catch (Pkcs12Format.UnreadableException e) {
            throw unreadable(e);
        }
    }

    private void requireUsableTrail(Path file) {
        Path trail = AuditTrail.of(file);
        try {
            AuditTrail.requireRegularFileOrAbsent(trail);
        } catch (IOException e) {
            throw ioFailure(trail, "check", e);
        }
    }

    private void appendAudit(Path file, byte[] lines) {
        Path trail = AuditTrail.of(file);
        try {
            AuditTrail.append(trail, lines);
        } catch (IOException e) {
            throw ioFailure(trail, "append to", e);
        }
    }

    @Override
    public synchronized void close() {
        if (keys != null) {
            keys.destroy();
            keys = null;
        }
        loadedFrom = null;
        loaded = null;
    }

    // ---------------------------------------------------------------- lock and files

    /** Work on the store file while holding the in-process lock and the file lock. */
    private interface LockedWork {
        void run(Path file) throws IOException;
    }

    /**
     * Runs {@code work} under the in-process lock and an exclusive lock on the lock file. The store password
     * is asked for before the lock is taken: a prompt must not hold other writers up.
     */
    private void underLock(LockedWork work) {
        Path file = storeFile();
        passwordKeys();
        ReentrantLock inProcess = WRITE_LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
        inProcess.lock();
        try (FileChannel lockChannel = openLockFile(file); FileLock ignored = lockChannel.lock()) {
            work.run(file);
        } catch (ClosedByInterruptException e) {
            throw S2mtlsException.internal(description + ": interrupted while waiting for the store lock", e);
        } catch (IOException e) {
            throw ioFailure(lockFile(file), "lock", e);
        } finally {
            inProcess.unlock();
        }
    }

    /** The store file, with a symbolic link followed so a write replaces its target, not the link. */
    private Path storeFile() {
        Path parent = path.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw S2mtlsException.badInput(description + ": the directory " + parent
                    + (parent != null && Files.exists(parent) ? " is not a directory" : " does not exist; create it first"));
        }
        try {
            Path directory = parent.toRealPath();
            Path file = directory.resolve(path.getFileName());
            return Files.isSymbolicLink(file) ? file.toRealPath() : file;
        } catch (NoSuchFileException e) {
            throw S2mtlsException.badInput(description + ": " + path + " is a symbolic link to a missing file");
        } catch (IOException e) {
            throw ioFailure(parent, "resolve", e);
        }
    }

    private byte[] readIfPresent(Path file) {
        try {
            if (Files.exists(file) && !Files.isRegularFile(file) && !Files.isDirectory(file)) {
                // a device or a FIFO: never opened (a FIFO would block, /dev/zero never ends)
                throw S2mtlsException.badInput(description + ": " + file + " is not a regular file (a device, FIFO or socket)");
            }
            long size = Files.size(file);
            if (size > maxFileBytes) {
                throw S2mtlsException.badInput(description + ": not a readable PKCS12 store (it is " + size
                        + " bytes long, over the store size limit of " + maxFileBytes + " bytes)");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (Files.isDirectory(file)) {
                throw S2mtlsException.badInput(description + ": " + file + " is a directory, not a PKCS12 file");
            }
            throw ioFailure(file, "read", e);
        }
    }

    private static Path lockFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".lock");
    }

    private FileChannel openLockFile(Path file) throws IOException {
        Path lock = lockFile(file);
        try {
            BasicFileAttributes attributes = Files.readAttributes(lock, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                // opening a FIFO for writing would block until a reader came
                throw S2mtlsException.badInput(description + ": the lock file " + lock + " is "
                        + (attributes.isDirectory() ? "a directory" : "a device, FIFO or socket")
                        + ", not a regular file, so s2mtls does not open it; remove it (the next write creates it again)");
            }
        } catch (NoSuchFileException e) {
            // the first write creates it
        }
        try {
            return FileChannel.open(lock, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), AtomicFiles.ownerOnly(lock));
        } catch (IOException e) {
            throw ioFailure(lock, "open the lock file", e);
        }
    }

    private void replace(Path file, byte[] content) {
        try {
            AtomicFiles.write(file, content);
        } catch (AtomicMoveNotSupportedException e) {
            throw S2mtlsException.badInput(description + ": the file system of " + file.getParent()
                    + " cannot replace files atomically; keep the store on a local file system");
        } catch (IOException e) {
            throw ioFailure(file.getParent(), "write", e);
        }
    }

    private S2mtlsException ioFailure(Path file, String action, IOException e) {
        if (e instanceof AuditTrail.NotARegularFileException) {
            return S2mtlsException.badInput(description + ": " + e.getMessage());
        }
        if (e instanceof AccessDeniedException) {
            return S2mtlsException.badInput(description + ": permission denied: cannot " + action + " " + file);
        }
        String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.getMessage();
        if (e instanceof FileSystemException && reason != null && reason.contains("Read-only file system")) {
            return S2mtlsException.badInput(description + ": cannot " + action + " " + file + ": read-only file system");
        }
        return S2mtlsException.external(description + ": cannot " + action + " " + file + ": " + reason, e);
    }

    // ---------------------------------------------------------------- password

    private S2mtlsException wrongPassword() {
        forgetPassword();
        return S2mtlsException.badInput(description + ": wrong store password (check --store-password-file or S2MTLS_STORE_PASSWORD)");
    }

    private S2mtlsException unreadable(Pkcs12Format.UnreadableException e) {
        return S2mtlsException.badInput(description + ": not a readable PKCS12 store (" + e.getMessage() + ")");
    }

    private synchronized PasswordKeys passwordKeys() {
        if (keys == null) {
            char[] password = context.storePassword();
            if (password == null || password.length == 0) {
                throw S2mtlsException.badInput(description + ": the store password is empty; an empty password protects nothing");
            }
            keys = new PasswordKeys(password);
        }
        return keys;
    }

    private synchronized void forgetPassword() {
        close();
    }
}
