package io.s2mtls.adapters.keystore;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.spi.PluginContext;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A host that knows one password (or none) and counts how often it was asked for it. */
final class FixedPasswordContext implements PluginContext {
    private final String password;
    final AtomicInteger passwordRequests = new AtomicInteger();

    FixedPasswordContext(String password) {
        this.password = password;
    }

    @Override
    public Map<String, String> environment() {
        return Map.of();
    }

    @Override
    public Map<String, String> options() {
        return Map.of();
    }

    @Override
    public char[] storePassword() {
        passwordRequests.incrementAndGet();
        if (password == null) {
            throw S2mtlsException.badInput("no store password: use --store-password-file or S2MTLS_STORE_PASSWORD");
        }
        return password.toCharArray();
    }

    @Override
    public Optional<String> readSecretFile(String path) {
        return Optional.empty();
    }
}
