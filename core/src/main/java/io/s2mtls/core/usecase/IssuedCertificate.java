package io.s2mtls.core.usecase;

import io.s2mtls.core.pki.InventoryEntry;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A certificate just issued and recorded: the certificate, its private key when s2mtls generated it,
 * the CA certificate that signed it, and its inventory entry.
 */
public record IssuedCertificate(X509Certificate certificate, Optional<PrivateKey> privateKey,
                                X509Certificate caCertificate, InventoryEntry entry) {
    public IssuedCertificate {
        requireNonNull(certificate, "certificate is null");
        requireNonNull(privateKey, "privateKey is null");
        requireNonNull(caCertificate, "caCertificate is null");
        requireNonNull(entry, "entry is null");
    }

    public String name() {
        return entry.name();
    }
}
