package io.s2mtls.core.x509;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.security.KeyPair;
import java.security.PublicKey;

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

    /**
     * Parses a CSR (PEM or DER) and verifies its signature. The subject is kept as the exact DER the
     * requester signed. Refuses a bad signature and weak keys.
     */
    public static CertificateRequest parse(byte[] data, String source) {
        PKCS10CertificationRequest csr = Pem.readCsr(data, source);
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
        KeyPairs.requireStrong(publicKey, source);
        byte[] subjectDer;
        try {
            subjectDer = csr.toASN1Structure().getCertificationRequestInfo().getSubject().getEncoded();
            return new CertificateRequest(DistinguishedName.fromDer(subjectDer), publicKey, csr.getEncoded());
        } catch (java.io.IOException e) {
            throw S2mtlsException.badInput(source + ": malformed CSR (" + Pem.reason(e) + ")", e);
        }
    }
}
