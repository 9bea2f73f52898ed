package io.s2mtls.core.usecase;

import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.VerificationResult;
import io.s2mtls.core.pki.VerificationResult.Failure;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.ChainVerifier;
import io.s2mtls.core.x509.Crls;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Checking certificates as the database server will: as {@code openssl verify -auth_level 2 -purpose sslclient}
 * (or {@code sslserver}) does, plus the revocations the store records and those of the CRLs given.
 */
public final class VerificationUseCase {
    private final Environment environment;

    VerificationUseCase(Environment environment) {
        this.environment = environment;
    }

    /** Checks {@code certificate} against the store's CA (and the chain above it), for client authentication, refusing one the store records as revoked. */
    public VerificationResult verify(X509Certificate certificate) {
        StoreIndex index = environment.store().index();
        List<X509Certificate> bundle = index.requireAuthority().bundle();
        return revokedInStore(certificate, index)
                .orElseGet(() -> verify(certificate, List.of(), bundle, true, List.of()));
    }

    /** Checks {@code certificate} against {@code bundle}; {@code clientAuth} selects sslclient, else sslserver. The store is not read. */
    public VerificationResult verify(X509Certificate certificate, List<X509Certificate> bundle, boolean clientAuth) {
        return verify(certificate, List.of(), bundle, clientAuth, List.of());
    }

    /**
     * Checks {@code certificate}, presented with the intermediates {@code untrusted}, against {@code bundle}; with
     * {@code crls} (from {@link #readCrls}) not empty, the leaf's issuer must have a CRL there and the leaf must
     * not be in it. The store is not read.
     */
    public VerificationResult verify(X509Certificate certificate, List<X509Certificate> untrusted, List<X509Certificate> bundle,
                                     boolean clientAuth, List<X509CRL> crls) {
        return ChainVerifier.verify(certificate, untrusted, bundle, environment.clock().instant(), clientAuth, crls);
    }

    /**
     * As {@link #verify(X509Certificate, List, List, boolean, List)}, and first refuses a certificate that the
     * store records as revoked.
     */
    public VerificationResult verifyWithStoreRevocations(X509Certificate certificate, List<X509Certificate> untrusted,
                                                         List<X509Certificate> bundle, boolean clientAuth, List<X509CRL> crls) {
        return revokedInStore(certificate, environment.store().index())
                .orElseGet(() -> verify(certificate, untrusted, bundle, clientAuth, crls));
    }

    /**
     * The CRLs in {@code data}, each checked against {@code bundle} at the current time (signed by a CA there,
     * current, no unhandled critical extension); any problem is a bad-input error naming {@code source}.
     */
    public List<X509CRL> readCrls(byte[] data, String source, List<X509Certificate> bundle) {
        List<X509CRL> crls = Crls.read(data, source);
        for (X509CRL crl : crls) {
            Crls.check(crl, bundle, environment.clock().instant(), source);
        }
        return crls;
    }

    /**
     * A revoked entry for this very certificate (same fingerprint, or same serial from the store's CA): one
     * look-up by serial, since the same fingerprint means the same certificate and so the same serial.
     */
    private static Optional<VerificationResult> revokedInStore(X509Certificate certificate, StoreIndex index) {
        InventoryEntry entry = index.entries().get(certificate.getSerialNumber());
        if (entry == null || entry.status() != CertificateStatus.REVOKED) {
            return Optional.empty();
        }
        boolean fromStoreCa = index.authority()
                .map(ca -> ca.certificate().getSubjectX500Principal().equals(certificate.getIssuerX500Principal()))
                .orElse(false);
        if (fromStoreCa || entry.sha256Fingerprint().equalsIgnoreCase(Certificates.sha256Fingerprint(certificate))) {
            return Optional.of(VerificationResult.failed(Failure.REVOKED, "the store records serial " + entry.serialHex()
                    + " ('" + entry.name() + "') as revoked"));
        }
        return Optional.empty();
    }
}
