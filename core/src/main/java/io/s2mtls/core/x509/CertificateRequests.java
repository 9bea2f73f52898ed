package io.s2mtls.core.x509;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Map;

/** Creating and checking PKCS#10 certificate signing requests. */
public final class CertificateRequests {
    private CertificateRequests() {
    }

    /** A CSR for {@code subject}, signed with {@code keys}. */
    public static CertificateRequest create(KeyPair keys, DistinguishedName subject) {
        try {
            X500Name name = X500Name.getInstance(ASN1Primitive.fromByteArray(subject.toDer()));
            PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(name, keys.getPublic())
                    .build(SigningKey.local(keys.getPrivate(), keys.getPublic()).contentSigner());
            return new CertificateRequest(subject, keys.getPublic(), csr.getEncoded());
        } catch (java.io.IOException e) {
            throw S2mtlsException.internal("cannot build the CSR: " + Pem.reason(e), e);
        }
    }

    private static final Map<ASN1ObjectIdentifier, String> WEAK_SIGNATURES = Map.of(
            PKCSObjectIdentifiers.md2WithRSAEncryption, "MD2", PKCSObjectIdentifiers.md4WithRSAEncryption, "MD4",
            PKCSObjectIdentifiers.md5WithRSAEncryption, "MD5", PKCSObjectIdentifiers.sha1WithRSAEncryption, "SHA-1",
            X9ObjectIdentifiers.ecdsa_with_SHA1, "SHA-1", X9ObjectIdentifiers.id_dsa_with_sha1, "SHA-1",
            OIWObjectIdentifiers.sha1WithRSA, "SHA-1", OIWObjectIdentifiers.md5WithRSA, "MD5");

    /** Refuses a CSR signed with MD5 or SHA-1 (also inside RSA-PSS), which openssl at security level 2 refuses. */
    private static void requireStrongSignature(AlgorithmIdentifier algorithm, String source) {
        String digest = WEAK_SIGNATURES.get(algorithm.getAlgorithm());
        if (digest == null && PKCSObjectIdentifiers.id_RSASSA_PSS.equals(algorithm.getAlgorithm()) && algorithm.getParameters() != null) {
            ASN1ObjectIdentifier hash = RSASSAPSSparams.getInstance(algorithm.getParameters()).getHashAlgorithm().getAlgorithm();
            digest = OIWObjectIdentifiers.idSHA1.equals(hash) ? "SHA-1" : PKCSObjectIdentifiers.md5.equals(hash) ? "MD5" : null;
        }
        if (digest != null) {
            throw S2mtlsException.badInput(source + ": the CSR is signed with " + digest + ", which openssl and the server refuse;"
                    + " ask the requester for a new CSR signed with SHA-256 (openssl req -sha256)");
        }
    }

    /**
     * Parses a CSR (PEM or DER) and verifies its signature. The subject is kept as the exact DER the
     * requester signed. Refuses a bad signature and weak keys.
     */
    public static CertificateRequest parse(byte[] data, String source) {
        PKCS10CertificationRequest csr = Pem.readCsr(data, source);
        KeyPairs.requireStrong(csr.getSubjectPublicKeyInfo(), source);
        requireStrongSignature(csr.getSignatureAlgorithm(), source);
        PublicKey publicKey;
        try {
            publicKey = new JcaPKCS10CertificationRequest(csr).setProvider(Providers.BC).getPublicKey();
        } catch (Exception e) {
            throw S2mtlsException.badInput(source + ": the CSR's public key is unreadable (" + Pem.reason(e) + ")", e);
        }
        try {
            ContentVerifierProvider verifier = new JcaContentVerifierProviderBuilder().setProvider(Providers.BC).build(publicKey);
            if (!csr.isSignatureValid(verifier)) {
                throw S2mtlsException.badInput(source + ": the CSR's signature does not verify;"
                        + " it was altered or not signed by its own key. Ask the requester for a new CSR");
            }
        } catch (S2mtlsException e) {
            throw e;
        } catch (Exception e) {
            throw S2mtlsException.badInput(source + ": the CSR's signature cannot be checked (" + Pem.reason(e) + ")", e);
        }
        byte[] subjectDer;
        try {
            subjectDer = csr.toASN1Structure().getCertificationRequestInfo().getSubject().getEncoded();
            return new CertificateRequest(DistinguishedName.fromDer(subjectDer), publicKey, csr.getEncoded());
        } catch (java.io.IOException e) {
            throw S2mtlsException.badInput(source + ": malformed CSR (" + Pem.reason(e) + ")", e);
        }
    }
}
