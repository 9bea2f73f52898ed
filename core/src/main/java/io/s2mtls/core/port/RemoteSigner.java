package io.s2mtls.core.port;

import java.security.PublicKey;

/** A CA private key that never leaves its keeper (a KMS, Vault Transit, an HSM). */
public interface RemoteSigner {

    /** The public half of the key, so certificates can be checked locally after signing. */
    PublicKey publicKey();

    /**
     * Signs {@code data} with the JCA signature algorithm {@code algorithm} (e.g. {@code SHA256withRSA},
     * {@code SHA256withECDSA}, {@code Ed25519}), returning the signature bytes exactly as X.509 carries
     * them (DER SEQUENCE{r,s} for ECDSA).
     */
    byte[] sign(String algorithm, byte[] data);
}
