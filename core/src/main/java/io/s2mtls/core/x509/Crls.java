package io.s2mtls.core.x509;

import io.s2mtls.core.error.S2mtlsException;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;

import java.math.BigInteger;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;

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
}
