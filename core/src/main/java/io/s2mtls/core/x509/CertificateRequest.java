package io.s2mtls.core.x509;

import io.s2mtls.core.dn.DistinguishedName;

import java.security.PublicKey;

import static java.util.Objects.requireNonNull;

/** A parsed PKCS#10 request whose signature has been verified. */
public record CertificateRequest(DistinguishedName subject, PublicKey publicKey, byte[] der) {
    public CertificateRequest {
        requireNonNull(subject, "subject is null");
        requireNonNull(publicKey, "publicKey is null");
        der = der.clone();
    }

    @Override
    public byte[] der() {
        return der.clone();
    }

    public String pem() {
        return Pem.block("CERTIFICATE REQUEST", der);
    }
}
