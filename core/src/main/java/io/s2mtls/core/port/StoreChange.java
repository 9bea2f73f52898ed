package io.s2mtls.core.port;

/**
 * A change to a store, expressed as a pure function of the store's latest content. A store applies
 * it while holding its write lock (or inside its compare-and-set loop), so the function may run more
 * than once and must do no slow work: generate keys and sign certificates before building the change.
 * Throwing from {@link #applyTo} aborts the change and leaves the store as it was.
 */
@FunctionalInterface
public interface StoreChange {
    StoreSnapshot applyTo(StoreSnapshot current);
}
