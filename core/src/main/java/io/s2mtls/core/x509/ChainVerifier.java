package io.s2mtls.core.x509;

import io.s2mtls.core.pki.VerificationResult;
import io.s2mtls.core.pki.VerificationResult.Failure;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraintValidatorException;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PKIXNameConstraintValidator;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a certificate as {@code openssl verify -auth_level 2 -purpose sslclient} (or {@code sslserver})
 * does, in openssl's order, so a MySQL-family server built with OpenSSL 3 at security level 2 says the same:
 * <ol>
 *   <li>the leaf's key strength (at least 112 bits of security: RSA about 2048 bits, EC P-224 or more, Ed25519);</li>
 *   <li>a chain to a trusted self-signed CA, through the trusted bundle first, then the untrusted certificates
 *       the leaf came with;</li>
 *   <li>per certificate: no unhandled critical extension, CA flags (basicConstraints CA:TRUE, keyUsage
 *       keyCertSign), the purpose (extended key usage, key usage and Netscape type, of the CAs too), path length;</li>
 *   <li>the security level: CA keys of 112 bits or more, and no SHA-1 or MD5 signature (RSA-PSS included) below
 *       the trust anchor;</li>
 *   <li>revocation of the leaf by the given CRLs, as {@code -crl_check} does;</li>
 *   <li>signatures and validity dates, top down;</li>
 *   <li>name constraints of every CA over the certificates below it.</li>
 * </ol>
 * Reasons are openssl's words; the detail names the certificate and what is wrong with it.
 */
public final class ChainVerifier {
    private static final int MAX_DEPTH = 32;
    private static final int MIN_SECURITY_BITS = 112; // openssl security level 2
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final Set<String> SGC = Set.of("2.16.840.1.113730.4.1", "1.3.6.1.4.1.311.10.3.3");
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String NETSCAPE_CERT_TYPE = "2.16.840.1.113730.1.1";
    private static final String NAME_CONSTRAINTS = "2.5.29.30";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String RSASSA_PSS = "1.2.840.113549.1.1.10";

    // Netscape certificate type bits, as openssl numbers them (first bit of the BIT STRING = 0x80).
    private static final int NS_SSL_CLIENT = 0x80;
    private static final int NS_SSL_SERVER = 0x40;
    private static final int NS_SSL_CA = 0x04;
    private static final int NS_ANY_CA = 0x07;

    /** The critical extensions openssl 3 handles (X509_supported_extension); any other critical one fails. */
    private static final Set<String> HANDLED_CRITICAL = Set.of(
            NETSCAPE_CERT_TYPE, "2.5.29.15", SUBJECT_ALT_NAME, BASIC_CONSTRAINTS, "2.5.29.32", "2.5.29.31", "2.5.29.37",
            "1.3.6.1.5.5.7.1.7", "1.3.6.1.5.5.7.1.8", "1.3.6.1.5.5.7.48.1.5", "2.5.29.36", "1.3.6.1.5.5.7.1.14",
            NAME_CONSTRAINTS, "2.5.29.33", "2.5.29.54");

    /** Security bits of a signature's digest, as openssl counts them (SHA-1 and MD5 deliberately low). */
    private static final Map<String, Integer> SIGNATURE_BITS = Map.ofEntries(
            Map.entry("1.2.840.113549.1.1.2", 0),    // md2WithRSAEncryption
            Map.entry("1.2.840.113549.1.1.4", 39),   // md5WithRSAEncryption
            Map.entry("1.2.840.113549.1.1.5", 63),   // sha1WithRSAEncryption
            Map.entry("1.3.14.3.2.29", 63),          // sha1WithRSA (OIW)
            Map.entry("1.2.840.10045.4.1", 63),      // ecdsa-with-SHA1
            Map.entry("1.2.840.10040.4.3", 63),      // dsa-with-sha1
            Map.entry("1.2.840.113549.1.1.14", 112), // sha224WithRSAEncryption
            Map.entry("1.2.840.10045.4.3.1", 112),   // ecdsa-with-SHA224
            Map.entry("2.16.840.1.101.3.4.3.1", 112),
            Map.entry("1.2.840.113549.1.1.11", 128), // sha256WithRSAEncryption
            Map.entry("1.2.840.10045.4.3.2", 128),   // ecdsa-with-SHA256
            Map.entry("2.16.840.1.101.3.4.3.2", 128),
            Map.entry("1.2.840.113549.1.1.12", 192), // sha384WithRSAEncryption
            Map.entry("1.2.840.10045.4.3.3", 192),   // ecdsa-with-SHA384
            Map.entry("1.2.840.113549.1.1.13", 256), // sha512WithRSAEncryption
            Map.entry("1.2.840.10045.4.3.4", 256),   // ecdsa-with-SHA512
            Map.entry("2.16.840.1.101.3.4.3.9", 112), Map.entry("2.16.840.1.101.3.4.3.10", 128),
            Map.entry("2.16.840.1.101.3.4.3.11", 192), Map.entry("2.16.840.1.101.3.4.3.12", 256),
            Map.entry("2.16.840.1.101.3.4.3.13", 112), Map.entry("2.16.840.1.101.3.4.3.14", 128),
            Map.entry("2.16.840.1.101.3.4.3.15", 192), Map.entry("2.16.840.1.101.3.4.3.16", 256),
            Map.entry("1.3.101.112", 128),           // Ed25519
            Map.entry("1.3.101.113", 224));          // Ed448

    /** Security bits of the digest inside an RSA-PSS signature (openssl: half the digest size; SHA-1 64, MD5 39). */
    private static final Map<String, Integer> PSS_DIGEST_BITS = Map.ofEntries(
            Map.entry("1.2.840.113549.2.5", 39),     // md5
            Map.entry("1.3.14.3.2.26", 64),          // sha1
            Map.entry("2.16.840.1.101.3.4.2.4", 112), Map.entry("2.16.840.1.101.3.4.2.1", 128),
            Map.entry("2.16.840.1.101.3.4.2.2", 192), Map.entry("2.16.840.1.101.3.4.2.3", 256),
            Map.entry("2.16.840.1.101.3.4.2.5", 112), Map.entry("2.16.840.1.101.3.4.2.6", 128),
            Map.entry("2.16.840.1.101.3.4.2.7", 112), Map.entry("2.16.840.1.101.3.4.2.8", 128),
            Map.entry("2.16.840.1.101.3.4.2.9", 192), Map.entry("2.16.840.1.101.3.4.2.10", 256));

    private static final java.security.Provider BOUNCY_CASTLE = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private ChainVerifier() {
    }

    /**
     * @param certificate the certificate to check
     * @param trusted     the CA bundle (roots and intermediates)
     * @param now         the time to check validity at
     * @param clientAuth  true for {@code -purpose sslclient}, false for {@code -purpose sslserver}
     */
    public static VerificationResult verify(X509Certificate certificate, List<X509Certificate> trusted, Instant now, boolean clientAuth) {
        return verify(certificate, List.of(), trusted, now, clientAuth, List.of());
    }

    /**
     * @param certificate the certificate to check
     * @param untrusted   intermediates that came with it (as a client sends its chain); used only to build the chain
     * @param trusted     the CA bundle (roots and intermediates); the chain must end at a self-signed one of these
     * @param now         the time to check validity at
     * @param clientAuth  true for {@code -purpose sslclient}, false for {@code -purpose sslserver}
     * @param crls        CRLs already checked with {@link Crls#check}; when not empty, the leaf's issuer must have
     *                    one of them, as with {@code -crl_check}
     */
    public static VerificationResult verify(X509Certificate certificate, List<X509Certificate> untrusted, List<X509Certificate> trusted,
                                            Instant now, boolean clientAuth, List<X509CRL> crls) {
        int leafBits = securityBits(certificate.getPublicKey());
        if (leafBits < MIN_SECURITY_BITS) {
            return VerificationResult.failed(Failure.EE_KEY_TOO_SMALL, name(certificate) + ": " + keyDescription(certificate.getPublicKey())
                    + " gives " + leafBits + "-bit security; security level 2 needs " + MIN_SECURITY_BITS + " (RSA 2048, EC P-256 or Ed25519)");
        }
        List<X509Certificate> chain = new ArrayList<>();
        VerificationResult built = buildChain(certificate, untrusted, trusted, chain);
        if (!built.isOk()) {
            return built;
        }
        VerificationResult result = checkExtensions(chain, clientAuth);
        if (result.isOk()) {
            result = checkSecurityLevel(chain);
        }
        if (result.isOk() && !crls.isEmpty()) {
            result = checkCrls(chain, crls);
        }
        if (result.isOk()) {
            result = checkSignaturesAndDates(chain, now);
        }
        if (result.isOk()) {
            result = checkNameConstraints(chain);
        }
        return result;
    }

    // ------------------------------------------------------------------ chain

    private static VerificationResult buildChain(X509Certificate leaf, List<X509Certificate> untrusted, List<X509Certificate> trusted,
                                                 List<X509Certificate> chain) {
        chain.add(leaf);
        if (isSelfSigned(leaf)) {
            return trusted.contains(leaf) ? VerificationResult.ok()
                    : VerificationResult.failed(Failure.SELF_SIGNED, name(leaf) + " signed itself and is not in the CA bundle");
        }
        X509Certificate current = leaf;
        while (chain.size() < MAX_DEPTH) {
            X509Certificate issuer = findIssuer(current, trusted, chain);
            boolean fromTrusted = issuer != null;
            if (issuer == null) {
                issuer = findIssuer(current, untrusted, chain);
            }
            if (issuer == null) {
                return VerificationResult.failed(Failure.UNKNOWN_ISSUER);
            }
            chain.add(issuer);
            if (isSelfSigned(issuer)) {
                return fromTrusted || trusted.contains(issuer) ? VerificationResult.ok()
                        : VerificationResult.failed(Failure.SELF_SIGNED_IN_CHAIN, name(issuer) + " came with the certificate, not from the CA bundle");
            }
            current = issuer;
        }
        return VerificationResult.failed(Failure.UNKNOWN_ISSUER);
    }

    /** A certificate named as {@code certificate}'s issuer whose key verifies it; else one with the name only. */
    private static X509Certificate findIssuer(X509Certificate certificate, List<X509Certificate> candidates, List<X509Certificate> chain) {
        X509Certificate nameMatch = null;
        for (X509Certificate candidate : candidates) {
            if (!candidate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal()) || chain.contains(candidate)) {
                continue;
            }
            if (signs(candidate, certificate)) {
                return candidate;
            }
            nameMatch = nameMatch == null ? candidate : nameMatch;
        }
        return nameMatch;
    }

    /** Whether {@code issuer}'s key verifies {@code subject}'s signature (with Bouncy Castle for what the JDK lacks, e.g. P-224). */
    private static boolean signs(X509Certificate issuer, X509Certificate subject) {
        try {
            subject.verify(issuer.getPublicKey());
            return true;
        } catch (Exception e) {
            try {
                subject.verify(issuer.getPublicKey(), BOUNCY_CASTLE);
                return true;
            } catch (Exception again) {
                return false;
            }
        }
    }

    private static boolean isSelfIssued(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
    }

    private static boolean isSelfSigned(X509Certificate certificate) {
        return isSelfIssued(certificate) && signs(certificate, certificate);
    }

    // ------------------------------------------------------------------ extensions, CA flags, purpose, path length

    private static VerificationResult checkExtensions(List<X509Certificate> chain, boolean clientAuth) {
        int pathLength = 0;
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate x = chain.get(i);
            Set<String> critical = x.getCriticalExtensionOIDs();
            if (critical != null) {
                for (String oid : critical) {
                    if (!HANDLED_CRITICAL.contains(oid)) {
                        return VerificationResult.failed(Failure.UNHANDLED_CRITICAL_EXTENSION, name(x) + " has extension " + oid
                                + " marked critical, which OpenSSL does not know, so the server refuses it");
                    }
                }
            }
            int ca = caKind(x);
            if (i > 0 && (ca == 0 || (i + 1 < chain.size() && ca != 1))) {
                return VerificationResult.failed(Failure.ISSUER_NOT_CA, name(x) + " " + notCaBecause(x));
            }
            String purpose = i == 0 ? leafPurposeProblem(x, clientAuth) : caPurposeProblem(x, clientAuth, ca);
            if (purpose != null) {
                return VerificationResult.failed(Failure.UNSUITABLE_PURPOSE, name(x) + " " + purpose);
            }
            int limit = pathLength(x);
            if (i > 1 && limit >= 0 && pathLength > limit) {
                return VerificationResult.failed(Failure.PATH_LENGTH_EXCEEDED, name(x) + " allows " + limit
                        + " intermediate CA(s) below it (pathlen), the chain has " + pathLength);
            }
            if (i > 0 && !isSelfIssued(x)) {
                pathLength++;
            }
        }
        return VerificationResult.ok();
    }

    /** openssl's check_ca: 1 a CA by basicConstraints; 3 a v1 root; 4 keyCertSign without basicConstraints; 5 Netscape CA; 0 not a CA. */
    private static int caKind(X509Certificate x) {
        boolean[] keyUsage = x.getKeyUsage();
        if (keyUsage != null && !bit(keyUsage, 5)) {
            return 0;
        }
        if (x.getExtensionValue(BASIC_CONSTRAINTS) != null) {
            return x.getBasicConstraints() >= 0 ? 1 : 0;
        }
        if (x.getVersion() == 1 && isSelfSigned(x)) {
            return 3;
        }
        if (keyUsage != null) {
            return 4;
        }
        int ns = netscapeType(x);
        return ns >= 0 && (ns & NS_ANY_CA) != 0 ? 5 : 0;
    }

    private static String notCaBecause(X509Certificate x) {
        boolean[] keyUsage = x.getKeyUsage();
        if (keyUsage != null && !bit(keyUsage, 5)) {
            return "is used as a CA but its keyUsage lacks keyCertSign";
        }
        if (x.getExtensionValue(BASIC_CONSTRAINTS) == null) {
            return "is used as an intermediate CA but has no basicConstraints CA:TRUE";
        }
        return "is used as a CA but has basicConstraints CA:FALSE";
    }

    private static String leafPurposeProblem(X509Certificate x, boolean clientAuth) {
        List<String> eku = extendedKeyUsage(x);
        if (eku != null && (clientAuth ? !eku.contains(CLIENT_AUTH) : eku.stream().noneMatch(p -> p.equals(SERVER_AUTH) || SGC.contains(p)))) {
            return "has extended key usage " + String.join(", ", eku) + " without " + (clientAuth ? "clientAuth (" + CLIENT_AUTH : "serverAuth (" + SERVER_AUTH) + ")";
        }
        boolean[] ku = x.getKeyUsage();
        if (ku != null && (clientAuth ? !(bit(ku, 0) || bit(ku, 4)) : !(bit(ku, 0) || bit(ku, 2) || bit(ku, 4)))) {
            return "has a keyUsage without digitalSignature" + (clientAuth ? "" : ", keyEncipherment") + " or keyAgreement";
        }
        int ns = netscapeType(x);
        if (ns >= 0 && (ns & (clientAuth ? NS_SSL_CLIENT : NS_SSL_SERVER)) == 0) {
            return "has a Netscape certificate type without SSL " + (clientAuth ? "client" : "server");
        }
        return null;
    }

    private static String caPurposeProblem(X509Certificate x, boolean clientAuth, int ca) {
        List<String> eku = extendedKeyUsage(x);
        if (eku != null && (clientAuth ? !eku.contains(CLIENT_AUTH) : eku.stream().noneMatch(p -> p.equals(SERVER_AUTH) || SGC.contains(p)))) {
            return "is a CA whose extended key usage (" + String.join(", ", eku) + ") excludes " + (clientAuth ? "clientAuth" : "serverAuth")
                    + "; OpenSSL applies a CA's extended key usage to every certificate below it";
        }
        if (ca == 0) {
            return notCaBecause(x);
        }
        if (ca == 5 && (netscapeType(x) & NS_SSL_CA) == 0) {
            return "has a Netscape certificate type without SSL CA";
        }
        return null;
    }

    private static List<String> extendedKeyUsage(X509Certificate x) {
        try {
            return x.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    /** The Netscape certificate type bits (first bit 0x80), or -1 without the extension. */
    private static int netscapeType(X509Certificate x) {
        byte[] value = x.getExtensionValue(NETSCAPE_CERT_TYPE);
        if (value == null) {
            return -1;
        }
        try {
            byte[] bits = DERBitString.getInstance(JcaX509ExtensionUtils.parseExtensionValue(value)).getBytes();
            return bits.length == 0 ? 0 : bits[0] & 0xff;
        } catch (Exception e) {
            return 0;
        }
    }

    /** The basicConstraints path length, or -1 when unlimited or not a CA. */
    private static int pathLength(X509Certificate x) {
        int constraint = x.getBasicConstraints();
        return constraint < 0 || constraint == Integer.MAX_VALUE ? -1 : constraint;
    }

    private static boolean bit(boolean[] bits, int index) {
        return bits.length > index && bits[index];
    }

    // ------------------------------------------------------------------ security level 2

    private static VerificationResult checkSecurityLevel(List<X509Certificate> chain) {
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate x = chain.get(i);
            if (i > 0) {
                int bits = securityBits(x.getPublicKey());
                if (bits < MIN_SECURITY_BITS) {
                    return VerificationResult.failed(Failure.CA_KEY_TOO_SMALL, name(x) + ": " + keyDescription(x.getPublicKey())
                            + " gives " + bits + "-bit security; security level 2 needs " + MIN_SECURITY_BITS + " (RSA 2048, EC P-256 or Ed25519)");
                }
            }
            if (i < chain.size() - 1) {
                int bits = signatureBits(x);
                if (bits < MIN_SECURITY_BITS) {
                    return VerificationResult.failed(Failure.WEAK_SIGNATURE, name(x) + " is signed with " + signatureDescription(x)
                            + (bits > 0 ? "; SHA-1 and MD5 are refused at security level 2 (and by SingleStore 8.1+)"
                            : ", whose strength is unknown here; re-sign it with SHA-256 or stronger"));
                }
            }
        }
        return VerificationResult.ok();
    }

    /** The key's strength in bits as OpenSSL 3 estimates it; 0 when unknown. */
    static int securityBits(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return ifcSecurityBits(rsa.getModulus().bitLength());
        }
        if (key instanceof ECPublicKey ec) {
            return ecSecurityBits(ec.getParams().getOrder().bitLength());
        }
        if (key instanceof EdECPublicKey ed) {
            return "Ed448".equalsIgnoreCase(ed.getParams().getName()) ? 224 : 128;
        }
        if (key instanceof DSAPublicKey dsa && dsa.getParams() != null) {
            int l = dsa.getParams().getP().bitLength();
            int secbits = l >= 15360 ? 256 : l >= 7680 ? 192 : l >= 3072 ? 128 : l >= 2048 ? 112 : l >= 1024 ? 80 : 0;
            int half = dsa.getParams().getQ().bitLength() / 2;
            return secbits == 0 || half < 80 ? 0 : Math.min(secbits, half);
        }
        int order = ecOrderBits(key);
        if (order > 0) {
            return ecSecurityBits(order);
        }
        return "1.3.101.113".equals(keyAlgorithmOid(key)) ? 224 : "1.3.101.112".equals(keyAlgorithmOid(key)) ? 128 : 0;
    }

    private static int ecSecurityBits(int order) {
        return order >= 512 ? 256 : order >= 384 ? 192 : order >= 256 ? 128 : order >= 224 ? 112 : order >= 160 ? 80 : order / 2;
    }

    /** The group order's size of an EC key the JDK does not know (P-224, P-192, Brainpool, explicit parameters); 0 otherwise. */
    private static int ecOrderBits(PublicKey key) {
        try {
            SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(key.getEncoded());
            if (!X9ObjectIdentifiers.id_ecPublicKey.equals(info.getAlgorithm().getAlgorithm())) {
                return 0;
            }
            ASN1Encodable parameters = info.getAlgorithm().getParameters();
            X9ECParameters curve = parameters instanceof ASN1ObjectIdentifier oid ? ECNamedCurveTable.getByOID(oid)
                    : X9ECParameters.getInstance(parameters);
            return curve == null ? 0 : curve.getN().bitLength();
        } catch (Exception e) {
            return 0;
        }
    }

    private static String keyAlgorithmOid(PublicKey key) {
        try {
            return SubjectPublicKeyInfo.getInstance(key.getEncoded()).getAlgorithm().getAlgorithm().getId();
        } catch (Exception e) {
            return "";
        }
    }

    /** OpenSSL 3's estimate for RSA and finite-field keys of {@code n} bits (SP 800-56B's formula, rounded to 8). */
    static int ifcSecurityBits(int n) {
        switch (n) {
            case 2048: return 112;
            case 3072: return 128;
            case 4096: return 152;
            case 6144: return 176;
            case 7680: return 192;
            case 8192: return 200;
            case 15360: return 256;
            default: break;
        }
        if (n >= 687737) {
            return 1200;
        }
        if (n < 8) {
            return 0;
        }
        int cap = n <= 7680 ? 192 : n <= 15360 ? 256 : 1200;
        double x = n * Math.log(2);
        double lx = Math.log(x);
        int y = (int) ((1.923 * Math.cbrt(x * lx * lx) - 4.69) / Math.log(2));
        y = (y + 4) & ~7;
        return Math.min(y, cap);
    }

    private static int signatureBits(X509Certificate x) {
        String oid = x.getSigAlgOID();
        if (RSASSA_PSS.equals(oid)) {
            try {
                byte[] params = x.getSigAlgParams();
                RSASSAPSSparams pss = params == null ? new RSASSAPSSparams() : RSASSAPSSparams.getInstance(ASN1Primitive.fromByteArray(params));
                return PSS_DIGEST_BITS.getOrDefault(pss.getHashAlgorithm().getAlgorithm().getId(), 0);
            } catch (Exception e) {
                return 0;
            }
        }
        return SIGNATURE_BITS.getOrDefault(oid, 0);
    }

    private static String signatureDescription(X509Certificate x) {
        if (RSASSA_PSS.equals(x.getSigAlgOID())) {
            int bits = signatureBits(x);
            return "RSA-PSS over " + (bits == 64 ? "SHA-1" : bits == 39 ? "MD5" : "a weak digest");
        }
        return x.getSigAlgName();
    }

    private static String keyDescription(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return "RSA " + rsa.getModulus().bitLength() + " bits";
        }
        if (key instanceof ECPublicKey ec) {
            return "EC with a " + ec.getParams().getOrder().bitLength() + "-bit group order";
        }
        if (key instanceof DSAPublicKey dsa && dsa.getParams() != null) {
            return "DSA " + dsa.getParams().getP().bitLength() + " bits";
        }
        int order = ecOrderBits(key);
        return order > 0 ? "EC with a " + order + "-bit group order" : key.getAlgorithm() + " key";
    }

    // ------------------------------------------------------------------ CRLs

    private static VerificationResult checkCrls(List<X509Certificate> chain, List<X509CRL> crls) {
        X509Certificate leaf = chain.get(0);
        X509Certificate issuer = chain.size() > 1 ? chain.get(1) : leaf;
        boolean found = false;
        for (X509CRL crl : crls) {
            if (!crl.getIssuerX500Principal().equals(leaf.getIssuerX500Principal())) {
                continue;
            }
            try {
                crl.verify(issuer.getPublicKey());
            } catch (Exception e) {
                continue;
            }
            found = true;
            if (crl.getRevokedCertificate(leaf.getSerialNumber()) != null) {
                return VerificationResult.failed(Failure.REVOKED, name(leaf) + ", serial " + hex(leaf.getSerialNumber())
                        + ", is listed in the CRL of " + name(issuer));
            }
        }
        return found ? VerificationResult.ok()
                : VerificationResult.failed(Failure.NO_CRL, "no CRL given is from " + name(issuer) + ", the issuer of " + name(leaf));
    }

    private static String hex(BigInteger serial) {
        return serial.toString(16).toUpperCase(java.util.Locale.ROOT);
    }

    // ------------------------------------------------------------------ signatures and dates

    private static VerificationResult checkSignaturesAndDates(List<X509Certificate> chain, Instant now) {
        Date at = Date.from(now);
        for (int i = chain.size() - 1; i >= 0; i--) {
            X509Certificate x = chain.get(i);
            if (i < chain.size() - 1 && !signs(chain.get(i + 1), x)) {
                return VerificationResult.failed(Failure.BAD_SIGNATURE);
            }
            if (at.before(x.getNotBefore())) {
                return VerificationResult.failed(i > 0 ? Failure.CA_NOT_YET_VALID : Failure.NOT_YET_VALID);
            }
            if (at.after(x.getNotAfter())) {
                return VerificationResult.failed(i > 0 ? Failure.CA_EXPIRED : Failure.EXPIRED);
            }
        }
        return VerificationResult.ok();
    }

    // ------------------------------------------------------------------ name constraints

    private static VerificationResult checkNameConstraints(List<X509Certificate> chain) {
        for (int i = chain.size() - 1; i >= 0; i--) {
            X509Certificate x = chain.get(i);
            if (i != 0 && isSelfIssued(x)) {
                continue;
            }
            for (int j = chain.size() - 1; j > i; j--) {
                NameConstraints constraints = nameConstraints(chain.get(j));
                if (constraints == null) {
                    continue;
                }
                PKIXNameConstraintValidator validator = new PKIXNameConstraintValidator();
                if (constraints.getPermittedSubtrees() != null) {
                    validator.intersectPermittedSubtree(constraints.getPermittedSubtrees());
                }
                if (constraints.getExcludedSubtrees() != null) {
                    for (GeneralSubtree excluded : constraints.getExcludedSubtrees()) {
                        validator.addExcludedSubtree(excluded);
                    }
                }
                for (GeneralName name : constrainedNames(x, i == 0)) {
                    try {
                        validator.checkPermitted(name);
                    } catch (NameConstraintValidatorException e) {
                        return VerificationResult.failed(Failure.PERMITTED_VIOLATION, name(x) + ": " + describe(name)
                                + " is outside the names " + name(chain.get(j)) + " permits (nameConstraints)");
                    }
                    try {
                        validator.checkExcluded(name);
                    } catch (NameConstraintValidatorException e) {
                        return VerificationResult.failed(Failure.EXCLUDED_VIOLATION, name(x) + ": " + describe(name)
                                + " is among the names " + name(chain.get(j)) + " excludes (nameConstraints)");
                    }
                }
            }
        }
        return VerificationResult.ok();
    }

    private static NameConstraints nameConstraints(X509Certificate ca) {
        byte[] value = ca.getExtensionValue(NAME_CONSTRAINTS);
        if (value == null) {
            return null;
        }
        try {
            return NameConstraints.getInstance(JcaX509ExtensionUtils.parseExtensionValue(value));
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * The names openssl checks against constraints: the subject (when not empty), its e-mail address
     * attributes, the subject alternative names, and for the leaf without DNS names, a CN that looks like a host name.
     */
    private static List<GeneralName> constrainedNames(X509Certificate x, boolean leaf) {
        List<GeneralName> names = new ArrayList<>();
        X500Name subject = X500Name.getInstance(x.getSubjectX500Principal().getEncoded());
        if (subject.getRDNs().length > 0) {
            names.add(new GeneralName(subject));
        }
        for (RDN rdn : subject.getRDNs(PKCSObjectIdentifiers.pkcs_9_at_emailAddress)) {
            for (AttributeTypeAndValue value : rdn.getTypesAndValues()) {
                names.add(new GeneralName(GeneralName.rfc822Name, new DERIA5String(text(value.getValue()))));
            }
        }
        boolean hasDns = false;
        byte[] san = x.getExtensionValue(SUBJECT_ALT_NAME);
        if (san != null) {
            try {
                for (GeneralName name : GeneralNames.getInstance(JcaX509ExtensionUtils.parseExtensionValue(san)).getNames()) {
                    names.add(name);
                    hasDns |= name.getTagNo() == GeneralName.dNSName;
                }
            } catch (Exception e) {
                // an unreadable SAN: nothing to check by it
            }
        }
        if (leaf && !hasDns) {
            for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
                for (AttributeTypeAndValue value : rdn.getTypesAndValues()) {
                    String host = hostName(text(value.getValue()));
                    if (host != null) {
                        names.add(new GeneralName(GeneralName.dNSName, host));
                    }
                }
            }
        }
        return names;
    }

    private static String text(ASN1Encodable value) {
        return value instanceof ASN1String s ? s.getString() : value.toString();
    }

    /** A CN that openssl takes for a DNS name: letters, digits, '_', inner '-' and '.', and at least two labels. */
    private static String hostName(String cn) {
        String name = cn.endsWith(".") ? cn.substring(0, cn.length() - 1) : cn;
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        boolean dns = false;
        for (int i = 0; i < bytes.length; i++) {
            char c = (char) (bytes[i] & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
                continue;
            }
            if (i > 0 && i < bytes.length - 1) {
                if (c == '-') {
                    continue;
                }
                if (c == '.' && bytes[i + 1] != '.' && bytes[i - 1] != '-' && bytes[i + 1] != '-') {
                    dns = true;
                    continue;
                }
            }
            return null;
        }
        return dns ? name : null;
    }

    private static String describe(GeneralName name) {
        return switch (name.getTagNo()) {
            case GeneralName.dNSName -> "DNS name " + text(name.getName());
            case GeneralName.rfc822Name -> "e-mail address " + text(name.getName());
            case GeneralName.directoryName -> "subject " + X500Name.getInstance(name.getName());
            case GeneralName.uniformResourceIdentifier -> "URI " + text(name.getName());
            default -> "name " + name;
        };
    }

    private static String name(X509Certificate certificate) {
        return "'" + certificate.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253) + "'";
    }

    /**
     * True when the certificate may be used for client authentication as openssl's sslclient purpose
     * allows: no extended key usage, or one that lists clientAuth (anyExtendedKeyUsage alone is not enough).
     */
    public static boolean allowsClientAuth(X509Certificate certificate) {
        List<String> purposes = extendedKeyUsage(certificate);
        return purposes == null || purposes.contains(CLIENT_AUTH);
    }
}
