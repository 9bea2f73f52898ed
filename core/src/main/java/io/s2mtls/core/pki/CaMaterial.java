package io.s2mtls.core.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The certificate authority as a store holds it: its certificate and either its private key or a
 * reference to a key held elsewhere (for example {@code vault-transit:ca-key}), never both. An
 * intermediate CA also has its {@code chain}: the certificates above it, its issuer first, up to and
 * including the root (empty for a root CA).
 */
public record CaMaterial(X509Certificate certificate, Optional<PrivateKey> privateKey, Optional<String> keyReference,
                         List<X509Certificate> chain) {
    public CaMaterial {
        requireNonNull(certificate, "certificate is null");
        requireNonNull(privateKey, "privateKey is null");
        requireNonNull(keyReference, "keyReference is null");
        chain = List.copyOf(requireNonNull(chain, "chain is null"));
        if (privateKey.isPresent() == keyReference.isPresent()) {
            throw new IllegalArgumentException("a CA has either a local private key or a key reference");
        }
    }

    /** A CA without a chain (a root). */
    public CaMaterial(X509Certificate certificate, Optional<PrivateKey> privateKey, Optional<String> keyReference) {
        this(certificate, privateKey, keyReference, List.of());
    }

    public static CaMaterial local(X509Certificate certificate, PrivateKey privateKey) {
        return new CaMaterial(certificate, Optional.of(privateKey), Optional.empty());
    }

    public static CaMaterial remote(X509Certificate certificate, String keyReference) {
        return new CaMaterial(certificate, Optional.empty(), Optional.of(keyReference));
    }

    /** This CA with {@code chain} (its issuer first, up to and including the root). */
    public CaMaterial withChain(List<X509Certificate> chain) {
        return new CaMaterial(certificate, privateKey, keyReference, chain);
    }

    /** What servers and clients must trust: the CA certificate followed by its chain. */
    public List<X509Certificate> bundle() {
        List<X509Certificate> bundle = new ArrayList<>();
        bundle.add(certificate);
        bundle.addAll(chain);
        return List.copyOf(bundle);
    }
}
