package io.s2mtls.adapters.keystore;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.spi.CredentialStoreProvider;
import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.spi.PluginOptions;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.spi.StoreLocation;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/** Opens {@code pkcs12:PATH} stores. Opening is free: the file is read, and the password asked for, on first use. */
final class Pkcs12StoreProvider implements CredentialStoreProvider {
    static final String SCHEME = "pkcs12";

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String description() {
        return "PKCS12 file (AES-256-CBC, PBKDF2-HMAC-SHA256, HMAC-SHA256 MAC)";
    }

    @Override
    public CredentialStore open(StoreLocation location, PluginContext context) {
        requireNonNull(location, "location is null");
        requireNonNull(context, "context is null");
        if (!SCHEME.equals(location.scheme())) {
            throw S2mtlsException.badInput("--store: '" + location + "' is not a " + SCHEME + ": store");
        }
        PluginOptions.requireKnown(this, PluginRegistry.Kind.STORE, context.options());
        if (location.path().isBlank()) {
            throw S2mtlsException.badInput("--store: '" + location + "' names no file; write pkcs12:PATH");
        }
        Path path;
        try {
            path = Path.of(location.path());
        } catch (InvalidPathException e) {
            throw S2mtlsException.badInput("--store: '" + location + "' is not a usable file path (" + e.getReason() + ")");
        }
        return new Pkcs12CredentialStore(location.toString(), path, context);
    }
}
