package io.s2mtls.adapters.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The one atomic file write of s2mtls, shared by the stores and the CLI: the content goes to a temporary
 * file created mode 0600 (before any byte is in it) in the target's directory, which is fsync'ed, renamed
 * over the target with {@code ATOMIC_MOVE}, and the directory is fsync'ed so the rename itself is durable.
 * A reader sees the old file or the new one, never a mix; a crash leaves one of the two plus at most a
 * temporary file named {@code .TARGET.*.s2mtls-tmp}, which {@link #removeAbandonedTemporaryFiles} removes.
 * The target is replaced, never followed: if it is a symbolic link, the link is replaced (callers that
 * want to write through a link resolve it first).
 */
public final class AtomicFiles {
    /** The suffix of temporary files. */
    public static final String TEMP_SUFFIX = ".s2mtls-tmp";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private AtomicFiles() {
    }

    /**
     * Replaces {@code target} with {@code content} atomically and durably, the new file mode 0600.
     *
     * @throws java.nio.file.AtomicMoveNotSupportedException when the file system cannot rename atomically
     *         (nothing was replaced; the temporary file is removed)
     * @throws IOException when the content could not be written (nothing was replaced)
     */
    public static void write(Path target, byte[] content) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(directory, "." + target.getFileName() + ".", TEMP_SUFFIX, ownerOnly(directory));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // removed by the next removeAbandonedTemporaryFiles
                }
            }
        }
        // The new content is in place; make the rename itself durable. A failure here cannot be reported
        // as "nothing was stored", so it is not reported (it needs an I/O error on a directory just written to).
        syncDirectory(directory);
    }

    /** fsyncs {@code directory} so that a rename or creation in it survives a crash; best effort. */
    public static void syncDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // some file systems cannot fsync a directory; the data itself was fsync'ed
        }
    }

    /**
     * Removes temporary files that a killed writer of {@code target} left behind. Call it only while no other
     * writer of {@code target} can be running (under the target's lock).
     */
    public static void removeAbandonedTemporaryFiles(Path target) {
        String prefix = "." + target.getFileName() + ".";
        Path directory = target.toAbsolutePath().getParent();
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(directory, candidate -> {
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

    /** The attribute that creates a file mode 0600, where the file system has POSIX modes. */
    public static FileAttribute<?>[] ownerOnly(Path anywhereOnTheFileSystem) {
        return anywhereOnTheFileSystem.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
    }
}
