package io.s2mtls.core.usecase;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.CaCertificates;
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
import java.util.Locale;
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

    /**
     * Checks {@code certificate} for client authentication against what the store's CAs tell servers to trust (the
     * issuing CA and its chain, and during a rotation the other CA too), refusing one the store records as revoked;
     * one signed by a CA the store no longer holds (a finished rotation retired it) fails saying so.
     */
    public VerificationResult verify(X509Certificate certificate) {
        StoreIndex index = environment.store().index();
        List<X509Certificate> bundle = trustBundle(index);
        return revokedInStore(certificate, index)
                .orElseGet(() -> explained(verify(certificate, List.of(), bundle, true, List.of()), certificate, index));
    }

    /** What servers must trust by the store's CAs ({@link Authorities#trustBundle()}); a bad-input error without a CA. */
    private static List<X509Certificate> trustBundle(StoreIndex index) {
        index.requireAuthority();
        return index.authorities().orElseThrow().trustBundle();
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
     * given CA bundle (the store is then not read) or against what the store's CAs tell servers to trust, read from
     * the index (no key is decrypted): the issuing CA, and during a rotation the other CA as well. Against the store,
     * what it records as revoked is refused, and a certificate signed by a CA it no longer holds fails saying so. The
     * CRLs are read and checked first (a bad one is a bad-input error for the whole request). A file that cannot be
     * read or parsed gets its error as its result; a certificate that verifies names the CA it chains to.
     */
    public List<VerifyRequest.FileResult> verifyFiles(VerifyRequest request) {
        Optional<StoreIndex> index = request.caBundle().isPresent() ? Optional.empty() : Optional.of(environment.store().index());
        List<X509Certificate> bundle = request.caBundle().isPresent()
                ? Pem.readCertificates(request.caBundle().get().bytes().get(), request.caBundle().get().source())
                : trustBundle(index.orElseThrow());
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
                        ? revokedInStore(certificate, index.get()).orElseGet(() -> explained(verify(certificate, chain, bundle,
                                request.clientAuth(), crls), certificate, index.get()))
                        : verify(certificate, chain, bundle, request.clientAuth(), crls);
                Optional<VerifyRequest.ChainsTo> chainsTo = result.isOk()
                        ? chainsTo(certificate, chain, bundle, index.flatMap(StoreIndex::authorities)) : Optional.empty();
                results.add(new VerifyRequest.FileResult(result.isOk(), result.describe(), Optional.empty(), chainsTo));
            } catch (S2mtlsException e) {
                results.add(new VerifyRequest.FileResult(false, e.getMessage(), Optional.of(e.kind())));
            }
        }
        return results;
    }

    /**
     * The CA that signed {@code certificate}: the certificate of {@code bundle} or {@code presented} named as its
     * issuer whose key verifies its signature; with the store's {@code authorities}, its role there.
     */
    static Optional<VerifyRequest.ChainsTo> chainsTo(X509Certificate certificate, List<X509Certificate> presented,
                                                    List<X509Certificate> bundle, Optional<Authorities> authorities) {
        List<X509Certificate> candidates = new ArrayList<>(bundle);
        candidates.addAll(presented);
        for (X509Certificate candidate : candidates) {
            if (candidate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal()) && signs(candidate, certificate)) {
                Optional<String> role = authorities.flatMap(cas -> role(cas, candidate));
                return Optional.of(new VerifyRequest.ChainsTo(Certificates.subjectOf(candidate).oneline(),
                        candidate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT), role));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> role(Authorities authorities, X509Certificate ca) {
        if (authorities.issuing().certificate().equals(ca)) {
            return Optional.of("issuing");
        }
        if (authorities.next().map(CaCertificates::certificate).filter(ca::equals).isPresent()) {
            return Optional.of("next");
        }
        if (authorities.previous().map(CaCertificates::certificate).filter(ca::equals).isPresent()) {
            return Optional.of("previous");
        }
        return Optional.empty();
    }

    private static boolean signs(X509Certificate issuer, X509Certificate certificate) {
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /**
     * {@code result}, or when it failed to find or check the issuer of a certificate the store records as signed by
     * a CA it no longer holds (a finished rotation retired it), the same failure saying so and how to fix it. Any
     * other failure keeps openssl's words alone.
     */
    private static VerificationResult explained(VerificationResult result, X509Certificate certificate, StoreIndex index) {
        if (result.failure().filter(f -> f == Failure.UNKNOWN_ISSUER || f == Failure.BAD_SIGNATURE).isEmpty()
                || index.authorities().isEmpty()) {
            return result;
        }
        InventoryEntry entry = index.entries().get(certificate.getSerialNumber());
        if (entry == null || entry.issuer().isEmpty()
                || !entry.sha256Fingerprint().equalsIgnoreCase(Certificates.sha256Fingerprint(certificate))) {
            return result;
        }
        Authorities authorities = index.authorities().get();
        List<CaCertificates> held = new ArrayList<>();
        held.add(authorities.issuing());
        authorities.other().ifPresent(held::add);
        if (held.stream().anyMatch(ca -> ca.serial().equals(entry.issuer().get()))) {
            return result;
        }
        String trusted = String.join(" and ", held.stream().map(ca -> "'" + Certificates.subjectOf(ca.certificate()).oneline() + "' (serial "
                + ca.serial().toString(16).toUpperCase(Locale.ROOT) + ")").toList());
        return VerificationResult.failed(result.failure().get(), "'" + entry.name() + "' (serial " + entry.serialHex()
                + ") was signed by the CA with serial " + entry.issuer().get().toString(16).toUpperCase(Locale.ROOT)
                + ", which the store no longer holds (a CA rotation retired it or the CA was replaced); the store's CAs are "
                + trusted + "; renew it: 's2mtls cert renew " + entry.name() + "'");
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
        boolean fromStoreCa = index.authorities().map(Authorities::trustBundle).orElse(List.of()).stream()
                .anyMatch(ca -> ca.getSubjectX500Principal().equals(certificate.getIssuerX500Principal()));
        if (fromStoreCa || entry.sha256Fingerprint().equalsIgnoreCase(Certificates.sha256Fingerprint(certificate))) {
            return Optional.of(VerificationResult.failed(Failure.REVOKED, "the store records serial " + entry.serialHex()
                    + " ('" + entry.name() + "') as revoked"));
        }
        return Optional.empty();
    }
}
