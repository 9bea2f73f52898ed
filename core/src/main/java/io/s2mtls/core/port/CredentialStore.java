package io.s2mtls.core.port;

/**
 * Where CA material, issued credentials and the inventory live.
 *
 * <p>Contract for implementations (the shared contract test suite in {@code core}'s test jar checks it):
 * <ul>
 *   <li>{@link #read()} returns the latest committed content; a store that does not exist yet reads as
 *       {@link StoreSnapshot#empty()}.</li>
 *   <li>{@link #update(StoreChange)} is atomic and durable: after it returns, all of the change is
 *       stored; if it throws, none of it is, and the stored bytes are unchanged. A crash at any point
 *       leaves the old or the new content, never a mix.</li>
 *   <li>Updates from concurrent threads or processes are serialised (a lock or compare-and-set), and
 *       each change is applied to the latest content, so none is lost.</li>
 *   <li>Failures are {@link io.s2mtls.core.error.S2mtlsException}s with one-line messages that name
 *       the store and never contain a secret: a wrong password is {@code BAD_INPUT} with the words
 *       "wrong store password"; an unreachable backend is {@code EXTERNAL}.</li>
 * </ul>
 * Implementations are safe for concurrent use.
 */
public interface CredentialStore extends AutoCloseable {

    /** The store's location as the user wrote it, without secrets; used in messages. */
    String describe();

    /** The latest committed content. */
    StoreSnapshot read();

    /**
     * Applies {@code change} to the latest content and commits the result atomically.
     *
     * @return the content as committed
     */
    StoreSnapshot update(StoreChange change);

    /**
     * Re-protects the whole store under {@code newPassword}, applying {@code change} (e.g. the audit event
     * that records it) in the same atomic write, after checking the current password the store was opened
     * with: a wrong one is {@code BAD_INPUT} "wrong store password" and the stored bytes are unchanged.
     * A crash at any point leaves the store readable with the old password or with the new one. Stores
     * without a password of their own refuse; this default does.
     *
     * @return the content as committed
     */
    default StoreSnapshot changePassword(char[] newPassword, StoreChange change) {
        throw io.s2mtls.core.error.S2mtlsException.badInput(describe()
                + ": this store does not support changing its password (it has no store password of its own)");
    }

    @Override
    default void close() {
    }
}
