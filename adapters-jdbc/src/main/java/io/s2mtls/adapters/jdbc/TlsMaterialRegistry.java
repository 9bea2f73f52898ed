package io.s2mtls.adapters.jdbc;

import io.s2mtls.core.user.DatabaseTarget;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands in-memory key material to {@link InMemoryTlsSocketPlugin}, which the driver instantiates itself.
 * The connection properties carry only a random token; the material stays in this map for the duration
 * of one connect call and is removed afterwards.
 */
final class TlsMaterialRegistry {
    /** The connection property naming the token. The driver keeps unknown properties in nonMappedOptions. */
    static final String TOKEN_PROPERTY = "s2mtlsTlsMaterial";

    record Material(Optional<DatabaseTarget.ClientCertificate> clientCertificate, List<X509Certificate> serverCas) {
    }

    private static final Map<String, Material> MATERIAL = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    private TlsMaterialRegistry() {
    }

    /** Registers {@code material}; close the returned handle once the connection is established. */
    static Registration register(Material material) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        MATERIAL.put(token, material);
        return new Registration(token);
    }

    static Optional<Material> lookup(String token) {
        return token == null ? Optional.empty() : Optional.ofNullable(MATERIAL.get(token));
    }

    record Registration(String token) implements AutoCloseable {
        @Override
        public void close() {
            MATERIAL.remove(token);
        }
    }
}
