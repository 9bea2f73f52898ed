package io.s2mtls.core.pki;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of checking one certificate against a CA bundle. The reason is worded as
 * {@code openssl verify} words it; the detail says which certificate and why.
 */
public record VerificationResult(Optional<Failure> failure, Optional<String> detail) {
    public VerificationResult {
        requireNonNull(failure, "failure is null");
        requireNonNull(detail, "detail is null");
    }

    public VerificationResult(Optional<Failure> failure) {
        this(failure, Optional.empty());
    }

    /** Why a certificate was rejected; {@link #reason()} is openssl's own wording of it. */
    public enum Failure {
        EXPIRED("certificate has expired"),
        NOT_YET_VALID("certificate is not yet valid"),
        UNKNOWN_ISSUER("unable to get local issuer certificate"),
        BAD_SIGNATURE("certificate signature failure"),
        ISSUER_NOT_CA("invalid CA certificate"),
        UNSUITABLE_PURPOSE("unsuitable certificate purpose"),
        WEAK_SIGNATURE("CA signature digest algorithm too weak"),
        CA_EXPIRED("CA certificate has expired"),
        CA_NOT_YET_VALID("CA certificate is not yet valid"),
        EE_KEY_TOO_SMALL("EE certificate key too weak"),
        CA_KEY_TOO_SMALL("CA certificate key too weak"),
        UNHANDLED_CRITICAL_EXTENSION("unhandled critical extension"),
        PATH_LENGTH_EXCEEDED("path length constraint exceeded"),
        PERMITTED_VIOLATION("permitted subtree violation"),
        EXCLUDED_VIOLATION("excluded subtree violation"),
        SELF_SIGNED("self-signed certificate"),
        SELF_SIGNED_IN_CHAIN("self-signed certificate in certificate chain"),
        REVOKED("certificate revoked"),
        NO_CRL("unable to get certificate CRL");

        private final String reason;

        Failure(String reason) {
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    public static VerificationResult ok() {
        return new VerificationResult(Optional.empty(), Optional.empty());
    }

    public static VerificationResult failed(Failure failure) {
        return new VerificationResult(Optional.of(failure), Optional.empty());
    }

    public static VerificationResult failed(Failure failure, String detail) {
        return new VerificationResult(Optional.of(failure), Optional.of(detail));
    }

    public boolean isOk() {
        return failure.isEmpty();
    }

    /** {@code OK}, or the reason followed by the detail in parentheses. */
    public String describe() {
        return failure.map(f -> f.reason() + detail.map(d -> " (" + d + ")").orElse("")).orElse("OK");
    }
}
