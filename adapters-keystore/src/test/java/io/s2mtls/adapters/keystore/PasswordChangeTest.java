package io.s2mtls.adapters.keystore;

import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.testing.ExternalTool;
import io.s2mtls.core.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Changing the password of a PKCS12 store: one atomic rewrite, the old password checked first. */
class PasswordChangeTest {
    static final String NEW_PASSWORD = "a brand new store passphrase";

    @TempDir
    Path directory;

    private final KeyPair caKeys = TestPki.ecKeyPair();

    private Path storeWithCaAndOneCredential() {
        Path file = directory.resolve("store.p12");
        try (CredentialStore store = Stores.open(file)) {
            Stores.commit(store, Optional.of(CaMaterial.local(
                    TestPki.selfSigned(caKeys, Stores.CA_SUBJECT, true), caKeys.getPrivate())), List.of(Stores.issue("alice", caKeys)));
        }
        return file;
    }

    private static ExternalTool.Result openssl(Path file, String password) {
        List<String> command = new ArrayList<>(List.of(ExternalTool.require("openssl").toString(), "pkcs12", "-info", "-noout",
                "-in", file.toString(), "-passin", "env:S2MTLS_TEST_PASSWORD"));
        return ExternalTool.run(command, null, Map.of("S2MTLS_TEST_PASSWORD", password), null);
    }

    private static S2mtlsException wrongPassword(Runnable action) {
        S2mtlsException failure = assertThrows(S2mtlsException.class, action::run);
        assertEquals(ErrorKind.BAD_INPUT, failure.kind());
        assertTrue(failure.getMessage().contains("wrong store password"), failure.getMessage());
        return failure;
    }

    @Test
    void theStoreOpensWithTheNewPasswordOnlyAndKeepsItsContent() throws Exception {
        Path file = storeWithCaAndOneCredential();
        byte[] before = Files.readAllBytes(file);
        Stores.Content original;
        try (CredentialStore store = Stores.open(file)) {
            original = Stores.read(store);
            store.changePassword(NEW_PASSWORD.toCharArray(), List.of());
            assertEquals(original.credentials().keySet(), Stores.read(store).credentials().keySet());
            // the same store object goes on working, under the new password
            Stores.commit(store, List.of(Stores.issue("bob", caKeys)));
        }
        assertNotEquals(new String(before, java.nio.charset.StandardCharsets.ISO_8859_1),
                new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1));
        try (CredentialStore store = Stores.open(file, NEW_PASSWORD)) {
            Stores.Content read = Stores.read(store);
            assertEquals(java.util.Set.of("alice", "bob"), read.credentials().keySet());
            assertEquals(original.requireAuthority().certificate(), read.requireAuthority().certificate());
            assertEquals(original.requireAuthority().privateKey(), read.requireAuthority().privateKey());
        }
        try (CredentialStore store = Stores.open(file, Stores.PASSWORD)) {
            wrongPassword(store::index);
        }
        ExternalTool.Result withNew = openssl(file, NEW_PASSWORD);
        assertEquals(0, withNew.exitCode(), withNew.stderr());
        ExternalTool.Result withOld = openssl(file, Stores.PASSWORD);
        assertNotEquals(0, withOld.exitCode(), "openssl opened the store with the old password: " + withOld.stderr());
    }

    @Test
    void aWrongCurrentPasswordLeavesTheFileByteIdentical() throws Exception {
        Path file = storeWithCaAndOneCredential();
        byte[] before = Files.readAllBytes(file);
        try (CredentialStore store = Stores.open(file, "not the store password")) {
            wrongPassword(() -> store.changePassword(NEW_PASSWORD.toCharArray(), List.of()));
        }
        assertArrayEquals(before, Files.readAllBytes(file));
        try (CredentialStore store = Stores.open(file)) {
            assertEquals(1, Stores.read(store).credentials().size());
        }
    }

    @Test
    void aProcessStillHoldingTheOldPasswordIsRefusedAfterwards() throws Exception {
        Path file = storeWithCaAndOneCredential();
        try (CredentialStore stale = Stores.open(file); CredentialStore changer = Stores.open(file)) {
            Stores.read(stale); // has the old password and its derived keys cached
            changer.changePassword(NEW_PASSWORD.toCharArray(), List.of());
            byte[] after = Files.readAllBytes(file);
            wrongPassword(() -> Stores.commit(stale, List.of(Stores.issue("mallory", caKeys))));
            assertArrayEquals(after, Files.readAllBytes(file), "nothing was written with the old password");
        }
        try (CredentialStore stale = Stores.open(file)) {
            wrongPassword(stale::index);
        }
    }

    @Test
    void theChangeCommitsTogetherWithTheRecordOfIt() {
        Path file = storeWithCaAndOneCredential();
        try (CredentialStore store = Stores.open(file)) {
            assertThrows(NullPointerException.class, () -> store.changePassword(NEW_PASSWORD.toCharArray(),
                    java.util.Arrays.asList((io.s2mtls.core.pki.AuditEvent) null)));
        }
        try (CredentialStore store = Stores.open(file)) {
            assertEquals(1, Stores.read(store).credentials().size(), "a failed change keeps the old password");
        }
    }

    @Test
    void anEmptyPasswordAndAMissingStoreAreRefused() {
        Path file = storeWithCaAndOneCredential();
        try (CredentialStore store = Stores.open(file)) {
            S2mtlsException empty = assertThrows(S2mtlsException.class, () -> store.changePassword(new char[0], List.of()));
            assertEquals(ErrorKind.BAD_INPUT, empty.kind());
            assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        }
        try (CredentialStore store = Stores.open(directory.resolve("missing.p12"))) {
            S2mtlsException missing = assertThrows(S2mtlsException.class, () -> store.changePassword(NEW_PASSWORD.toCharArray(), List.of()));
            assertEquals(ErrorKind.BAD_INPUT, missing.kind());
            assertTrue(missing.getMessage().contains("no store file"), missing.getMessage());
        }
        assertTrue(Files.notExists(directory.resolve("missing.p12")));
    }
}
