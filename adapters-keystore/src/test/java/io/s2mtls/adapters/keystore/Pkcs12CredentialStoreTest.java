package io.s2mtls.adapters.keystore;

import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.CredentialStoreContract;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The shared store contract, against a fresh PKCS12 file per test. */
class Pkcs12CredentialStoreTest extends CredentialStoreContract {
    @TempDir
    Path directory;

    private Path file() {
        return directory.resolve("store.p12");
    }

    @Override
    protected CredentialStore openStore() {
        return Stores.open(file());
    }

    @Override
    protected CredentialStore openStoreWithWrongCredentials() {
        return Stores.open(file(), "not the password");
    }

    @Override
    protected Optional<CredentialStore> openStoreWithPassword(char[] password) {
        return Optional.of(Stores.open(file(), new String(password)));
    }

    @Override
    protected Optional<byte[]> rawState() {
        try {
            return Optional.of(Files.readAllBytes(file()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
