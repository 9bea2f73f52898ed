package io.s2mtls.core.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The certificate authority as a store holds it: its certificate and either its private key or a
 * reference to a key held elsewhere (for example {@code vault-transit:ca-key}), never both.
 */
public record CaMaterial(X509Certificate certificate, Optional<PrivateKey> privateKey, Optional<String> keyReference) {
    public CaMaterial {
        requireNonNull(certificate, "certificate is null");
        requireNonNull(privateKey, "privateKey is null");
        requireNonNull(keyReference, "keyReference is null");
        if (privateKey.isPresent() == keyReference.isPresent()) {
            throw new IllegalArgumentException("a CA has either a local private key or a key reference");
        }
    }

    public static CaMaterial local(X509Certificate certificate, PrivateKey privateKey) {
        return new CaMaterial(certificate, Optional.of(privateKey), Optional.empty());
    }

    public static CaMaterial remote(X509Certificate certificate, String keyReference) {
        return new CaMaterial(certificate, Optional.empty(), Optional.of(keyReference));
    }
}
