package io.s2mtls.cli.support;

import io.s2mtls.adapters.files.AtomicFiles;
import io.s2mtls.core.error.S2mtlsException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading input files and writing output files the careful way.
 *
 * <p>Reads are bounded: a file is checked before it is opened (a directory, a device, a FIFO or a
 * socket is refused without opening it, so nothing blocks), and no more than a limit is read
 * ({@link #MAX_INPUT_BYTES} for certificates, keys, CSRs and PKCS#12 files, {@link #MAX_LIST_BYTES} for
 * subject lists and policies, {@link #MAX_SECRET_BYTES} for password files).
 *
 * <p>Writes never overwrite without --force, never follow a symbolic link (a link at an output path
 * is refused, even with --force), create secrets 0600 from the first byte, and go to a temporary file
 * {@code .NAME.s2mtls-tmp-PID-RANDOM} beside the target that is synced, then renamed (or linked) into
 * place and the directory synced ({@link AtomicFiles}, the one atomic write of s2mtls), so a crash never
 * leaves half a file. A temporary file whose process is gone (a crash, a kill)
 * is removed by the next write into that directory. Directories s2mtls creates are 0700, whatever
 * the umask.
 */
public final class Files2 {
    /** Certificates, keys, CSRs and PKCS#12 files: far larger than any real one. */
    public static final long MAX_INPUT_BYTES = 1L << 20;
    /** Lists a person writes: --subjects-file, policy files. */
    public static final long MAX_LIST_BYTES = 64L << 20;
    /** Password and token files. */
    public static final long MAX_SECRET_BYTES = 64L << 10;

    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();

    private Files2() {
    }

    // ---------------------------------------------------------------- reading

    /** Reads a certificate, key, CSR or PKCS#12 file ({@link #MAX_INPUT_BYTES} at most). */
    public static byte[] read(Path path, String option) {
        return read(path, option, MAX_INPUT_BYTES);
    }

    /**
     * Reads at most {@code limit} bytes of a regular file. The file's type is checked before it is
     * opened, so a FIFO or a device is refused without blocking; every refusal is one line naming
     * {@code option} and the file.
     */
    public static byte[] read(Path path, String option, long limit) {
        String what = (option == null || option.isEmpty() ? "" : option + " ") + path;
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            throw readFailure(what, e);
        }
        if (attributes.isDirectory()) {
            throw S2mtlsException.badInput(what + ": is a directory; give a file");
        }
        if (!attributes.isRegularFile()) {
            throw S2mtlsException.badInput(what + ": is not a regular file (a device, FIFO or socket); give a file");
        }
        if (attributes.size() > limit) {
            throw tooLarge(what, attributes.size(), limit);
        }
        try (SeekableByteChannel channel = Files.newByteChannel(path, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(limit + 1, Math.max(attributes.size() + 1, 8192)));
            while (true) {
                if (!buffer.hasRemaining()) {
                    if (buffer.capacity() > limit) {
                        throw tooLarge(what, buffer.capacity(), limit);
                    }
                    ByteBuffer larger = ByteBuffer.allocate((int) Math.min(limit + 1, (long) buffer.capacity() * 2));
                    buffer.flip();
                    larger.put(buffer);
                    buffer = larger;
                }
                if (channel.read(buffer) < 0) {
                    break;
                }
            }
            byte[] content = new byte[buffer.position()];
            buffer.flip().get(content);
            return content;
        } catch (IOException e) {
            throw readFailure(what, e);
        }
    }

    private static S2mtlsException readFailure(String what, IOException e) {
        if (e instanceof NoSuchFileException) {
            return S2mtlsException.badInput(what + ": no such file");
        }
        if (e instanceof AccessDeniedException) {
            return S2mtlsException.badInput(what + ": permission denied");
        }
        return S2mtlsException.badInput(what + ": cannot read (" + reason(e) + ")", e);
    }

    private static S2mtlsException tooLarge(String what, long size, long limit) {
        return S2mtlsException.badInput(what + ": is larger than the limit of " + describeSize(limit)
                + " for this kind of file; is it the right file?");
    }

    static String describeSize(long bytes) {
        return bytes % (1L << 20) == 0 ? (bytes >> 20) + " MiB" : bytes % 1024 == 0 ? (bytes >> 10) + " KiB" : bytes + " bytes";
    }

    // ---------------------------------------------------------------- checking before work is done

    /**
     * Fails before any work is done when an output path is a symbolic link (even a dangling one), is
     * not a regular file, or exists and --force was not given.
     */
    public static void refuseOverwrite(Path path, boolean force) {
        if (Files.isSymbolicLink(path)) {
            throw S2mtlsException.badInput(path + ": is a symbolic link; s2mtls does not write through links (remove it or write elsewhere)");
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                throw S2mtlsException.badInput(path + ": exists and is not a regular file; remove it or write elsewhere");
            }
            if (!force) {
                throw S2mtlsException.badInput(path + ": already exists; pass --force to overwrite it");
            }
        }
    }

    /**
     * Fails before any work is done unless {@code directory} is a writable directory, or can be made
     * one (its nearest existing ancestor is a writable directory).
     */
    public static void checkOutputDirectory(Path directory, String option) {
        Path absolute = directory.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw S2mtlsException.badInput(option + " " + directory + ": no part of the path exists");
        }
        String what = option + " " + directory + (existing.equals(absolute) ? "" : ": " + existing);
        if (Files.isSymbolicLink(existing) && !Files.exists(existing)) {
            throw S2mtlsException.badInput(what + ": is a symbolic link to nothing; remove it or choose another directory");
        }
        if (!Files.isDirectory(existing)) {
            throw S2mtlsException.badInput(what + ": is not a directory; choose another directory");
        }
        if (!Files.isWritable(existing)) {
            throw S2mtlsException.badInput(what + ": is not writable; choose another directory");
        }
    }

    // ---------------------------------------------------------------- writing

    public static void writeSecret(Path path, String text, boolean force) {
        write(path, text.getBytes(StandardCharsets.US_ASCII), true, force);
    }

    public static void writePublic(Path path, String text, boolean force) {
        write(path, text.getBytes(StandardCharsets.UTF_8), false, force);
    }

    public static void write(Path path, byte[] content, boolean secret, boolean force) {
        refuseOverwrite(path, force);
        Path directory = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(directory)) {
            throw S2mtlsException.badInput(path + ": directory " + directory + " does not exist");
        }
        removeAbandonedTemporaryFiles(directory);
        try {
            // with --force rename(2) replaces a link itself, never its target; refuseOverwrite already refused links
            AtomicFiles.write(path, content, secret ? AtomicFiles.OWNER_ONLY : AtomicFiles.PUBLIC, force);
        } catch (FileAlreadyExistsException e) {
            throw S2mtlsException.badInput(path + ": already exists; pass --force to overwrite it");
        } catch (AccessDeniedException e) {
            throw S2mtlsException.badInput(path + ": permission denied");
        } catch (IOException e) {
            throw S2mtlsException.badInput(path + ": cannot write (" + reason(e) + ")", e);
        }
    }

    /** Deletes a regular file this command wrote (never through a link); quietly, for clean-up after a failure. */
    public static void deleteQuietly(Path path) {
        try {
            if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(path);
            }
        } catch (IOException ignored) {
            // best effort
        }
    }

    /**
     * Removes, once per directory and process, the temporary files that a writer which no longer runs
     * left in {@code directory} (they may hold a private key). A running writer's files are left alone.
     */
    static void removeAbandonedTemporaryFiles(Path directory) {
        if (SWEPT.add(directory)) {
            AtomicFiles.removeTemporaryFilesOfEndedProcesses(directory);
        }
    }

    /**
     * Creates {@code directory} and any missing parents, each 0700 whatever the umask. Directories that
     * already exist keep their mode.
     */
    public static void createDirectory(Path directory) {
        Path absolute = directory.toAbsolutePath().normalize();
        List<Path> missing = new ArrayList<>();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            missing.add(existing);
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            throw S2mtlsException.badInput(directory + ": cannot create directory (" + existing + " is not a directory)");
        }
        Collections.reverse(missing);
        boolean posix = absolute.getFileSystem().supportedFileAttributeViews().contains("posix");
        for (Path path : missing) {
            try {
                if (posix) {
                    Files.createDirectory(path, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
                    Files.setPosixFilePermissions(path, PRIVATE_DIRECTORY); // the umask may have taken bits away
                } else {
                    Files.createDirectory(path);
                }
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(path)) {
                    throw S2mtlsException.badInput(directory + ": cannot create directory (" + path + " exists and is not a directory)", e);
                }
                // made by a concurrent writer in the meantime
            } catch (NotDirectoryException e) {
                throw S2mtlsException.badInput(directory + ": cannot create directory (a part of the path is not a directory)", e);
            } catch (AccessDeniedException e) {
                throw S2mtlsException.badInput(directory + ": cannot create directory (permission denied on " + path.getParent() + ")", e);
            } catch (IOException e) {
                throw S2mtlsException.badInput(directory + ": cannot create directory (" + reason(e) + ")", e);
            }
        }
    }

    private static String reason(IOException e) {
        String message = e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
