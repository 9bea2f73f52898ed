package io.s2mtls.core.usecase;

import io.s2mtls.core.pki.KeySpec;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * What {@link LifecycleUseCase#renew(RenewRequest, Optional)} renews, as {@code selection} says: the credentials
 * named by name or serial ({@code references}); with {@code dueWithin}, every current credential that expires within
 * that window; every current credential ({@link Selection#ALL}); or every current credential a CA rotation still has
 * to reissue ({@link Selection#ROTATION}). Only {@link Selection#NAMED} has references, only {@link Selection#DUE} a
 * window. Every renewal signs with the store's issuing CA: after {@code ca rotate switch}, the new one.
 *
 * @param key         a different key type for the new keys (default: the same kind as before)
 * @param days        the validity of the new certificates (default: the same length as before)
 * @param parallelism how many threads sign
 * @param progress    told how many renewals are signed so far (any thread)
 * @param alsoAudited an audit action recorded for each renewal next to its {@code cert.renew} event, in the same
 *                    store commit (the renewal agent's {@code agent.renew}): a crash cannot keep one without the other
 */
public record RenewRequest(List<String> references, Optional<Duration> dueWithin, Optional<KeySpec> key, Optional<Integer> days,
                           int parallelism, IntConsumer progress, Selection selection, Optional<String> alsoAudited) {
    /** Which credentials a renewal takes. */
    public enum Selection {
        /** The credentials {@link #references()} names. */
        NAMED,
        /** Every current credential that expires within {@link #dueWithin()} (expired ones included). */
        DUE,
        /**
         * Every current credential: valid (expired ones included), not a CA, with its key in the store
         * ({@code cert renew --all}). During a rotation in phase switched this moves every credential to the new CA.
         */
        ALL,
        /**
         * Every current credential still signed by the CA a rotation retires ({@link io.s2mtls.core.pki.Authorities#onOldCa}):
         * valid and unexpired, not a CA, with its key in the store. None outside a rotation; refused while the rotation
         * is only begun (the old CA still issues, so a renewal would not move anything).
         */
        ROTATION
    }

    public RenewRequest {
        references = List.copyOf(references);
        Objects.requireNonNull(dueWithin, "dueWithin is null");
        Objects.requireNonNull(key, "key is null");
        Objects.requireNonNull(days, "days is null");
        Objects.requireNonNull(progress, "progress is null");
        Objects.requireNonNull(selection, "selection is null");
        Objects.requireNonNull(alsoAudited, "alsoAudited is null");
        if (alsoAudited.filter(action -> !action.matches("[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)+")).isPresent()) {
            throw new IllegalArgumentException("an audit action is dotted lower-case words, like agent.renew: " + alsoAudited.get());
        }
        if (dueWithin.isPresent() && !references.isEmpty()) {
            throw new IllegalArgumentException("a renewal is either of named credentials or of those due, not both");
        }
        if (dueWithin.isPresent() != (selection == Selection.DUE)) {
            throw new IllegalArgumentException("a window is given with the selection of those due, and only then");
        }
        if (!references.isEmpty() && selection != Selection.NAMED) {
            throw new IllegalArgumentException("references are given with the selection of named credentials only");
        }
    }

    /** A renewal recorded with {@code cert.renew} events only. */
    public RenewRequest(List<String> references, Optional<Duration> dueWithin, Optional<KeySpec> key, Optional<Integer> days,
                        int parallelism, IntConsumer progress, Selection selection) {
        this(references, dueWithin, key, days, parallelism, progress, selection, Optional.empty());
    }

    /** The same renewal, recording a {@code action} event for each renewal too, in the same commit. */
    public RenewRequest alsoAuditedAs(String action) {
        return new RenewRequest(references, dueWithin, key, days, parallelism, progress, selection, Optional.of(action));
    }

    /** Named credentials ({@code references}), or, with {@code dueWithin}, those due (as before selections existed). */
    public RenewRequest(List<String> references, Optional<Duration> dueWithin, Optional<KeySpec> key, Optional<Integer> days,
                        int parallelism, IntConsumer progress) {
        this(references, dueWithin, key, days, parallelism, progress, dueWithin.isPresent() ? Selection.DUE : Selection.NAMED);
    }

    /** The credentials named by name or serial. */
    public static RenewRequest named(List<String> references, Optional<KeySpec> key, Optional<Integer> days, int parallelism, IntConsumer progress) {
        return new RenewRequest(references, Optional.empty(), key, days, parallelism, progress, Selection.NAMED);
    }

    /** Every current credential expiring within {@code window}. */
    public static RenewRequest due(Duration window, Optional<KeySpec> key, Optional<Integer> days, int parallelism, IntConsumer progress) {
        return new RenewRequest(List.of(), Optional.of(window), key, days, parallelism, progress, Selection.DUE);
    }

    /** Every current credential ({@code cert renew --all}). */
    public static RenewRequest all(Optional<KeySpec> key, Optional<Integer> days, int parallelism, IntConsumer progress) {
        return new RenewRequest(List.of(), Optional.empty(), key, days, parallelism, progress, Selection.ALL);
    }

    /** Every current credential a CA rotation still has to reissue. */
    public static RenewRequest rotation(Optional<KeySpec> key, Optional<Integer> days, int parallelism, IntConsumer progress) {
        return new RenewRequest(List.of(), Optional.empty(), key, days, parallelism, progress, Selection.ROTATION);
    }
}
