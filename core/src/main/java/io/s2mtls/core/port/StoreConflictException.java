package io.s2mtls.core.port;

/**
 * An expectation of a {@link StoreWrite} did not hold: another writer changed the entry since it was
 * read. Nothing of the batch was written. Use cases re-read the index and try again; the message names
 * the entry.
 */
public final class StoreConflictException extends RuntimeException {
    public StoreConflictException(String message) {
        super(message);
    }
}
