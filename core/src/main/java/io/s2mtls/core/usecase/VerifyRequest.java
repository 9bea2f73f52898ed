package io.s2mtls.core.usecase;

import io.s2mtls.core.error.ErrorKind;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What {@link VerificationUseCase#verifyFiles(VerifyRequest)} checks.
 *
 * @param certificates the certificate files, each a leaf followed by the intermediates the client presents
 * @param caBundle     the CA bundle (PEM) to check against; empty: what the store's CAs tell servers to trust (both
 *                     CAs during a rotation), read from the index (no key is decrypted)
 * @param crls         CRL files (PEM or DER) whose listed certificates are revoked
 * @param clientAuth   sslclient (clientAuth) when true, else sslserver (serverAuth)
 */
public record VerifyRequest(List<Input> certificates, Optional<Input> caBundle, List<Input> crls, boolean clientAuth) {
    public VerifyRequest {
        certificates = List.copyOf(certificates);
        crls = List.copyOf(crls);
    }

    /**
     * One input: its bytes, read when the check comes to it (so a file that cannot be read is that file's result,
     * and inputs are read in the order they are checked), and the source its errors name.
     */
    public record Input(String source, Supplier<byte[]> bytes) {
    }

    /**
     * The result for one certificate file: {@code ok}, and the reason printed after the file's name (the
     * verification's description, or the message of the error that stopped the check); {@code error} is the kind
     * of that error, empty when the file was checked; {@code chainsTo} the CA that signed the certificate, when it
     * verified.
     */
    public record FileResult(boolean ok, String reason, Optional<ErrorKind> error, Optional<ChainsTo> chainsTo) {
        public FileResult {
            java.util.Objects.requireNonNull(reason, "reason is null");
            java.util.Objects.requireNonNull(error, "error is null");
            java.util.Objects.requireNonNull(chainsTo, "chainsTo is null");
        }

        /** A result that names no CA. */
        public FileResult(boolean ok, String reason, Optional<ErrorKind> error) {
            this(ok, reason, error, Optional.empty());
        }
    }

    /**
     * The CA a verified certificate chains to: the one that signed it.
     *
     * @param subject the CA's subject (OpenSSL 3 oneline form)
     * @param serial  the CA certificate's serial, upper-case hex
     * @param role    with the store's CAs: {@code issuing}, or during a rotation {@code next} (phase begun) or
     *                {@code previous} (phase switched); empty against a given bundle
     */
    public record ChainsTo(String subject, String serial, Optional<String> role) {
        public ChainsTo {
            java.util.Objects.requireNonNull(subject, "subject is null");
            java.util.Objects.requireNonNull(serial, "serial is null");
            java.util.Objects.requireNonNull(role, "role is null");
        }

        /** {@code 'subject' (serial S, role)}, for messages. */
        public String describe() {
            return "'" + subject + "' (serial " + serial + role.map(r -> ", the " + r + " CA").orElse("") + ")";
        }
    }
}
