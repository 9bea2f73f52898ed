package io.s2mtls.core.usecase;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreConflictException;
import io.s2mtls.core.port.StoreIndex;

import static java.util.Objects.requireNonNull;

/**
 * The one way the use cases change a store: build a batch from the latest index, commit it, and when
 * another writer got there first (a {@link StoreConflictException}: nothing was written) read the index
 * again and build the batch again, a bounded number of times.
 *
 * <p>The builder re-checks the command's rules on every attempt, so a conflict that breaks one (a name
 * taken meanwhile, a certificate revoked meanwhile) ends as that rule's ordinary error, and a conflict
 * that breaks none is retried without the caller noticing. Keys are generated and certificates signed
 * before this is called; a builder does map look-ups and builds the batch, nothing slow.
 */
final class StoreCommits {
    /** How many times a batch is built and committed before the command gives up. */
    static final int ATTEMPTS = 10;

    private StoreCommits() {
    }

    /** A batch to commit and what the command returns once it is committed. */
    record Prepared<T>(StoreBatch batch, T result) {
        Prepared {
            requireNonNull(batch, "batch is null");
        }
    }

    /** Builds the batch for one attempt from the latest index; throws the rule's error when one no longer holds. */
    @FunctionalInterface
    interface Builder<T> {
        Prepared<T> build(StoreIndex index);
    }

    /** What was committed: the result, the index the batch was built on, and the batch. */
    record Committed<T>(T result, StoreIndex index, StoreBatch batch) {
        /** The index as this commit left it (other writers may have added more since); copies the index once. */
        StoreIndex after() {
            return index.applying(batch);
        }
    }

    /**
     * Builds a batch from {@code first} (an index the command has just read) and commits it; on a conflict
     * reads the index again and rebuilds. An empty batch is not committed.
     */
    static <T> Committed<T> commit(CredentialStore store, StoreIndex first, Builder<T> builder) {
        StoreIndex index = requireNonNull(first, "first is null");
        for (int attempt = 1; ; attempt++) {
            Prepared<T> prepared = builder.build(index);
            if (prepared.batch().isEmpty()) {
                return new Committed<>(prepared.result(), index, prepared.batch());
            }
            try {
                store.commit(prepared.batch());
                return new Committed<>(prepared.result(), index, prepared.batch());
            } catch (StoreConflictException e) {
                if (attempt >= ATTEMPTS) {
                    throw S2mtlsException.external(store.describe() + ": other writers kept changing the store under this command ("
                            + e.getMessage() + "); nothing was written, run it again", e);
                }
                index = store.index();
            }
        }
    }

    /** As {@link #commit(CredentialStore, StoreIndex, Builder)}, reading the index first. */
    static <T> Committed<T> commit(CredentialStore store, Builder<T> builder) {
        return commit(store, store.index(), builder);
    }
}
