package io.s2mtls.core.pki;

/** What a certificate is for; decides its extensions. */
public enum CertificateProfile {
    /** A certificate authority: basicConstraints CA:TRUE, keyCertSign and cRLSign. */
    CA,
    /** A database login: EKU clientAuth. */
    CLIENT,
    /** A database server: EKU serverAuth plus DNS/IP subject alternative names. */
    SERVER
}
