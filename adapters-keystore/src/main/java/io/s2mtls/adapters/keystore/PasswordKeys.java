package io.s2mtls.adapters.keystore;

import io.s2mtls.core.x509.Pkcs12Builder;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The store password and the keys derived from it, in memory only (never written anywhere).
 * Derivation is deliberately slow, so each derived key is computed once per (salt, iteration count)
 * and kept until {@link #destroy()}: every item of a store file shares one PBKDF2 salt and the file
 * keeps its MAC salt from write to write, so a process pays one derivation of each kind per file,
 * however many entries it holds and however often it writes. The derivations are
 * {@link Pkcs12Builder}'s, on the JDK's SHA-256.
 */
final class PasswordKeys {
    private final char[] password;
    private final Map<String, byte[]> derived = new HashMap<>();
    private boolean destroyed;

    /** Takes ownership of {@code password}: it is cleared by {@link #destroy()}. */
    PasswordKeys(char[] password) {
        this.password = requireNonNull(password, "password is null");
    }

    /** PBKDF2-HMAC-SHA256 (PKCS #5 v2.1) over the password's UTF-8 bytes: the 32-byte AES-256 key. */
    synchronized byte[] pbkdf2Sha256(byte[] salt, int iterations) {
        return derived.computeIfAbsent(cacheKey("pbkdf2-sha256", salt, iterations),
                k -> Pkcs12Builder.pbkdf2Sha256(livePassword(), salt, iterations)).clone();
    }

    /** The PKCS #12 (RFC 7292 appendix B) MAC key with SHA-256, as the PFX integrity MAC needs. */
    synchronized byte[] pkcs12MacKeySha256(byte[] salt, int iterations) {
        return derived.computeIfAbsent(cacheKey("pkcs12-mac-sha256", salt, iterations),
                k -> Pkcs12Builder.pkcs12MacKey(livePassword(), salt, iterations)).clone();
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

    private static String cacheKey(String kind, byte[] salt, int iterations) {
        return kind + ':' + HexFormat.of().formatHex(salt) + ':' + iterations;
    }
}
