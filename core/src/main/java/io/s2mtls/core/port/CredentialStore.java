package io.s2mtls.core.port;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;

import java.util.List;
import java.util.Optional;

/**
 * Where CA material, issued credentials, the inventory, the managed users and the audit trail live.
 * The port is granular so that a store of 100,000 credentials costs no more per command than a store
 * of ten: the index is read without keys, one credential's key is decrypted when it is asked for, and
 * a change names only the entries it touches.
 *
 * <p>Contract for implementations (the shared contract suite in {@code core}'s test jar checks it):
 * <ul>
 *   <li>{@link #index()} returns the latest committed index and decrypts no private key; a store that
 *       does not exist yet reads as {@link StoreIndex#empty()}.</li>
 *   <li>{@link #authority()} and {@link #credential(String)} decrypt only the key asked for.</li>
 *   <li>{@link #commit(StoreBatch)} checks every expectation of the batch against the latest content
 *       before writing anything; if one fails it throws {@link StoreConflictException} and the stored
 *       content is unchanged. A batch is atomic and durable: after it returns all of it is stored; if
 *       it throws, none of it is. A crash at any point leaves the old or the new content. A store that
 *       cannot write several entries atomically (a key-value service) writes them in an order in which
 *       every prefix is a consistent store, and says so in its documentation.</li>
 *   <li>Commits from concurrent threads or processes are serialised (a lock or per-entry
 *       compare-and-set), so none is lost.</li>
 *   <li>The audit trail is append-only: events are appended by the commit that records them (or by
 *       {@link #appendAudit}) and never rewritten; {@link #recentAudit(int)} costs the same however
 *       long the trail is.</li>
 *   <li>A write that would make the store exceed a size limit is refused before anything is written,
 *       with a {@code BAD_INPUT} error that names the limit.</li>
 *   <li>Failures are {@link S2mtlsException}s with one-line messages that name the store and never
 *       contain a secret: a wrong password is {@code BAD_INPUT} with the words "wrong store password";
 *       an unreachable backend is {@code EXTERNAL}.</li>
 * </ul>
 * Implementations are safe for concurrent use.
 */
public interface CredentialStore extends AutoCloseable {

    /** The store's location as the user wrote it, without secrets; used in messages. */
    String describe();

    /** The latest committed index: no private keys, no audit trail. */
    StoreIndex index();

    /** The issuing CA with its private key (or its key reference), decrypting no other key; empty when there is no CA. */
    Optional<CaMaterial> authority();

    /**
     * Every CA the store holds with their keys: the issuing CA, a rotation's other CA and a root key, as the last
     * {@link StoreWrite.SetAuthority} wrote them; empty when there is no CA. A store must return exactly what it was
     * given; this default, for stores written before rotation existed, knows only the issuing CA, and such a store
     * must refuse a {@code SetAuthority} whose set holds more.
     */
    default Optional<AuthoritySet> authorities() {
        return authority().map(AuthoritySet::single);
    }

    /** The credential {@code name} with its certificate and key, decrypting no other key; empty when there is none. */
    Optional<Credential> credential(String name);

    /**
     * Checks the batch's expectations against the latest content and, when all hold, writes the batch and
     * appends its audit events atomically.
     *
     * @throws StoreConflictException when an expectation does not hold; nothing was written
     */
    void commit(StoreBatch batch);

    /** Appends events to the audit trail without changing anything else. */
    default void appendAudit(List<AuditEvent> events) {
        if (!events.isEmpty()) {
            commit(new StoreBatch(List.of(), events));
        }
    }

    /** The last {@code limit} events of the audit trail, oldest first; the cost does not grow with the trail. */
    List<AuditEvent> recentAudit(int limit);

    /**
     * Re-protects the whole store under {@code newPassword} and appends {@code events} in the same write,
     * after checking the current password the store was opened with: a wrong one is {@code BAD_INPUT}
     * "wrong store password" and the stored bytes are unchanged. A crash at any point leaves the store
     * readable with the old password or with the new one. Stores without a password of their own refuse;
     * this default does.
     */
    default void changePassword(char[] newPassword, List<AuditEvent> events) {
        throw S2mtlsException.badInput(describe()
                + ": this store does not support changing its password (it has no store password of its own)");
    }

    @Override
    default void close() {
    }
}
