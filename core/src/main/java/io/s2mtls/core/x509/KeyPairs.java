package io.s2mtls.core.x509;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.KeySpec;

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

    /** Refuses keys s2mtls will not sign for or with: RSA below 2048 bits. */
    public static void requireStrong(PublicKey key, String what) {
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
            throw S2mtlsException.badInput(what + ": RSA key of " + rsa.getModulus().bitLength()
                    + " bits is too weak; use at least 2048 bits");
        }
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
