package io.s2mtls.core.pki;

import java.math.BigInteger;
import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * One line of the record of what was issued, to whom, and until when.
 *
 * @param serial            the certificate serial number (positive, at least 64 random bits)
 * @param name              the credential name it is stored under
 * @param subject           the subject as the server compares it (OpenSSL 3 oneline form)
 * @param notBefore         start of validity
 * @param notAfter          end of validity
 * @param sha256Fingerprint lower-case hex SHA-256 of the certificate DER
 * @param profile           CA, CLIENT or SERVER
 * @param status            VALID, SUPERSEDED or REVOKED
 * @param recordedAt        when the store recorded it
 * @param issuer            the serial of the CA certificate that signed it; empty for entries recorded before
 *                          stores kept it (those were signed by the CA that issued before the first rotation)
 */
public record InventoryEntry(
        BigInteger serial,
        String name,
        String subject,
        Instant notBefore,
        Instant notAfter,
        String sha256Fingerprint,
        CertificateProfile profile,
        CertificateStatus status,
        Instant recordedAt,
        java.util.Optional<BigInteger> issuer) {
    public InventoryEntry {
        requireNonNull(serial, "serial is null");
        requireNonNull(name, "name is null");
        requireNonNull(subject, "subject is null");
        requireNonNull(notBefore, "notBefore is null");
        requireNonNull(notAfter, "notAfter is null");
        requireNonNull(sha256Fingerprint, "sha256Fingerprint is null");
        requireNonNull(profile, "profile is null");
        requireNonNull(status, "status is null");
        requireNonNull(recordedAt, "recordedAt is null");
        requireNonNull(issuer, "issuer is null");
    }

    /** An entry whose issuing CA is not recorded. */
    public InventoryEntry(BigInteger serial, String name, String subject, Instant notBefore, Instant notAfter,
                          String sha256Fingerprint, CertificateProfile profile, CertificateStatus status, Instant recordedAt) {
        this(serial, name, subject, notBefore, notAfter, sha256Fingerprint, profile, status, recordedAt, java.util.Optional.empty());
    }

    /** Whether the CA certificate with serial {@code caSerial} signed it; an entry without a recorded issuer counts as signed by {@code unrecordedIssuer}. */
    public boolean signedBy(BigInteger caSerial, BigInteger unrecordedIssuer) {
        return issuer.orElse(unrecordedIssuer).equals(caSerial);
    }

    public InventoryEntry withStatus(CertificateStatus newStatus) {
        return new InventoryEntry(serial, name, subject, notBefore, notAfter, sha256Fingerprint, profile, newStatus, recordedAt, issuer);
    }

    /** The serial as colon-free upper-case hex, as {@code openssl x509 -serial} prints it. */
    public String serialHex() {
        return serial.toString(16).toUpperCase(java.util.Locale.ROOT);
    }
}
