package io.s2mtls.core.x509;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The facts {@code cert show} prints, read from the certificate's ASN.1 structure alone: a certificate whose
 * public key s2mtls cannot use (explicit curve parameters, a compressed point, SM2, DH) is still described,
 * its key as {@code unsupported key (OID ...)}.
 */
public record CertificateSummary(DistinguishedName subject, DistinguishedName issuer, BigInteger serial, Instant notBefore,
                                 Instant notAfter, String key, String signatureAlgorithm, boolean ca,
                                 List<String> extendedKeyUsage, List<String> subjectAltNames, String sha256) {
    public CertificateSummary {
        extendedKeyUsage = List.copyOf(extendedKeyUsage);
        subjectAltNames = List.copyOf(subjectAltNames);
    }

    /** The first certificate in {@code data} (PEM, TRUSTED CERTIFICATE, DER, ...: as {@link Pem#certificateDers}). */
    public static CertificateSummary read(byte[] data, String source) {
        return of(Pem.certificateDers(data, source).get(0), source);
    }

    static CertificateSummary of(byte[] der, String source) {
        try {
            Certificate certificate = Certificate.getInstance(der);
            Extensions extensions = certificate.getTBSCertificate().getExtensions();
            BasicConstraints constraints = extensions == null ? null : BasicConstraints.fromExtensions(extensions);
            List<String> purposes = new ArrayList<>();
            ExtendedKeyUsage usage = extensions == null ? null : ExtendedKeyUsage.fromExtensions(extensions);
            if (usage != null) {
                for (KeyPurposeId purpose : usage.getUsages()) {
                    purposes.add(Certificates.purposeName(purpose.getId()));
                }
            }
            List<String> names = new ArrayList<>();
            GeneralNames alternatives = extensions == null ? null : GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
            if (alternatives != null) {
                for (GeneralName name : alternatives.getNames()) {
                    names.add(altName(name));
                }
            }
            return new CertificateSummary(
                    DistinguishedName.fromDer(certificate.getSubject().getEncoded()),
                    DistinguishedName.fromDer(certificate.getIssuer().getEncoded()),
                    certificate.getSerialNumber().getValue(),
                    instant(certificate.getStartDate()), instant(certificate.getEndDate()),
                    KeyPairs.describe(certificate.getSubjectPublicKeyInfo()),
                    signatureName(certificate, der),
                    constraints != null && constraints.isCA(),
                    purposes, names,
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der)));
        } catch (S2mtlsException e) {
            throw e;
        } catch (Exception e) {
            throw S2mtlsException.badInput(source + ": malformed certificate (" + Pem.reason(e) + ")", e);
        }
    }

    private static Instant instant(Time time) {
        return time.getDate().toInstant();
    }

    /** The JDK's name (SHA256withRSA) when the JDK reads the certificate, else Bouncy Castle's in the same style. */
    private static String signatureName(Certificate certificate, byte[] der) {
        try {
            X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
            return parsed.getSigAlgName();
        } catch (GeneralSecurityException | RuntimeException e) {
            return new DefaultAlgorithmNameFinder().getAlgorithmName(certificate.getSignatureAlgorithm()).replace("WITH", "with");
        }
    }

    private static String altName(GeneralName name) {
        return switch (name.getTagNo()) {
            case GeneralName.dNSName -> "DNS:" + name.getName();
            case GeneralName.iPAddress -> "IP:" + ipAddress(ASN1OctetString.getInstance(name.getName()).getOctets());
            default -> name.getTagNo() + ":" + name.getName();
        };
    }

    /** 192.0.2.1, or eight hex groups for IPv6 (the JDK's form), or hex for anything else. */
    private static String ipAddress(byte[] address) {
        StringBuilder text = new StringBuilder();
        if (address.length == 4) {
            for (byte octet : address) {
                text.append(text.length() == 0 ? "" : ".").append(octet & 0xFF);
            }
        } else if (address.length == 16) {
            for (int i = 0; i < 16; i += 2) {
                text.append(i == 0 ? "" : ":").append(Integer.toHexString(((address[i] & 0xFF) << 8) | (address[i + 1] & 0xFF)));
            }
        } else {
            text.append(HexFormat.of().formatHex(address));
        }
        return text.toString();
    }
}
