package io.s2mtls.core.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An issued certificate kept in a store under a name, with its private key when s2mtls generated it
 * (a certificate signed from a CSR has no key here).
 */
public record Credential(String name, X509Certificate certificate, Optional<PrivateKey> privateKey) {
    public Credential {
        requireNonNull(name, "name is null");
        requireNonNull(certificate, "certificate is null");
        requireNonNull(privateKey, "privateKey is null");
        CredentialName.check(name);
    }
}
