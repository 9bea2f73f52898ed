package io.s2mtls.core.usecase;

import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.InventoryEntry;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A certificate just issued and recorded: the certificate, its private key when s2mtls generated it,
 * the CA certificate that signed it, its inventory entry, the chain above that CA and what servers trust.
 *
 * @param caCertificate the CA certificate that signed it
 * @param caChain       the certificates above {@code caCertificate}, its issuer first, up to and including the
 *                      root; empty when a root CA signed it
 * @param trustBundle   what servers must trust ({@code ssl_ca_for_client_cert}) when it was issued: every CA of the
 *                      store with its chain, both CAs during a rotation ({@link io.s2mtls.core.pki.Authorities#trustBundle()})
 */
public record IssuedCertificate(X509Certificate certificate, Optional<PrivateKey> privateKey,
                                X509Certificate caCertificate, InventoryEntry entry,
                                List<X509Certificate> caChain, List<X509Certificate> trustBundle) {
    public IssuedCertificate {
        requireNonNull(certificate, "certificate is null");
        requireNonNull(privateKey, "privateKey is null");
        requireNonNull(caCertificate, "caCertificate is null");
        requireNonNull(entry, "entry is null");
        caChain = List.copyOf(requireNonNull(caChain, "caChain is null"));
        trustBundle = List.copyOf(requireNonNull(trustBundle, "trustBundle is null"));
    }

    /** A certificate signed by a root CA that is the only CA servers trust. */
    public IssuedCertificate(X509Certificate certificate, Optional<PrivateKey> privateKey, X509Certificate caCertificate, InventoryEntry entry) {
        this(certificate, privateKey, caCertificate, entry, List.of(), List.of(caCertificate));
    }

    public String name() {
        return entry.name();
    }

    /** The signing CA followed by its chain, up to and including the root. */
    public List<X509Certificate> caBundle() {
        List<X509Certificate> bundle = new ArrayList<>(caChain.size() + 1);
        bundle.add(caCertificate);
        bundle.addAll(caChain);
        return List.copyOf(bundle);
    }

    /**
     * What the client presents after its own certificate: the signing CA and the intermediates above it, up to but
     * excluding the self-signed root (the server has that). Empty when a root CA signed the certificate.
     */
    public List<X509Certificate> clientChain() {
        return clientChain(caCertificate, caChain);
    }

    /** {@link #clientChain()} of a certificate signed by {@code ca}. */
    public static List<X509Certificate> clientChain(CaCertificates ca) {
        return clientChain(ca.certificate(), ca.chain());
    }

    /** {@code ca} and then {@code chain}, leaving out every self-signed certificate (the root). */
    static List<X509Certificate> clientChain(X509Certificate ca, List<X509Certificate> chain) {
        List<X509Certificate> presented = new ArrayList<>(chain.size() + 1);
        if (!selfSigned(ca)) {
            presented.add(ca);
        }
        for (X509Certificate above : chain) {
            if (!selfSigned(above)) {
                presented.add(above);
            }
        }
        return List.copyOf(presented);
    }

    /** Self-issued and verified by its own key: a root. */
    static boolean selfSigned(X509Certificate certificate) {
        if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            certificate.verify(certificate.getPublicKey());
            return true;
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
