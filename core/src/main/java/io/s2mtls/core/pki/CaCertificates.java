package io.s2mtls.core.pki;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The public half of the CA as a store's index shows it, read without decrypting any key: the CA
 * certificate, its chain (issuer first, up to and including the root; empty for a root), and the
 * reference of a remotely held key ({@code vault-transit:ca}) when the store holds no key itself.
 */
public record CaCertificates(X509Certificate certificate, List<X509Certificate> chain, Optional<String> keyReference) {
    public CaCertificates {
        requireNonNull(certificate, "certificate is null");
        chain = List.copyOf(requireNonNull(chain, "chain is null"));
        requireNonNull(keyReference, "keyReference is null");
    }

    public static CaCertificates of(CaMaterial material) {
        return new CaCertificates(material.certificate(), material.chain(), material.keyReference());
    }

    /** What servers and clients must trust: the CA certificate followed by its chain. */
    public List<X509Certificate> bundle() {
        List<X509Certificate> bundle = new ArrayList<>(chain.size() + 1);
        bundle.add(certificate);
        bundle.addAll(chain);
        return List.copyOf(bundle);
    }

    /** The CA certificate's serial, which a {@link io.s2mtls.core.port.StoreWrite.SetAuthority} names to replace it. */
    public java.math.BigInteger serial() {
        return certificate.getSerialNumber();
    }
}
