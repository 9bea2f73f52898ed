package io.s2mtls.core.x509;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.KeySpec;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Map;

/** Key generation and key facts, with the JDK's own providers. */
public final class KeyPairs {
    private KeyPairs() {
    }

    public static KeyPair generate(KeySpec spec, SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(spec.jcaAlgorithm());
            switch (spec) {
                case RSA_2048, RSA_3072, RSA_4096 ->
                        generator.initialize(new RSAKeyGenParameterSpec(spec.bits(), RSAKeyGenParameterSpec.F4), random);
                case EC_P256 -> generator.initialize(new ECGenParameterSpec("secp256r1"), random);
                case EC_P384 -> generator.initialize(new ECGenParameterSpec("secp384r1"), random);
                case ED25519 -> generator.initialize(255, random);
                default -> throw new IllegalStateException(spec.label());
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw S2mtlsException.internal("cannot generate a " + spec + " key: " + e.getMessage(), e);
        }
    }

    /** A short description: {@code RSA 4096}, {@code EC P-256}, {@code Ed25519}. */
    public static String describe(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return "RSA " + rsa.getModulus().bitLength();
        }
        if (key instanceof ECPublicKey ec) {
            return "EC P-" + ec.getParams().getCurve().getField().getFieldSize();
        }
        return key.getAlgorithm();
    }

    /** The signature algorithm an issuer with this key signs with: SHA-256 or stronger, never SHA-1. */
    public static String signatureAlgorithm(PublicKey issuerKey) {
        if (issuerKey instanceof RSAPublicKey) {
            return "SHA256withRSA";
        }
        if (issuerKey instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits > 384 ? "SHA512withECDSA" : bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
        }
        if ("Ed25519".equalsIgnoreCase(issuerKey.getAlgorithm()) || "EdDSA".equalsIgnoreCase(issuerKey.getAlgorithm())) {
            return "Ed25519";
        }
        throw S2mtlsException.badInput("unsupported issuer key algorithm " + issuerKey.getAlgorithm()
                + "; use an RSA, EC P-256/P-384 or Ed25519 CA key");
    }

    /** What to use instead of a key that is refused. */
    public static final String USABLE_KEYS = "use RSA (2048 bits or more, public exponent 65537), EC P-256, P-384 or P-521, or Ed25519";

    private static final Map<ASN1ObjectIdentifier, String> USABLE_CURVES = Map.of(
            SECObjectIdentifiers.secp256r1, "P-256", SECObjectIdentifiers.secp384r1, "P-384", SECObjectIdentifiers.secp521r1, "P-521");

    /**
     * Refuses keys s2mtls will not sign for or with, because the server's TLS library or openssl refuses them:
     * RSA below 2048 bits or with a public exponent below 65537, EC curves below 224 bits, curves given by
     * explicit parameters or not used in TLS, DSA, and any other algorithm than RSA, EC and Ed25519.
     */
    public static void requireStrong(PublicKey key, String what) {
        SubjectPublicKeyInfo info;
        try {
            info = SubjectPublicKeyInfo.getInstance(key.getEncoded());
        } catch (RuntimeException e) {
            throw S2mtlsException.badInput(what + ": unreadable public key (" + Pem.reason(e) + "); " + USABLE_KEYS, e);
        }
        requireStrong(info, what);
    }

    /** As {@link #requireStrong(PublicKey, String)}, from the encoded key (no JCA key object is needed). */
    public static void requireStrong(SubjectPublicKeyInfo info, String what) {
        String problem = weakness(info);
        if (problem != null) {
            throw S2mtlsException.badInput(what + ": " + problem + "; " + USABLE_KEYS);
        }
    }

    /** Why the key is refused, or null when it is usable. */
    static String weakness(SubjectPublicKeyInfo info) {
        ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
        if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
            org.bouncycastle.asn1.pkcs.RSAPublicKey rsa;
            try {
                rsa = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(info.parsePublicKey());
            } catch (IOException | RuntimeException e) {
                return "RSA key is malformed (" + Pem.reason(e) + ")";
            }
            int bits = rsa.getModulus().bitLength();
            if (bits < 2048) {
                return "RSA key of " + bits + " bits is too weak (openssl and the server refuse keys below 2048 bits)";
            }
            if (rsa.getPublicExponent().compareTo(BigInteger.valueOf(65537)) < 0) {
                return "RSA key has public exponent " + rsa.getPublicExponent() + ", below 65537";
            }
            return null;
        }
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            ASN1Encodable parameters = info.getAlgorithm().getParameters();
            if (!(parameters instanceof ASN1ObjectIdentifier curve)) {
                return "EC key has its curve given by explicit parameters (openssl and TLS accept only named curves)";
            }
            if (USABLE_CURVES.containsKey(curve)) {
                return null;
            }
            X9ECParameters known = ECNamedCurveTable.getByOID(curve);
            String name = curveName(curve);
            if (known != null && known.getCurve().getFieldSize() < 224) {
                return known.getCurve().getFieldSize() + "-bit EC key (curve " + name + ") is too weak (openssl and the server"
                        + " refuse curves below 224 bits)";
            }
            return "EC key on curve " + name + " is not supported";
        }
        if (X9ObjectIdentifiers.id_dsa.equals(algorithm)) {
            return "DSA key is refused (TLS 1.3 and OpenSSL 3 servers do not sign with DSA)";
        }
        if (EdECObjectIdentifiers.id_Ed25519.equals(algorithm)) {
            return null;
        }
        return "key of type " + algorithmName(algorithm) + " is not supported";
    }

    /**
     * A short description read from the encoded key alone: {@code RSA 4096}, {@code EC P-256}, {@code Ed25519},
     * or {@code unsupported key (OID ...)} for a key s2mtls cannot use (explicit curve parameters, SM2, DH, ...).
     */
    public static String describe(SubjectPublicKeyInfo info) {
        ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
        if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
            try {
                return "RSA " + org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(info.parsePublicKey()).getModulus().bitLength();
            } catch (IOException | RuntimeException e) {
                return "unsupported key (OID " + algorithm.getId() + ", malformed)";
            }
        }
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            ASN1Encodable parameters = info.getAlgorithm().getParameters();
            if (!(parameters instanceof ASN1ObjectIdentifier curve)) {
                return "unsupported key (OID " + algorithm.getId() + ", explicit curve parameters)";
            }
            String usable = USABLE_CURVES.get(curve);
            return usable != null ? "EC " + usable : "unsupported key (OID " + algorithm.getId() + ", curve " + curveName(curve) + ")";
        }
        if (EdECObjectIdentifiers.id_Ed25519.equals(algorithm)) {
            return "Ed25519";
        }
        return "unsupported key (OID " + algorithm.getId() + ")";
    }

    private static String curveName(ASN1ObjectIdentifier curve) {
        String name = ECNamedCurveTable.getName(curve);
        return name == null ? curve.getId() : name + " " + curve.getId();
    }

    private static String algorithmName(ASN1ObjectIdentifier algorithm) {
        if (PKCSObjectIdentifiers.dhKeyAgreement.equals(algorithm) || X9ObjectIdentifiers.dhpublicnumber.equals(algorithm)) {
            return "DH (" + algorithm.getId() + ")";
        }
        if (EdECObjectIdentifiers.id_Ed448.equals(algorithm)) {
            return "Ed448 (" + algorithm.getId() + ")";
        }
        return "OID " + algorithm.getId();
    }

    /** True when {@code privateKey} is the private half of {@code publicKey} (proved by a test signature). */
    public static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        try {
            String algorithm = signatureAlgorithm(publicKey);
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
