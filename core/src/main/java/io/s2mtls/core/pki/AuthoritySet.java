package io.s2mtls.core.pki;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Every CA a store holds, with its key or key reference.
 *
 * @param issuing the CA that signs new certificates (a root, or an intermediate whose chain ends at the root)
 * @param other   during a rotation, the other CA servers must trust: the next CA in {@link RotationPhase#BEGUN},
 *                the previous one in {@link RotationPhase#SWITCHED}; empty in {@link RotationPhase#NONE}
 * @param root    the root above an intermediate, when the store holds the root's key (locally or as a reference);
 *                empty for a root CA and for an offline root (its certificate is still the last of the chain)
 * @param phase   where a rotation stands
 */
public record AuthoritySet(CaMaterial issuing, Optional<CaMaterial> other, Optional<CaMaterial> root, RotationPhase phase) {
    public AuthoritySet {
        requireNonNull(issuing, "issuing is null");
        requireNonNull(other, "other is null");
        requireNonNull(root, "root is null");
        requireNonNull(phase, "phase is null");
        if (other.isPresent() != (phase != RotationPhase.NONE)) {
            throw new IllegalArgumentException("a rotation in phase " + phase.label() + " "
                    + (other.isPresent() ? "has no second CA" : "needs the second CA"));
        }
        root.ifPresent(r -> {
            if (issuing.chain().isEmpty() || !issuing.chain().get(issuing.chain().size() - 1).equals(r.certificate())) {
                throw new IllegalArgumentException("the root is not the top of the issuing CA's chain");
            }
        });
    }

    /** One CA, nothing else. */
    public static AuthoritySet single(CaMaterial issuing) {
        return new AuthoritySet(issuing, Optional.empty(), Optional.empty(), RotationPhase.NONE);
    }

    /** The certificates, as a store's index shows them. */
    public Authorities certificates() {
        return new Authorities(CaCertificates.of(issuing), other.map(CaCertificates::of), root.map(CaCertificates::of), phase);
    }

    /** The expectation a writer that replaces this set names. */
    public AuthorityState state() {
        return certificates().state();
    }
}
