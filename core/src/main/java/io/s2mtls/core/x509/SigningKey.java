package io.s2mtls.core.x509;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.RemoteSigner;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.PrivateKey;
import java.security.PublicKey;

import static java.util.Objects.requireNonNull;

/** The key a CA signs with: held locally, or kept by a remote signer (Vault Transit, a KMS). */
public final class SigningKey {
    private final PublicKey publicKey;
    private final PrivateKey privateKey;
    private final RemoteSigner remote;

    private SigningKey(PublicKey publicKey, PrivateKey privateKey, RemoteSigner remote) {
        this.publicKey = requireNonNull(publicKey, "publicKey is null");
        this.privateKey = privateKey;
        this.remote = remote;
    }

    public static SigningKey local(PrivateKey privateKey, PublicKey publicKey) {
        return new SigningKey(publicKey, requireNonNull(privateKey, "privateKey is null"), null);
    }

    public static SigningKey remote(RemoteSigner signer) {
        return new SigningKey(signer.publicKey(), null, signer);
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public String signatureAlgorithm() {
        return KeyPairs.signatureAlgorithm(publicKey);
    }

    ContentSigner contentSigner() {
        String algorithm = signatureAlgorithm();
        if (privateKey != null) {
            try {
                return new JcaContentSignerBuilder(algorithm).build(privateKey);
            } catch (OperatorCreationException e) {
                throw S2mtlsException.internal("cannot sign with " + algorithm + ": " + e.getMessage(), e);
            }
        }
        AlgorithmIdentifier identifier = new DefaultSignatureAlgorithmIdentifierFinder().find(algorithm);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        return new ContentSigner() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return identifier;
            }

            @Override
            public OutputStream getOutputStream() {
                return buffer;
            }

            @Override
            public byte[] getSignature() {
                return remote.sign(algorithm, buffer.toByteArray());
            }
        };
    }
}
