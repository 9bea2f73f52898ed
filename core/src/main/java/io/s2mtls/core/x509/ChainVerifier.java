package io.s2mtls.core.x509;

import io.s2mtls.core.pki.VerificationResult;
import io.s2mtls.core.pki.VerificationResult.Failure;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks a certificate the way a MySQL-family server with OpenSSL 3 does before it compares subjects:
 * a chain to a trusted CA, each link's signature, validity dates, CA flags, the clientAuth purpose,
 * and no SHA-1/MD5 signatures. Reasons are worded as {@code openssl verify} words them.
 */
public final class ChainVerifier {
    private static final int MAX_DEPTH = 8;
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EKU = "2.5.29.37.0";
    private static final Set<String> WEAK_SIGNATURE_OIDS = Set.of(
            "1.2.840.113549.1.1.4", // md5WithRSAEncryption
            "1.2.840.113549.1.1.5", // sha1WithRSAEncryption
            "1.2.840.10045.4.1",    // ecdsa-with-SHA1
            "1.2.840.10040.4.3",    // dsa-with-sha1
            "1.3.14.3.2.29");       // sha1WithRSA (OIW)

    private ChainVerifier() {
    }

    /**
     * @param certificate the certificate to check
     * @param trusted     the CA bundle (roots and intermediates)
     * @param now         the time to check validity at
     * @param clientAuth  whether to require that the certificate may be used for client authentication
     */
    public static VerificationResult verify(X509Certificate certificate, List<X509Certificate> trusted, Instant now, boolean clientAuth) {
        if (clientAuth && !allowsClientAuth(certificate)) {
            return VerificationResult.failed(Failure.NO_CLIENT_AUTH);
        }
        X509Certificate current = certificate;
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            if (isWeak(current)) {
                return VerificationResult.failed(Failure.WEAK_SIGNATURE);
            }
            VerificationResult dates = checkDates(current, now, depth > 0);
            if (!dates.isOk()) {
                return dates;
            }
            X509Certificate issuer = findIssuer(current, trusted);
            if (issuer == null) {
                return VerificationResult.failed(Failure.UNKNOWN_ISSUER);
            }
            try {
                current.verify(issuer.getPublicKey());
            } catch (Exception e) {
                return VerificationResult.failed(Failure.BAD_SIGNATURE);
            }
            if (!isUsableCa(issuer)) {
                return VerificationResult.failed(Failure.ISSUER_NOT_CA);
            }
            if (isSelfIssued(issuer)) {
                VerificationResult anchorDates = checkDates(issuer, now, true);
                return anchorDates.isOk() && isWeakSelfSigned(issuer) ? VerificationResult.failed(Failure.WEAK_SIGNATURE) : anchorDates;
            }
            current = issuer;
        }
        return VerificationResult.failed(Failure.UNKNOWN_ISSUER);
    }

    private static VerificationResult checkDates(X509Certificate certificate, Instant now, boolean isCa) {
        Date at = Date.from(now);
        if (at.before(certificate.getNotBefore())) {
            return VerificationResult.failed(isCa ? Failure.CA_NOT_YET_VALID : Failure.NOT_YET_VALID);
        }
        if (at.after(certificate.getNotAfter())) {
            return VerificationResult.failed(isCa ? Failure.CA_EXPIRED : Failure.EXPIRED);
        }
        return VerificationResult.ok();
    }

    private static X509Certificate findIssuer(X509Certificate certificate, List<X509Certificate> trusted) {
        byte[] issuerName = certificate.getIssuerX500Principal().getEncoded();
        X509Certificate nameMatch = null;
        for (X509Certificate candidate : trusted) {
            if (Arrays.equals(candidate.getSubjectX500Principal().getEncoded(), issuerName)) {
                try {
                    certificate.verify(candidate.getPublicKey());
                    return candidate;
                } catch (Exception e) {
                    nameMatch = candidate;
                }
            }
        }
        return nameMatch;
    }

    private static boolean isUsableCa(X509Certificate issuer) {
        if (issuer.getBasicConstraints() < 0) {
            return false;
        }
        boolean[] keyUsage = issuer.getKeyUsage();
        return keyUsage == null || (keyUsage.length > 5 && keyUsage[5]);
    }

    private static boolean isSelfIssued(X509Certificate certificate) {
        return Arrays.equals(certificate.getSubjectX500Principal().getEncoded(), certificate.getIssuerX500Principal().getEncoded());
    }

    private static boolean isWeak(X509Certificate certificate) {
        return WEAK_SIGNATURE_OIDS.contains(certificate.getSigAlgOID())
                || certificate.getSigAlgName().toUpperCase(Locale.ROOT).matches(".*(MD5|SHA1(?!\\d)).*");
    }

    /** A trust anchor's own self-signature is not checked by OpenSSL at security level 1; ours rejects MD5 only. */
    private static boolean isWeakSelfSigned(X509Certificate anchor) {
        return "1.2.840.113549.1.1.4".equals(anchor.getSigAlgOID());
    }

    /** True when the certificate has no EKU (any purpose) or its EKU includes clientAuth or anyExtendedKeyUsage. */
    public static boolean allowsClientAuth(X509Certificate certificate) {
        try {
            List<String> purposes = certificate.getExtendedKeyUsage();
            return purposes == null || purposes.contains(CLIENT_AUTH) || purposes.contains(ANY_EKU);
        } catch (CertificateParsingException e) {
            return false;
        }
    }
}
