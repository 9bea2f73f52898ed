package io.s2mtls.core.usecase;

import io.s2mtls.core.pki.VerificationResult;
import io.s2mtls.core.x509.ChainVerifier;

import java.security.cert.X509Certificate;
import java.util.List;

/** Checking certificates as the database server will. */
public final class VerificationUseCase {
    private final Environment environment;

    VerificationUseCase(Environment environment) {
        this.environment = environment;
    }

    /** Checks {@code certificate} against the store's CA, for client authentication. */
    public VerificationResult verify(X509Certificate certificate) {
        return verify(certificate, List.of(environment.store().read().requireAuthority().certificate()), true);
    }

    /** Checks {@code certificate} against {@code bundle}; {@code clientAuth} also requires the clientAuth purpose. */
    public VerificationResult verify(X509Certificate certificate, List<X509Certificate> bundle, boolean clientAuth) {
        return ChainVerifier.verify(certificate, bundle, environment.clock().instant(), clientAuth);
    }
}
