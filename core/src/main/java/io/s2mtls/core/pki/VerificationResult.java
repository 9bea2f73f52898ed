package io.s2mtls.core.pki;

import java.util.Optional;

/** The outcome of checking one certificate against a CA bundle, worded as {@code openssl verify} words it. */
public record VerificationResult(Optional<Failure> failure) {

    /** Why a certificate was rejected. */
    public enum Failure {
        EXPIRED("certificate has expired"),
        NOT_YET_VALID("certificate is not yet valid"),
        UNKNOWN_ISSUER("unable to get local issuer certificate"),
        BAD_SIGNATURE("certificate signature failure"),
        ISSUER_NOT_CA("issuer is not a CA (basicConstraints CA:FALSE or missing, or no keyCertSign)"),
        NO_CLIENT_AUTH("unsuitable certificate purpose: no clientAuth extended key usage"),
        WEAK_SIGNATURE("weak signature algorithm (SHA-1 or MD5): SingleStore 8.1+ rejects it"),
        CA_EXPIRED("CA certificate has expired"),
        CA_NOT_YET_VALID("CA certificate is not yet valid");

        private final String reason;

        Failure(String reason) {
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    public static VerificationResult ok() {
        return new VerificationResult(Optional.empty());
    }

    public static VerificationResult failed(Failure failure) {
        return new VerificationResult(Optional.of(failure));
    }

    public boolean isOk() {
        return failure.isEmpty();
    }

    /** {@code OK} or the reason. */
    public String describe() {
        return failure.map(Failure::reason).orElse("OK");
    }
}
