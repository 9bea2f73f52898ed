package io.s2mtls.core.usecase;

import io.s2mtls.core.pki.KeySpec;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * What {@link LifecycleUseCase#renew(RenewRequest, Optional)} renews: the credentials named by name or serial
 * ({@code references}), or, with {@code dueWithin}, every current credential that expires within that window
 * (then {@code references} is empty).
 *
 * @param key         a different key type for the new keys (default: the same kind as before)
 * @param days        the validity of the new certificates (default: the same length as before)
 * @param parallelism how many threads sign
 * @param progress    told how many renewals are signed so far (any thread)
 */
public record RenewRequest(List<String> references, Optional<Duration> dueWithin, Optional<KeySpec> key, Optional<Integer> days,
                           int parallelism, IntConsumer progress) {
    public RenewRequest {
        references = List.copyOf(references);
        if (dueWithin.isPresent() && !references.isEmpty()) {
            throw new IllegalArgumentException("a renewal is either of named credentials or of those due, not both");
        }
    }
}
