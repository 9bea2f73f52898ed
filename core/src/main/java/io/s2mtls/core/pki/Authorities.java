package io.s2mtls.core.pki;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The public half of every CA a store holds, read from its index without decrypting any key (see
 * {@link AuthoritySet} for the meaning of each part).
 */
public record Authorities(CaCertificates issuing, Optional<CaCertificates> other, Optional<CaCertificates> root, RotationPhase phase) {
    public Authorities {
        requireNonNull(issuing, "issuing is null");
        requireNonNull(other, "other is null");
        requireNonNull(root, "root is null");
        requireNonNull(phase, "phase is null");
        if (other.isPresent() != (phase != RotationPhase.NONE)) {
            throw new IllegalArgumentException("a rotation in phase " + phase.label() + " "
                    + (other.isPresent() ? "has no second CA" : "needs the second CA"));
        }
    }

    /** One CA, nothing else. */
    public static Authorities single(CaCertificates issuing) {
        return new Authorities(issuing, Optional.empty(), Optional.empty(), RotationPhase.NONE);
    }

    public AuthorityState state() {
        return new AuthorityState(issuing.serial(), other.map(CaCertificates::serial), root.map(CaCertificates::serial), phase);
    }

    /** The CA that will issue after the switch ({@link RotationPhase#BEGUN} only). */
    public Optional<CaCertificates> next() {
        return phase == RotationPhase.BEGUN ? other : Optional.empty();
    }

    /** The CA that issued before the switch ({@link RotationPhase#SWITCHED} only). */
    public Optional<CaCertificates> previous() {
        return phase == RotationPhase.SWITCHED ? other : Optional.empty();
    }

    /** The CA that issued before the rotation began: the issuing CA, or in {@link RotationPhase#SWITCHED} the previous one. */
    public CaCertificates old() {
        return previous().orElse(issuing);
    }

    /**
     * Whether {@code entry} was signed by the CA a rotation retires ({@link #old()}); always false outside a
     * rotation. An entry without a recorded issuer was signed before issuers were recorded, so by the old CA.
     * Whether it still matters (valid, unexpired) is the caller's question.
     */
    public boolean onOldCa(InventoryEntry entry) {
        return phase != RotationPhase.NONE && entry.signedBy(old().serial(), old().serial());
    }

    /**
     * What servers must trust ({@code ssl_ca_for_client_cert}): the issuing CA and its chain, then the other CA of a
     * rotation and its chain, each certificate once.
     */
    public List<X509Certificate> trustBundle() {
        List<X509Certificate> bundle = new ArrayList<>();
        List<byte[]> seen = new ArrayList<>();
        List<X509Certificate> all = new ArrayList<>(issuing.bundle());
        other.ifPresent(o -> all.addAll(o.bundle()));
        for (X509Certificate certificate : all) {
            byte[] der = der(certificate);
            if (seen.stream().noneMatch(s -> Arrays.equals(s, der))) {
                seen.add(der);
                bundle.add(certificate);
            }
        }
        return List.copyOf(bundle);
    }

    private static byte[] der(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a stored CA certificate cannot be encoded", e);
        }
    }
}
