package io.s2mtls.adapters.keystore;

import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files that are not stores, wrong passwords and missing directories: one-line BAD_INPUT, file untouched. */
class Pkcs12BadInputTest {
    @TempDir
    Path directory;

    private final KeyPair caKeys = TestPki.ecKeyPair();

    private Path validStore() {
        Path file = directory.resolve("store.p12");
        try (CredentialStore store = Stores.open(file)) {
            Stores.commit(store, List.of(Stores.issue("alice", caKeys), Stores.issue("bob", caKeys)));
        }
        return file;
    }

    /** Reading and updating both fail with BAD_INPUT naming the file, and leave its bytes as they were. */
    private S2mtlsException refusedBothWays(Path file, String password, String expectedWords) throws Exception {
        byte[] before = Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
        S2mtlsException onRead = refused(() -> {
            try (CredentialStore store = Stores.open(file, password)) {
                Stores.read(store);
            }
        }, file, password, expectedWords);
        refused(() -> {
            try (CredentialStore store = Stores.open(file, password)) {
                Stores.commit(store, List.of(Stores.issue("carol", caKeys)));
            }
        }, file, password, expectedWords);
        if (before == null) {
            assertFalse(Files.isRegularFile(file));
        } else {
            assertArrayEquals(before, Files.readAllBytes(file), "the file changed");
        }
        return onRead;
    }

    private static S2mtlsException refused(Executable action, Path file, String password, String expectedWords) {
        S2mtlsException failure = assertThrows(S2mtlsException.class, action);
        String message = failure.getMessage();
        assertEquals(ErrorKind.BAD_INPUT, failure.kind(), message);
        assertFalse(message.contains("\n") || message.contains("\r"), message);
        assertTrue(message.contains(file.toString()), message);
        assertTrue(message.contains(expectedWords), message);
        assertFalse(message.contains(password), message);
        return failure;
    }

    @Test
    void wrongPassword() throws Exception {
        Path file = validStore();
        S2mtlsException failure = refusedBothWays(file, "hunter2", "wrong store password");
        assertFalse(failure.getMessage().contains("not a readable"), failure.getMessage());
    }

    @Test
    void garbage() throws Exception {
        Path file = directory.resolve("store.p12");
        byte[] noise = new byte[4096];
        new SecureRandom().nextBytes(noise);
        Files.write(file, noise);
        refusedBothWays(file, Stores.PASSWORD, "pkcs12:" + file + ": not a readable PKCS12 store (");
    }

    @Test
    void textFile() throws Exception {
        Path file = directory.resolve("store.p12");
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\nnot this\n-----END CERTIFICATE-----\n");
        refusedBothWays(file, Stores.PASSWORD, "not a readable PKCS12 store (");
    }

    @Test
    void emptyFile() throws Exception {
        Path file = directory.resolve("store.p12");
        Files.write(file, new byte[0]);
        refusedBothWays(file, Stores.PASSWORD, "not a readable PKCS12 store (the file is empty)");
    }

    @Test
    void truncated() throws Exception {
        Path file = validStore();
        byte[] whole = Files.readAllBytes(file);
        for (int length : new int[] {whole.length / 2, whole.length - 1, 10}) {
            Files.write(file, Arrays.copyOf(whole, length));
            refusedBothWays(file, Stores.PASSWORD, "not a readable PKCS12 store (");
        }
    }

    @Test
    void damagedWithTheRightPasswordIsNotCalledAWrongPassword() throws Exception {
        Path file = validStore();
        byte[] intact = Files.readAllBytes(file);
        // in a key bag, in the encrypted certificates, and in the MAC at the end
        for (int position : new int[] {intact.length / 4, intact.length / 2, 3 * intact.length / 4, intact.length - 40}) {
            byte[] bytes = intact.clone();
            bytes[position] ^= 0x01;
            Files.write(file, bytes);
            S2mtlsException failure = refusedBothWays(file, Stores.PASSWORD, "not a readable PKCS12 store (");
            assertFalse(failure.getMessage().contains("wrong store password"), position + ": " + failure.getMessage());
        }
    }

    @Test
    void aForeignPkcs12WithoutTheInventoryIsRefused() throws Exception {
        Path file = directory.resolve("store.p12");
        java.security.KeyStore keyStore = java.security.KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setCertificateEntry("someone", TestPki.selfSigned(caKeys, "CN=someone", true));
        try (var out = Files.newOutputStream(file)) {
            keyStore.store(out, Stores.PASSWORD.toCharArray());
        }
        refusedBothWays(file, Stores.PASSWORD, "not a readable PKCS12 store (");
    }

    @Test
    void missingDirectory() throws Exception {
        Path file = directory.resolve("no-such-dir").resolve("store.p12");
        S2mtlsException failure = refusedBothWays(file, Stores.PASSWORD, "no-such-dir");
        assertTrue(failure.getMessage().contains("does not exist"), failure.getMessage());
        assertFalse(Files.exists(file.getParent()));
    }

    @Test
    void aFileWhereTheDirectoryShouldBe() throws Exception {
        Path notADirectory = Files.writeString(directory.resolve("plain-file"), "x");
        refusedBothWays(notADirectory.resolve("store.p12"), Stores.PASSWORD, "is not a directory");
    }

    @Test
    void aDirectoryWhereTheFileShouldBe() throws Exception {
        Path file = Files.createDirectory(directory.resolve("store.p12"));
        refusedBothWays(file, Stores.PASSWORD, "is a directory");
    }

    @Test
    void unreadableFile() throws Exception {
        Path file = validStore();
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
        if (Files.isReadable(file)) {
            // root (CAP_DAC_OVERRIDE) reads a mode-0000 file: then the store must simply keep working, not fail oddly
            FixedPasswordContext context = new FixedPasswordContext(Stores.PASSWORD);
            try (CredentialStore store = new Pkcs12StoreProvider().open(
                    new io.s2mtls.core.spi.StoreLocation("pkcs12", file.toString()), context)) {
                assertFalse(Stores.read(store).credentials().isEmpty(), "a mode-0000 store readable by this user must still open");
            }
            return;
        }
        refusedBothWays(file, Stores.PASSWORD, "permission denied");
    }

    @Test
    void aMissingStoreReadsEmptyWithoutAskingForThePassword() {
        FixedPasswordContext context = new FixedPasswordContext(null);
        try (CredentialStore store = new Pkcs12StoreProvider().open(
                new io.s2mtls.core.spi.StoreLocation("pkcs12", directory.resolve("new.p12").toString()), context)) {
            assertTrue(Stores.read(store).credentials().isEmpty());
        }
        assertEquals(0, context.passwordRequests.get());
        assertNull(directory.resolve("new.p12").toFile().listFiles());
    }

    @Test
    void thePasswordIsAskedForOnce() {
        Path file = directory.resolve("store.p12");
        FixedPasswordContext context = new FixedPasswordContext(Stores.PASSWORD);
        try (CredentialStore store = new Pkcs12StoreProvider().open(
                new io.s2mtls.core.spi.StoreLocation("pkcs12", file.toString()), context)) {
            Stores.commit(store, List.of(Stores.issue("alice", caKeys)));
            Stores.read(store);
            Stores.commit(store, List.of(Stores.issue("bob", caKeys)));
        }
        assertEquals(1, context.passwordRequests.get());
    }

    // ---------------------------------------------------------------- the sidecars: audit trail and lock file

    private static final java.time.Duration FAST = java.time.Duration.ofSeconds(10);

    private static io.s2mtls.core.pki.AuditEvent event(String action) {
        return new io.s2mtls.core.pki.AuditEvent(java.time.Instant.parse("2026-12-01T10:00:00Z"), "tester", action,
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty());
    }

    private static void mkfifo(Path path) throws Exception {
        Path mkfifo = io.s2mtls.core.testing.ExternalTool.require("mkfifo");
        List<String> command = List.of(mkfifo.toString(), path.toString());
        io.s2mtls.core.testing.ExternalTool.run(command, null, java.util.Map.of(), null).requireSuccess(command);
    }

    /**
     * With {@code trail} replaced by something that is not a regular file, reading the index still works (it does not
     * touch the trail), while reading the trail and every commit are refused at once, naming the trail and what it is,
     * and the store is left as it was.
     */
    private void theTrailIsRefused(Path file, Path trail, String what) throws Exception {
        byte[] before = Files.readAllBytes(file);
        Stores.Issued carol = Stores.issue("carol", caKeys);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(FAST, () -> {
            try (CredentialStore store = Stores.open(file)) {
                assertEquals(2, store.index().credentials().size());
                for (Executable action : List.<Executable>of(
                        () -> store.recentAudit(10),
                        () -> store.appendAudit(List.of(event("append"))),
                        () -> store.commit(io.s2mtls.core.port.StoreBatch.builder()
                                .write(new io.s2mtls.core.port.StoreWrite.PutCredential(carol.credential(), java.util.Optional.empty()))
                                .write(new io.s2mtls.core.port.StoreWrite.AddEntry(carol.entry()))
                                .audit(event("cert.issue carol")).build()),
                        () -> Stores.commit(store, List.of(Stores.issue("dave", caKeys))))) {
                    S2mtlsException refused = assertThrows(S2mtlsException.class, action);
                    assertEquals(ErrorKind.BAD_INPUT, refused.kind(), refused.getMessage());
                    assertTrue(refused.getMessage().contains("the audit trail " + trail + " is " + what + ", not a regular file"),
                            refused.getMessage());
                    assertFalse(refused.getMessage().contains("\n"), refused.getMessage());
                }
            }
        });
        assertArrayEquals(before, Files.readAllBytes(file), "the store changed");
    }

    private Path validStoreWithTrail() {
        Path file = validStore();
        try (CredentialStore store = Stores.open(file)) {
            store.appendAudit(List.of(event("first")));
        }
        return file;
    }

    @Test
    void aFifoAtTheAuditPathIsRefusedWithoutBlocking() throws Exception {
        Path file = validStoreWithTrail();
        Path trail = AuditTrail.of(file);
        Files.delete(trail);
        mkfifo(trail);
        theTrailIsRefused(file, trail, "a FIFO (named pipe)");
    }

    @Test
    void aSymbolicLinkAtTheAuditPathIsNotFollowed() throws Exception {
        Path file = validStoreWithTrail();
        Path trail = AuditTrail.of(file);
        Path elsewhere = directory.resolve("elsewhere.log");
        Files.move(trail, elsewhere);
        byte[] target = Files.readAllBytes(elsewhere);
        Files.createSymbolicLink(trail, elsewhere);
        theTrailIsRefused(file, trail, "a symbolic link");
        assertArrayEquals(target, Files.readAllBytes(elsewhere), "the link's target was written to");
    }

    @Test
    void aDirectoryOrADeviceAtTheAuditPathIsRefused() throws Exception {
        Path file = validStoreWithTrail();
        Path trail = AuditTrail.of(file);
        Files.delete(trail);
        Files.createDirectory(trail);
        theTrailIsRefused(file, trail, "a directory");
        Files.delete(trail);
        Files.createSymbolicLink(trail, Path.of("/dev/zero"));
        theTrailIsRefused(file, trail, "a symbolic link");
    }

    @Test
    void aFifoAtTheLockPathIsRefusedWithoutBlocking() throws Exception {
        Path file = validStore();
        Path lock = file.resolveSibling(file.getFileName() + ".lock");
        Files.delete(lock);
        mkfifo(lock);
        byte[] before = Files.readAllBytes(file);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(FAST, () -> {
            try (CredentialStore store = Stores.open(file)) {
                S2mtlsException refused = assertThrows(S2mtlsException.class,
                        () -> Stores.commit(store, List.of(Stores.issue("carol", caKeys))));
                assertEquals(ErrorKind.BAD_INPUT, refused.kind());
                assertTrue(refused.getMessage().contains("the lock file " + lock + " is a device, FIFO or socket"), refused.getMessage());
            }
        });
        assertArrayEquals(before, Files.readAllBytes(file));
    }
}
