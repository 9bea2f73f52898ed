package io.s2mtls.cli.support;

import io.s2mtls.core.error.S2mtlsException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Reading input files and writing output files the careful way: never overwriting without --force,
 * secrets created 0600 from the first byte, every file written to a temporary name, synced, then
 * renamed into place so a crash never leaves half a file.
 */
public final class Files2 {
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

    private Files2() {
    }

    public static byte[] read(Path path, String option) {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw S2mtlsException.badInput(option + " " + path + ": no such file");
        } catch (AccessDeniedException e) {
            throw S2mtlsException.badInput(option + " " + path + ": permission denied");
        } catch (IOException e) {
            throw S2mtlsException.badInput(option + " " + path + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Fails before any work is done when an output exists and --force was not given. */
    public static void refuseOverwrite(Path path, boolean force) {
        if (!force && Files.exists(path)) {
            throw S2mtlsException.badInput(path + ": already exists; pass --force to overwrite it");
        }
    }

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
        Path temp = directory.resolve("." + path.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(secret ? PRIVATE : PUBLIC);
        try {
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.setPosixFilePermissions(temp, secret ? PRIVATE : PUBLIC);
            if (force) {
                Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.createLink(path, temp);
                Files.delete(temp);
            }
        } catch (FileAlreadyExistsException e) {
            throw S2mtlsException.badInput(path + ": already exists; pass --force to overwrite it");
        } catch (AccessDeniedException e) {
            throw S2mtlsException.badInput(path + ": permission denied");
        } catch (IOException e) {
            throw S2mtlsException.badInput(path + ": cannot write (" + e.getMessage() + ")", e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the temporary file is left behind; it holds nothing the target does not
            }
        }
    }

    public static void createDirectory(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw S2mtlsException.badInput(directory + ": cannot create directory (" + e.getMessage() + ")", e);
        }
    }
}
