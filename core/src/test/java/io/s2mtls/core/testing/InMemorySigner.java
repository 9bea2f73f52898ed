package io.s2mtls.core.testing;

import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.port.RemoteSigner;
import io.s2mtls.core.x509.KeyPairs;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;

/** A remote signer whose key is an in-memory key: enough to stand for Vault Transit in the core's tests. */
public final class InMemorySigner implements RemoteSigner {
    private final KeyPair keys;

    public InMemorySigner() {
        this(KeySpec.EC_P256);
    }

    public InMemorySigner(KeySpec spec) {
        keys = KeyPairs.generate(spec, new SecureRandom());
    }

    @Override
    public PublicKey publicKey() {
        return keys.getPublic();
    }

    @Override
    public byte[] sign(String algorithm, byte[] data) {
        try {
            Signature signature = Signature.getInstance(algorithm);
            signature.initSign(keys.getPrivate());
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
