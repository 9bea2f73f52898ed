package io.s2mtls.core.x509;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.SubjectAltName;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;

/** Builds and signs X.509 certificates, and reads facts off them. */
public final class Certificates {
    private Certificates() {
    }

    /** A positive serial of 127 random bits (16 octets in DER at most), never zero. */
    public static BigInteger randomSerial(SecureRandom random) {
        BigInteger serial;
        do {
            serial = new BigInteger(127, random);
        } while (serial.bitLength() < 64);
        return serial;
    }

    /** A self-signed CA certificate. */
    public static X509Certificate selfSignedCa(CertificateTemplate template, SigningKey key) {
        if (template.profile() != CertificateProfile.CA) {
            throw new IllegalArgumentException("a self-signed certificate here is always a CA");
        }
        return build(template, template.subject(), null, key, null);
    }

    /**
     * A self-signed CA certificate whose basicConstraints limit the CAs below it to {@code pathLength} (1 for a root
     * that signs intermediates, which sign only end-entity certificates).
     */
    public static X509Certificate selfSignedCa(CertificateTemplate template, SigningKey key, int pathLength) {
        if (template.profile() != CertificateProfile.CA) {
            throw new IllegalArgumentException("a self-signed certificate here is always a CA");
        }
        return build(template, template.subject(), null, key, pathLength);
    }

    /**
     * An intermediate CA certificate for {@code template}'s subject and key, signed by the CA {@code issuer}, with
     * basicConstraints pathLenConstraint {@code pathLength} (0: it signs end-entity certificates only).
     */
    public static X509Certificate issueCa(CertificateTemplate template, X509Certificate issuer, SigningKey key, int pathLength) {
        if (template.profile() != CertificateProfile.CA) {
            throw new IllegalArgumentException("an intermediate CA certificate needs the CA profile");
        }
        return build(template, subjectOf(issuer), issuer, key, pathLength);
    }

    /** A certificate for {@code template}'s subject and key, signed by the CA {@code issuer}. */
    public static X509Certificate issue(CertificateTemplate template, X509Certificate issuer, SigningKey key) {
        return build(template, subjectOf(issuer), issuer, key, null);
    }

    private static X509Certificate build(CertificateTemplate template, DistinguishedName issuerName,
                                         X509Certificate issuer, SigningKey key, Integer pathLength) {
        try {
            X500Name subject = X500Name.getInstance(ASN1Primitive.fromByteArray(template.subject().toDer()));
            X500Name issuerX500 = X500Name.getInstance(ASN1Primitive.fromByteArray(issuerName.toDer()));
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerX500, template.serial(),
                    Date.from(template.notBefore()), Date.from(template.notAfter()), subject, template.publicKey());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(template.publicKey()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    issuer == null ? extensions.createAuthorityKeyIdentifier(key.publicKey())
                            : extensions.createAuthorityKeyIdentifier(issuer));
            addProfile(builder, template, pathLength);
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(key.contentSigner()));
            certificate.verify(key.publicKey());
            if (!Arrays.equals(certificate.getSubjectX500Principal().getEncoded(), template.subject().toDer())) {
                throw S2mtlsException.badInput("subject '" + template.subject().oneline()
                        + "' is not in canonical DER form, so the certificate would carry a different subject; re-create the CSR");
            }
            return certificate;
        } catch (S2mtlsException e) {
            throw e;
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw S2mtlsException.internal("cannot build the certificate for '" + template.subject()
                    + "': " + Pem.reason(e), e);
        }
    }

    private static void addProfile(X509v3CertificateBuilder builder, CertificateTemplate template, Integer pathLength) throws CertIOException {
        switch (template.profile()) {
            case CA -> {
                builder.addExtension(Extension.basicConstraints, true,
                        pathLength == null ? new BasicConstraints(true) : new BasicConstraints(pathLength));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            }
            case CLIENT, SERVER -> {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                int usage = KeyUsage.digitalSignature;
                if (template.publicKey() instanceof RSAPublicKey) {
                    usage |= KeyUsage.keyEncipherment;
                }
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
                KeyPurposeId purpose = template.profile() == CertificateProfile.CLIENT
                        ? KeyPurposeId.id_kp_clientAuth : KeyPurposeId.id_kp_serverAuth;
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
                if (!template.subjectAltNames().isEmpty()) {
                    GeneralName[] names = template.subjectAltNames().stream()
                            .map(san -> new GeneralName(san.type() == SubjectAltName.Type.DNS
                                    ? GeneralName.dNSName : GeneralName.iPAddress, san.value()))
                            .toArray(GeneralName[]::new);
                    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
                }
            }
            default -> throw new IllegalStateException(template.profile().name());
        }
    }

    /** The certificate's subject, exactly as encoded in it. */
    public static DistinguishedName subjectOf(X509Certificate certificate) {
        return DistinguishedName.fromDer(certificate.getSubjectX500Principal().getEncoded());
    }

    public static DistinguishedName issuerOf(X509Certificate certificate) {
        return DistinguishedName.fromDer(certificate.getIssuerX500Principal().getEncoded());
    }

    /** Lower-case hex SHA-256 of the certificate's DER. */
    public static String sha256Fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw S2mtlsException.internal("cannot fingerprint certificate", e);
        }
    }

    /** True when the certificate says it is a CA (basicConstraints CA:TRUE). */
    public static boolean isCa(X509Certificate certificate) {
        return certificate.getBasicConstraints() >= 0;
    }

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

    /**
     * Why {@code certificate} cannot act as a CA that signs client certificates, as openssl judges it, or
     * null when it can: basicConstraints CA:TRUE, keyCertSign in keyUsage (when there is a keyUsage), and
     * clientAuth or anyExtendedKeyUsage in extendedKeyUsage (when there is one).
     */
    public static String caProblem(X509Certificate certificate) {
        if (!isCa(certificate)) {
            return "the certificate is not a CA (basicConstraints CA:TRUE missing)";
        }
        boolean[] keyUsage = certificate.getKeyUsage();
        if (keyUsage != null && (keyUsage.length <= 5 || !keyUsage[5])) {
            return "the CA certificate's keyUsage lacks keyCertSign, so it cannot sign certificates";
        }
        try {
            java.util.List<String> purposes = certificate.getExtendedKeyUsage();
            if (purposes != null && !purposes.contains(CLIENT_AUTH) && !purposes.contains(ANY_EXTENDED_KEY_USAGE)) {
                return "the CA certificate's extendedKeyUsage (" + String.join(", ", purposes.stream().map(Certificates::purposeName).toList())
                        + ") excludes clientAuth, so openssl and the server refuse the client certificates it signs";
            }
        } catch (java.security.cert.CertificateParsingException e) {
            return "the CA certificate's extendedKeyUsage is unreadable (" + Pem.reason(e) + ")";
        }
        return null;
    }

    /** serverAuth, clientAuth, ... for the common purposes; the OID otherwise. */
    public static String purposeName(String oid) {
        return switch (oid) {
            case "1.3.6.1.5.5.7.3.1" -> "serverAuth";
            case CLIENT_AUTH -> "clientAuth";
            case "1.3.6.1.5.5.7.3.3" -> "codeSigning";
            case "1.3.6.1.5.5.7.3.4" -> "emailProtection";
            case "1.3.6.1.5.5.7.3.8" -> "timeStamping";
            case "1.3.6.1.5.5.7.3.9" -> "OCSPSigning";
            case ANY_EXTENDED_KEY_USAGE -> "anyExtendedKeyUsage";
            default -> oid;
        };
    }

    /** True when the certificate's issuer is its subject (a root, or a self-issued CA). */
    public static boolean selfIssued(X509Certificate certificate) {
        return Arrays.equals(certificate.getIssuerX500Principal().getEncoded(), certificate.getSubjectX500Principal().getEncoded());
    }

    /**
     * The chain above {@code ca}, its issuer first, up to and including the root, built from {@code candidates}
     * (in any order; {@code ca} itself may be among them). Each link must match by name and by signature, and every
     * candidate must be used. An intermediate without candidates, a missing link, or an extra certificate is
     * refused with one line naming {@code caSource} or {@code chainSource}.
     */
    public static java.util.List<X509Certificate> chainOf(X509Certificate ca, java.util.List<X509Certificate> candidates,
                                                          String caSource, String chainSource) {
        java.util.List<X509Certificate> remaining = new java.util.ArrayList<>(candidates.stream().filter(c -> !c.equals(ca)).toList());
        java.util.List<X509Certificate> chain = new java.util.ArrayList<>();
        X509Certificate current = ca;
        while (!selfIssued(current)) {
            X509Certificate child = current;
            X509Certificate issuer = remaining.stream()
                    .filter(c -> Arrays.equals(c.getSubjectX500Principal().getEncoded(), child.getIssuerX500Principal().getEncoded()))
                    .filter(c -> signedBy(child, c))
                    .findFirst().orElse(null);
            if (issuer == null) {
                if (candidates.stream().allMatch(ca::equals)) {
                    throw S2mtlsException.badInput(caSource + ": the CA is an intermediate (issued by '" + issuerOf(ca).oneline()
                            + "'); give the certificates above it, up to and including the root, with --chain FILE");
                }
                throw S2mtlsException.badInput(chainSource + ": does not hold the issuer of '" + subjectOf(child).oneline() + "' ('"
                        + issuerOf(child).oneline() + "') with a signature that verifies; give the intermediates up to and including the root");
            }
            chain.add(issuer);
            remaining.remove(issuer);
            current = issuer;
        }
        if (!remaining.isEmpty()) {
            throw S2mtlsException.badInput(chainSource + ": holds '" + subjectOf(remaining.get(0)).oneline()
                    + "', which is not in the chain of '" + subjectOf(ca).oneline() + "'; give only the certificates above the CA, up to and including the root");
        }
        return java.util.List.copyOf(chain);
    }

    private static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Whether the public keys are the same key. */
    public static boolean sameKey(PublicKey a, PublicKey b) {
        return Arrays.equals(a.getEncoded(), b.getEncoded());
    }

    static byte[] der(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw S2mtlsException.internal("cannot encode certificate", e);
        }
    }
}
