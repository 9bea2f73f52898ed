package io.s2mtls.core.pki;

import java.math.BigInteger;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a writer expects of a store's CAs when it replaces them (compare-and-set): the serials of the issuing CA,
 * of the other CA of a rotation, of the root whose key the store holds, and the phase.
 */
public record AuthorityState(BigInteger issuing, Optional<BigInteger> other, Optional<BigInteger> root, RotationPhase phase) {
    public AuthorityState {
        requireNonNull(issuing, "issuing is null");
        requireNonNull(other, "other is null");
        requireNonNull(root, "root is null");
        requireNonNull(phase, "phase is null");
    }

    /** One CA, no root key, no rotation. */
    public static AuthorityState single(BigInteger issuing) {
        return new AuthorityState(issuing, Optional.empty(), Optional.empty(), RotationPhase.NONE);
    }

    @Override
    public String toString() {
        return "issuing " + issuing.toString(16) + other.map(s -> ", other " + s.toString(16)).orElse("")
                + root.map(s -> ", root " + s.toString(16)).orElse("") + ", phase " + phase.label();
    }
}
