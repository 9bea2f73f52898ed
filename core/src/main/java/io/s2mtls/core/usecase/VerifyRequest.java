package io.s2mtls.core.usecase;

import io.s2mtls.core.error.ErrorKind;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What {@link VerificationUseCase#verifyFiles(VerifyRequest)} checks.
 *
 * @param certificates the certificate files, each a leaf followed by the intermediates the client presents
 * @param caBundle     the CA bundle (PEM) to check against; empty: the store's CA, read from the index (no key is decrypted)
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
     * of that error, empty when the file was checked.
     */
    public record FileResult(boolean ok, String reason, Optional<ErrorKind> error) {
    }
}
