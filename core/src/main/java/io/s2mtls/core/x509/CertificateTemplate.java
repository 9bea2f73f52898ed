package io.s2mtls.core.x509;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.SubjectAltName;

import java.math.BigInteger;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** Everything that goes into a certificate except the issuer's signature. */
public record CertificateTemplate(
        DistinguishedName subject,
        PublicKey publicKey,
        CertificateProfile profile,
        BigInteger serial,
        Instant notBefore,
        Instant notAfter,
        List<SubjectAltName> subjectAltNames) {
    public CertificateTemplate {
        requireNonNull(subject, "subject is null");
        requireNonNull(publicKey, "publicKey is null");
        requireNonNull(profile, "profile is null");
        requireNonNull(serial, "serial is null");
        requireNonNull(notBefore, "notBefore is null");
        requireNonNull(notAfter, "notAfter is null");
        subjectAltNames = List.copyOf(subjectAltNames);
        if (serial.signum() <= 0) {
            throw new IllegalArgumentException("serial must be positive");
        }
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter must be after notBefore");
        }
    }
}
