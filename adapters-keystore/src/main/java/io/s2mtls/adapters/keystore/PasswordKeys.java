package io.s2mtls.adapters.keystore;

import org.bouncycastle.crypto.PBEParametersGenerator;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS12ParametersGenerator;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The store password and the keys derived from it. Derivation is deliberately slow, so each derived
 * key is computed once per (salt, iteration count) and kept until {@link #destroy()}: reading a file
 * and then rewriting it with the same salts costs one derivation of each kind, however many entries
 * it holds. Bouncy Castle's lightweight API is used directly, so no JCA provider is registered.
 */
final class PasswordKeys {
    private final char[] password;
    private final Map<String, byte[]> derived = new HashMap<>();
    private boolean destroyed;

    /** Takes ownership of {@code password}: it is cleared by {@link #destroy()}. */
    PasswordKeys(char[] password) {
        this.password = requireNonNull(password, "password is null");
    }

    /** PBKDF2-HMAC-SHA256 (PKCS #5 v2.1) over the password's UTF-8 bytes, as OpenSSL and the JDK compute it. */
    synchronized byte[] pbkdf2Sha256(byte[] salt, int iterations, int keyBytes) {
        return derived.computeIfAbsent(cacheKey("pbkdf2-sha256", salt, iterations, keyBytes), k -> {
            byte[] passwordBytes = PBEParametersGenerator.PKCS5PasswordToUTF8Bytes(livePassword());
            try {
                PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(new SHA256Digest());
                generator.init(passwordBytes, salt, iterations);
                return ((KeyParameter) generator.generateDerivedParameters(keyBytes * 8)).getKey();
            } finally {
                Arrays.fill(passwordBytes, (byte) 0);
            }
        }).clone();
    }

    /** The PKCS #12 (RFC 7292 appendix B) MAC key with SHA-256, as the PFX integrity MAC needs. */
    synchronized byte[] pkcs12MacKeySha256(byte[] salt, int iterations) {
        return derived.computeIfAbsent(cacheKey("pkcs12-mac-sha256", salt, iterations, 32), k -> {
            byte[] passwordBytes = PBEParametersGenerator.PKCS12PasswordToBytes(livePassword());
            try {
                PKCS12ParametersGenerator generator = new PKCS12ParametersGenerator(new SHA256Digest());
                generator.init(passwordBytes, salt, iterations);
                return ((KeyParameter) generator.generateDerivedMacParameters(256)).getKey();
            } finally {
                Arrays.fill(passwordBytes, (byte) 0);
            }
        }).clone();
    }

    synchronized void destroy() {
        destroyed = true;
        Arrays.fill(password, '\0');
        derived.values().forEach(key -> Arrays.fill(key, (byte) 0));
        derived.clear();
    }

    private char[] livePassword() {
        if (destroyed) {
            throw new IllegalStateException("the store password was already cleared");
        }
        return password;
    }

    private static String cacheKey(String kind, byte[] salt, int iterations, int keyBytes) {
        return kind + ':' + HexFormat.of().formatHex(salt) + ':' + iterations + ':' + keyBytes;
    }
}
