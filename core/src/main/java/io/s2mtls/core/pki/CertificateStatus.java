package io.s2mtls.core.pki;

/** The state of an issued certificate in the inventory. */
public enum CertificateStatus {
    VALID,
    /** Replaced by a renewal; still cryptographically valid until it expires. */
    SUPERSEDED,
    REVOKED
}
