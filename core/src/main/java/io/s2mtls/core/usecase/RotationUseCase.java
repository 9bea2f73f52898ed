package io.s2mtls.core.usecase;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.KeySpec;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * Staged CA rotation: {@link #begin} makes the next CA (servers trust both), {@link #switchOver} makes it issue,
 * reissuing moves every credential to it (renewal keeps each subject DER), {@link #finish} retires the old CA.
 * {@link #rollback} undoes the last phase. Each phase is one store commit, recorded in the audit trail.
 */
public final class RotationUseCase {
    private final Environment environment;

    RotationUseCase(Environment environment) {
        this.environment = requireNonNull(environment, "environment is null");
    }

    /**
     * How to make the next CA. Unset parts are copied from the current issuing CA: its subject, key type and
     * validity. {@code keyReference}: the next CA's key is held by a remote signer (e.g. {@code vault-transit:ca-2}).
     * {@code offlineRoot}: for an intermediate whose root key the store does not hold, the root brought in for
     * this command only (never stored).
     */
    public record BeginRequest(Optional<DistinguishedName> subject, Optional<KeySpec> key, Optional<String> keyReference,
                               OptionalInt days, Optional<AuthorityUseCase.ImportSource> offlineRoot) {
        public BeginRequest {
            requireNonNull(subject, "subject is null");
            requireNonNull(key, "key is null");
            requireNonNull(keyReference, "keyReference is null");
            requireNonNull(days, "days is null");
            requireNonNull(offlineRoot, "offlineRoot is null");
            if (key.isPresent() && keyReference.isPresent()) {
                throw new IllegalArgumentException("give either a local key type or a remote key reference");
            }
        }
    }

    /** A server's CA bundle file as deployed, read by the caller; {@code source} names it in messages. */
    public record BundleFile(byte[] data, String source) {
        public BundleFile {
            data = data.clone();
            requireNonNull(source, "source is null");
        }
    }

    /** Makes the next CA; the store then holds both and the current one still issues. Refused during a rotation. */
    public RotationStatus begin(BeginRequest request) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** The phase, both CAs, and for each credential and each given bundle file whether it is ready for the next phase. */
    public RotationStatus status(List<BundleFile> bundles) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** The next CA issues from now on; the previous one stays trusted. Refused unless the phase is begun. */
    public RotationStatus switchOver() {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * Retires the previous CA. Refused while credentials that are neither expired nor revoked are still signed by it,
     * unless {@code force}. Refused unless the phase is switched.
     */
    public RotationStatus finish(boolean force) {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * Undoes the last phase: from switched back to begun (the old CA issues again), from begun back to none (the
     * next CA is forgotten; refused while a valid credential is signed by it).
     */
    public RotationStatus rollback() {
        throw new UnsupportedOperationException("not built yet");
    }
}
