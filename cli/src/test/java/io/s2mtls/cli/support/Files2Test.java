package io.s2mtls.cli.support;

import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bounded reader and the careful writer, at their edges. */
class Files2Test {
    @TempDir
    Path dir;

    @Test
    void readsUpToTheLimitAndNotAByteMore() throws Exception {
        Path exact = Files.write(dir.resolve("exact"), new byte[1000]);
        assertArrayEquals(new byte[1000], Files2.read(exact, "--x", 1000));
        Path over = Files.write(dir.resolve("over"), new byte[1001]);
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> Files2.read(over, "--x", 1000));
        assertEquals(ErrorKind.BAD_INPUT, e.kind());
        assertEquals("--x " + over + ": is larger than the limit of 1000 bytes for this kind of file; is it the right file?", e.getMessage());
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertEquals(0, Files2.read(empty, "--x").length);
        assertEquals("64 KiB", Files2.describeSize(Files2.MAX_SECRET_BYTES));
        assertEquals("1 MiB", Files2.describeSize(Files2.MAX_INPUT_BYTES));
    }

    @Test
    void aFileThatGrowsPastTheLimitIsRefused() throws Exception {
        // procfs reports size 0 but has content: the reader must still stop at the limit
        Path proc = Path.of("/proc/self/maps");
        if (Files.isReadable(proc)) {
            S2mtlsException e = assertThrows(S2mtlsException.class, () -> Files2.read(proc, "--x", 16));
            assertTrue(e.getMessage().contains("limit of 16 bytes"), e.getMessage());
        }
    }

    @Test
    void createdDirectoriesAreOwnerOnlyAndExistingOnesKeepTheirMode() throws Exception {
        Path existing = Files.createDirectory(dir.resolve("existing"));
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files2.createDirectory(existing.resolve("a/b"));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(existing)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(existing.resolve("a"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(existing.resolve("a/b"))));
    }

    @Test
    void writesLeaveNoTemporaryFileAndRefuseLinks() throws Exception {
        Path target = dir.resolve("secret.pem");
        Files2.write(target, "k".getBytes(), true, false);
        Files2.write(target, "k2".getBytes(), true, true);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        Path link = Files.createSymbolicLink(dir.resolve("link.pem"), target);
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> Files2.write(link, "x".getBytes(), true, true));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertEquals("k2", Files.readString(target));
    }
}
