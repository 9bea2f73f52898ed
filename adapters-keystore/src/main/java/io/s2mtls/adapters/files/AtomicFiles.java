package io.s2mtls.adapters.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one atomic file write of s2mtls, shared by the stores and the CLI. The content goes to a temporary
 * file {@code .NAME.s2mtls-tmp-PID-RANDOM} in the target's directory, created with its final mode (0600
 * for secrets) before any byte is in it; the temporary file is fsync'ed, then renamed over the target with
 * {@code ATOMIC_MOVE} (or, when the target must not exist yet, hard-linked to it, which fails if it
 * does), and the directory is fsync'ed so that the rename itself is durable. A reader sees the old file
 * or the new one, never a mix; a crash leaves one of the two plus at most the temporary file, which
 * {@link #removeTemporaryFiles} (under the target's lock) or {@link #removeTemporaryFilesOfEndedProcesses}
 * removes. A symbolic link at the target is replaced, never followed.
 */
public final class AtomicFiles {
    /** Owner read and write: files that hold a secret. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** Owner read and write, everyone read: certificates and other public files. */
    public static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
    private static final String TEMP_MARK = ".s2mtls-tmp-";
    /** {@code .NAME.s2mtls-tmp-PID-RANDOM}, and the {@code .NAME.tmp-PID-NANOS} of earlier versions. */
    private static final Pattern TEMP_NAME = Pattern.compile("\\..+(?:\\.s2mtls-tmp-(\\d+)-[0-9a-f]+|\\.tmp-(\\d+)-\\d+)");
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {
    }

    /** Replaces {@code target} with {@code content}, mode 0600. */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, content, OWNER_ONLY, true);
    }

    /**
     * Writes {@code content} to {@code target} atomically and durably with {@code mode} (whatever the umask).
     * With {@code replace}, an existing target is replaced; without it, an existing target is left alone and
     * a {@link FileAlreadyExistsException} is thrown. On any failure the target is unchanged and the
     * temporary file is removed.
     *
     * @throws java.nio.file.AtomicMoveNotSupportedException when the file system cannot rename atomically
     */
    public static void write(Path target, byte[] content, Set<PosixFilePermission> mode, boolean replace) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        Path temp = directory.resolve("." + target.getFileName() + TEMP_MARK + ProcessHandle.current().pid() + "-"
                + HexFormat.of().formatHex(random));
        boolean posix = posix(directory);
        FileAttribute<?>[] attributes = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)} : new FileAttribute<?>[0];
        try {
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes)) {
                if (posix) {
                    Files.setPosixFilePermissions(temp, mode); // the umask may have taken bits away
                }
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (replace) {
                // rename(2) replaces a link itself, never its target
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.createLink(target, temp);
                Files.delete(temp);
            }
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // left behind: removed by the next clean-up
            }
        }
        // The new content is in place; make the rename itself durable. A failure here cannot be reported
        // as "nothing was stored", so it is not reported (it needs an I/O error on a directory just written to).
        syncDirectory(directory);
    }

    /** fsyncs {@code directory} so that a rename or a creation in it survives a crash; best effort. */
    public static void syncDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // some file systems cannot fsync a directory; the data itself was fsync'ed
        }
    }

    /**
     * Removes every temporary file of {@code target} (and those of the store's earlier naming,
     * {@code .NAME.*.s2mtls-tmp}). Call it only while no other writer of {@code target} can run: under its lock.
     */
    public static void removeTemporaryFiles(Path target) {
        String name = target.getFileName().toString();
        String current = "." + name + TEMP_MARK;
        String earlier = "." + name + ".";
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(target.toAbsolutePath().getParent(), candidate -> {
            String entry = candidate.getFileName().toString();
            return entry.startsWith(current) || (entry.startsWith(earlier) && entry.endsWith(".s2mtls-tmp"));
        })) {
            for (Path leftover : leftovers) {
                if (Files.isRegularFile(leftover, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(leftover);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // harmless: a leftover is never read, and the next writer tries again
        }
    }

    /**
     * Removes the temporary files in {@code directory} whose writing process no longer runs (they may hold a
     * private key); a running writer's files are left alone. For writers without a lock.
     */
    public static void removeTemporaryFilesOfEndedProcesses(Path directory) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, entry -> TEMP_NAME.matcher(entry.getFileName().toString()).matches())) {
            for (Path entry : entries) {
                Matcher matcher = TEMP_NAME.matcher(entry.getFileName().toString());
                if (!matcher.matches()) {
                    continue;
                }
                long pid = Long.parseLong(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
                boolean running = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!running && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(entry);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // harmless: the next run tries again
        }
    }

    /** The attribute that creates a file mode 0600, where the file system has POSIX modes. */
    public static FileAttribute<?>[] ownerOnly(Path anywhereOnTheFileSystem) {
        return posix(anywhereOnTheFileSystem)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
    }

    private static boolean posix(Path anywhereOnTheFileSystem) {
        return anywhereOnTheFileSystem.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
