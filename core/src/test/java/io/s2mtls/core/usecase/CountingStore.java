package io.s2mtls.core.usecase;

import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.testing.ForwardingCredentialStore;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store that counts what the use cases ask of it: {@link #index()} reads no key, {@link #authority()}
 * decrypts the CA key, {@link #credential(String)} decrypts one credential's key. It keeps every batch
 * committed, and can run something just before a commit reaches the store (another writer getting there
 * first). Every other method is forwarded ({@link ForwardingCredentialStore}); an audit append is counted and
 * committed as an audit-only batch, so it shows up among the commits.
 */
final class CountingStore extends ForwardingCredentialStore {
    /** Runs before the {@code attempt}-th commit (from 1) reaches the store; it may write to the store itself or throw. */
    interface BeforeCommit {
        void run(int attempt, StoreBatch batch);
    }

    final AtomicInteger index = new AtomicInteger();
    final AtomicInteger authority = new AtomicInteger();
    final AtomicInteger credential = new AtomicInteger();
    final AtomicInteger commit = new AtomicInteger();
    final AtomicInteger recentAudit = new AtomicInteger();
    final AtomicInteger appendAudit = new AtomicInteger();
    final List<StoreBatch> committed = Collections.synchronizedList(new ArrayList<>());
    private volatile BeforeCommit beforeCommit = (attempt, batch) -> { };

    CountingStore(CredentialStore delegate) {
        super(delegate);
    }

    /** Forgets the counts and batches so far, and any hook. */
    CountingStore reset() {
        index.set(0);
        authority.set(0);
        credential.set(0);
        commit.set(0);
        recentAudit.set(0);
        appendAudit.set(0);
        committed.clear();
        beforeCommit = (attempt, batch) -> { };
        return this;
    }

    CountingStore beforeCommit(BeforeCommit hook) {
        this.beforeCommit = hook;
        return this;
    }

    /** index, authority, credential, commit: for messages. */
    String counts() {
        return "index=" + index + " authority=" + authority + " credential=" + credential + " commit=" + commit
                + " recentAudit=" + recentAudit + " appendAudit=" + appendAudit;
    }

    @Override
    public StoreIndex index() {
        index.incrementAndGet();
        return delegate.index();
    }

    @Override
    public Optional<CaMaterial> authority() {
        authority.incrementAndGet();
        return delegate.authority();
    }

    @Override
    public Optional<Credential> credential(String name) {
        credential.incrementAndGet();
        return delegate.credential(name);
    }

    @Override
    public void commit(StoreBatch batch) {
        int attempt = commit.incrementAndGet();
        beforeCommit.run(attempt, batch);
        delegate.commit(batch);
        committed.add(batch);
    }

    @Override
    public void appendAudit(List<AuditEvent> events) {
        appendAudit.incrementAndGet();
        if (!events.isEmpty()) {
            commit(new StoreBatch(List.of(), events));
        }
    }

    @Override
    public List<AuditEvent> recentAudit(int limit) {
        recentAudit.incrementAndGet();
        return delegate.recentAudit(limit);
    }
}
