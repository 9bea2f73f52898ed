package io.s2mtls.core.usecase;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.VerificationResult;
import io.s2mtls.core.pki.VerificationResult.Failure;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.ChainVerifier;
import io.s2mtls.core.x509.Crls;
import io.s2mtls.core.x509.Pem;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
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
     * Checks each certificate file of {@code request}, in order, as {@code s2mtls cert verify} does: against the
     * given CA bundle (the store is then not read) or against the store's CA from the index (no key is decrypted),
     * refusing then what the store records as revoked; the CRLs are read and checked first (a bad one is a
     * bad-input error for the whole request). A file that cannot be read or parsed gets its error as its result.
     */
    public List<VerifyRequest.FileResult> verifyFiles(VerifyRequest request) {
        Optional<StoreIndex> index = request.caBundle().isPresent() ? Optional.empty() : Optional.of(environment.store().index());
        List<X509Certificate> bundle = request.caBundle().isPresent()
                ? Pem.readCertificates(request.caBundle().get().bytes().get(), request.caBundle().get().source())
                : index.orElseThrow().requireAuthority().bundle();
        List<X509CRL> crls = new ArrayList<>();
        for (VerifyRequest.Input crl : request.crls()) {
            crls.addAll(readCrls(crl.bytes().get(), crl.source(), bundle));
        }
        List<VerifyRequest.FileResult> results = new ArrayList<>();
        for (VerifyRequest.Input file : request.certificates()) {
            try {
                List<X509Certificate> presented = Pem.readCertificates(file.bytes().get(), file.source());
                X509Certificate certificate = presented.get(0);
                List<X509Certificate> chain = presented.subList(1, presented.size());
                VerificationResult result = index.isPresent()
                        ? revokedInStore(certificate, index.get()).orElseGet(() -> verify(certificate, chain, bundle, request.clientAuth(), crls))
                        : verify(certificate, chain, bundle, request.clientAuth(), crls);
                results.add(new VerifyRequest.FileResult(result.isOk(), result.describe(), Optional.empty()));
            } catch (S2mtlsException e) {
                results.add(new VerifyRequest.FileResult(false, e.getMessage(), Optional.of(e.kind())));
            }
        }
        return results;
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
