package io.s2mtls.core.x509;

import io.s2mtls.core.error.S2mtlsException;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.cert.CRL;
import java.security.cert.CRLException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/** Certificate revocation lists, for servers and clients that read one. */
public final class Crls {
    private Crls() {
    }

    /** A revoked certificate: its serial and when it was revoked. */
    public record Revoked(BigInteger serial, Instant revokedAt) {
    }

    public static X509CRL build(X509Certificate ca, SigningKey key, List<Revoked> revoked, Instant thisUpdate,
                                Instant nextUpdate, BigInteger number) {
        try {
            X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(ca.getSubjectX500Principal(), Date.from(thisUpdate));
            builder.setNextUpdate(Date.from(nextUpdate));
            for (Revoked entry : revoked) {
                builder.addCRLEntry(entry.serial(), Date.from(entry.revokedAt()), CRLReason.unspecified);
            }
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
            builder.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
            X509CRL crl = new JcaX509CRLConverter().getCRL(builder.build(key.contentSigner()));
            crl.verify(ca.getPublicKey());
            return crl;
        } catch (Exception e) {
            throw S2mtlsException.internal("cannot build the CRL: " + Pem.reason(e), e);
        }
    }

    public static String pem(X509CRL crl) {
        try {
            return Pem.block("X509 CRL", crl.getEncoded());
        } catch (CRLException e) {
            throw S2mtlsException.internal("cannot encode the CRL", e);
        }
    }

    /** Critical CRL extensions openssl handles: issuing distribution point, authority key identifier, delta CRL indicator. */
    private static final Set<String> HANDLED_CRITICAL = Set.of("2.5.29.28", "2.5.29.35", "2.5.29.27");

    /** Every CRL in {@code data}: PEM ({@code -----BEGIN X509 CRL-----}, possibly several) or one DER CRL. */
    public static List<X509CRL> read(byte[] data, String source) {
        List<X509CRL> crls = new ArrayList<>();
        try {
            for (CRL crl : CertificateFactory.getInstance("X.509").generateCRLs(new ByteArrayInputStream(data))) {
                crls.add((X509CRL) crl);
            }
        } catch (Exception e) {
            throw S2mtlsException.badInput(source + ": not a CRL (expected PEM '-----BEGIN X509 CRL-----' or DER): " + Pem.reason(e), e);
        }
        if (crls.isEmpty()) {
            throw S2mtlsException.badInput(source + ": no CRL found (expected PEM '-----BEGIN X509 CRL-----' or DER)");
        }
        return List.copyOf(crls);
    }

    /**
     * Checks {@code crl} as openssl does before it trusts one: issued and signed by a CA in {@code bundle} whose
     * key usage allows cRLSign, current at {@code now}, and without a critical extension openssl does not handle.
     * Any problem is a bad-input error naming {@code source}.
     */
    public static void check(X509CRL crl, List<X509Certificate> bundle, Instant now, String source) {
        String issuer = crl.getIssuerX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253);
        List<X509Certificate> named = bundle.stream().filter(ca -> ca.getSubjectX500Principal().equals(crl.getIssuerX500Principal())).toList();
        if (named.isEmpty()) {
            throw S2mtlsException.badInput(source + ": the CRL is issued by '" + issuer
                    + "', which is not a CA in the bundle checked against; give the CRL of the CA that issued the certificates");
        }
        X509Certificate signer = null;
        for (X509Certificate ca : named) {
            try {
                crl.verify(ca.getPublicKey());
                signer = ca;
                break;
            } catch (Exception e) {
                // try the next CA of that name
            }
        }
        if (signer == null) {
            throw S2mtlsException.badInput(source + ": the CRL's signature does not verify with the key of '" + issuer
                    + "'; it was made by another CA of that name or altered; get a fresh one from the CA");
        }
        boolean[] keyUsage = signer.getKeyUsage();
        if (keyUsage != null && !(keyUsage.length > 6 && keyUsage[6])) {
            throw S2mtlsException.badInput(source + ": the CA '" + issuer + "' may not sign CRLs (its keyUsage lacks cRLSign)");
        }
        Set<String> critical = crl.getCriticalExtensionOIDs();
        if (critical != null) {
            for (String oid : critical) {
                if (!HANDLED_CRITICAL.contains(oid)) {
                    throw S2mtlsException.badInput(source + ": the CRL has extension " + oid + " marked critical, which OpenSSL does not handle");
                }
            }
        }
        Date at = Date.from(now);
        if (at.before(crl.getThisUpdate())) {
            throw S2mtlsException.badInput(source + ": the CRL is not yet valid (thisUpdate " + crl.getThisUpdate().toInstant()
                    + "); check the clock, or make a new one with 's2mtls ca crl --out FILE'");
        }
        if (crl.getNextUpdate() != null && at.after(crl.getNextUpdate())) {
            throw S2mtlsException.badInput(source + ": the CRL has expired (nextUpdate " + crl.getNextUpdate().toInstant()
                    + "); make a fresh one with 's2mtls ca crl --out FILE'");
        }
    }
}
