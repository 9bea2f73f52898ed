package io.s2mtls.core.usecase;

import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.RemoteSigner;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * What the use cases share: the store, the clock, the randomness, and a way to reach a CA key that is
 * held remotely (a key reference such as {@code vault-transit:ca} maps to a {@link RemoteSigner}), and
 * who is acting, for the audit trail.
 */
public record Environment(CredentialStore store, Clock clock, SecureRandom random,
                          Function<String, RemoteSigner> remoteSigners, String actor) {
    public Environment {
        requireNonNull(actor, "actor is null");
        requireNonNull(store, "store is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(random, "random is null");
        requireNonNull(remoteSigners, "remoteSigners is null");
    }
}
