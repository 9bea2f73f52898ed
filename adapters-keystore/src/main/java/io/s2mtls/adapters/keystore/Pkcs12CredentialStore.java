package io.s2mtls.adapters.keystore;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreChange;
import io.s2mtls.core.port.StoreSnapshot;
import io.s2mtls.core.spi.PluginContext;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * A credential store in one PKCS12 file (format: {@link Pkcs12Format}).
 *
 * <p>Reads take no lock: every write replaces the file with one {@code rename(2)}, so a reader sees
 * the old file or the new one. Writes are serialised by an in-JVM lock per file plus an exclusive
 * {@link FileChannel#lock()} on the sidecar {@code PATH.lock} (left in place: deleting a lock file
 * races with the next locker), and apply the change to the content re-read under that lock. A write
 * goes to a 0600 temporary file in the same directory (created with that mode, before any secret is
 * in it), which is fsync'ed, renamed over the store with {@code ATOMIC_MOVE}, and the directory is
 * fsync'ed. Temporary files that a killed writer left behind are removed by the next writer, under
 * the lock, so none is ever in use when removed.
 *
 * <p>The password is asked for on the first read of an existing file or the first write, and kept
 * (with the keys derived from it) until {@link #close()}.
 */
final class Pkcs12CredentialStore extends io.s2mtls.core.port.WholeSnapshotStore {
    private static final ConcurrentHashMap<Path, ReentrantLock> WRITE_LOCKS = new ConcurrentHashMap<>();
    private static final String TEMP_SUFFIX = ".s2mtls-tmp";
    /** About 2 KB per credential: room for a hundred thousand, and no reading a disk image into memory. */
    private static final long MAX_FILE_BYTES = 256L << 20;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final String description;
    private final Path path;
    private final PluginContext context;
    private PasswordKeys keys;

    Pkcs12CredentialStore(String description, Path path, PluginContext context) {
        this.description = requireNonNull(description, "description is null");
        this.path = requireNonNull(path, "path is null").toAbsolutePath().normalize();
        this.context = requireNonNull(context, "context is null");
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    protected StoreSnapshot readSnapshot() {
        Path file = storeFile();
        byte[] bytes = readIfPresent(file);
        return bytes == null ? StoreSnapshot.empty() : decode(bytes).snapshot();
    }

    @Override
    protected StoreSnapshot updateSnapshot(StoreChange change) {
        requireNonNull(change, "change is null");
        return underLock(file -> {
            byte[] bytes = readIfPresent(file);
            Pkcs12Format.Decoded current = bytes == null ? Pkcs12Format.Decoded.MISSING : decode(bytes);
            StoreSnapshot next = applied(change, current.snapshot());
            if (next != current.snapshot()) {
                write(file, next, passwordKeys(), current.salts());
            }
            return next;
        });
    }

    /**
     * Re-encrypts the store under {@code newPassword} with fresh salts, in one write under the store lock.
     * The file is decoded with the current password first: a wrong one leaves it untouched. Afterwards
     * this store uses the new password; any other process still holding the old one gets "wrong store
     * password" on its next read or write, since every write re-reads the file under the lock.
     */
    @Override
    public void changePassword(char[] newPassword, java.util.List<io.s2mtls.core.pki.AuditEvent> events) {
        requireNonNull(newPassword, "newPassword is null");
        StoreChange change = current -> current.withAudit(events);
        if (newPassword.length == 0) {
            throw S2mtlsException.badInput(description + ": the new store password is empty; an empty password protects nothing");
        }
        PasswordKeys next = new PasswordKeys(newPassword.clone());
        boolean committed = false;
        try {
            underLock(file -> {
                byte[] bytes = readIfPresent(file);
                if (bytes == null) {
                    throw S2mtlsException.badInput(description + ": there is no store file " + file + " whose password could be changed");
                }
                StoreSnapshot changed = applied(change, decode(bytes).snapshot());
                write(file, changed, next, Pkcs12Format.Salts.NONE);
                return changed;
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

    /** Work on the store file while holding the in-process lock and the file lock. */
    private interface LockedWork {
        StoreSnapshot run(Path file) throws IOException;
    }

    /**
     * Runs {@code work} under the in-process lock and an exclusive lock on the lock file. The store password
     * is asked for before the lock is taken: a prompt must not hold other writers up.
     */
    private StoreSnapshot underLock(LockedWork work) {
        Path file = storeFile();
        passwordKeys();
        ReentrantLock inProcess = WRITE_LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
        inProcess.lock();
        try (FileChannel lockChannel = openLockFile(file); FileLock ignored = lockChannel.lock()) {
            return work.run(file);
        } catch (ClosedByInterruptException e) {
            throw S2mtlsException.internal(description + ": interrupted while waiting for the store lock", e);
        } catch (IOException e) {
            throw ioFailure(lockFile(file), "lock", e);
        } finally {
            inProcess.unlock();
        }
    }

    private StoreSnapshot applied(StoreChange change, StoreSnapshot current) {
        StoreSnapshot next = change.applyTo(current);
        if (next == null) {
            throw S2mtlsException.internal(description + ": a store change returned no content", null);
        }
        return next;
    }

    /** Encodes {@code content} (over-large content is bad input, refused before anything is written) and replaces the file. */
    private void write(Path file, StoreSnapshot content, PasswordKeys keys, Pkcs12Format.Salts salts) throws IOException {
        byte[] encoded;
        try {
            encoded = Pkcs12Format.encode(content, keys, salts);
        } catch (IllegalArgumentException e) {
            throw S2mtlsException.badInput(description + ": " + e.getMessage());
        }
        removeAbandonedTemporaryFiles(file);
        replace(file, encoded);
    }

    @Override
    public synchronized void close() {
        if (keys != null) {
            keys.destroy();
            keys = null;
        }
    }

    // ---------------------------------------------------------------- files

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
            if (size > MAX_FILE_BYTES) {
                throw S2mtlsException.badInput(description + ": not a readable PKCS12 store (it is " + size
                        + " bytes long; a store is far smaller)");
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
            return FileChannel.open(lock, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), ownerOnly(lock));
        } catch (IOException e) {
            throw ioFailure(lock, "open the lock file", e);
        }
    }

    private void replace(Path file, byte[] content) {
        Path directory = file.getParent();
        Path temp = null;
        try {
            temp = Files.createTempFile(directory, "." + file.getFileName() + ".", TEMP_SUFFIX, ownerOnly(directory));
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
        } catch (AtomicMoveNotSupportedException e) {
            throw S2mtlsException.badInput(description + ": the file system of " + directory
                    + " cannot replace files atomically; keep the store on a local file system");
        } catch (IOException e) {
            throw ioFailure(temp == null ? directory : temp, "write", e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the next writer removes it
                }
            }
        }
        // The new content is in place; make the rename itself durable. A failure here cannot be
        // reported as "nothing was stored", so it is not reported at all (it needs an I/O error on
        // a directory that was just written to).
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // see above
        }
    }

    private void removeAbandonedTemporaryFiles(Path file) {
        String prefix = "." + file.getFileName() + ".";
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(file.getParent(), candidate -> {
            String name = candidate.getFileName().toString();
            return name.startsWith(prefix) && name.endsWith(TEMP_SUFFIX);
        })) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
            }
        } catch (IOException ignored) {
            // harmless: a leftover is never read, and the next writer tries again
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path anywhereOnTheFileSystem) {
        return anywhereOnTheFileSystem.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
    }

    private S2mtlsException ioFailure(Path file, String action, IOException e) {
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

    private Pkcs12Format.Decoded decode(byte[] bytes) {
        try {
            return Pkcs12Format.decode(bytes, passwordKeys());
        } catch (Pkcs12Format.WrongPasswordException e) {
            forgetPassword();
            throw S2mtlsException.badInput(description + ": wrong store password (check --store-password-file or S2MTLS_STORE_PASSWORD)");
        } catch (Pkcs12Format.UnreadableException e) {
            throw S2mtlsException.badInput(description + ": not a readable PKCS12 store (" + e.getMessage() + ")");
        }
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
