package io.s2mtls.core.testing;

import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A store that hands every call of the port to {@code delegate}, for tests that watch or delay one of them
 * (override that one). Every method is forwarded, {@link #authorities()} included: a wrapper that forgets it
 * hides a rotation's second CA from the use cases.
 */
public class ForwardingCredentialStore implements CredentialStore {
    protected final CredentialStore delegate;

    public ForwardingCredentialStore(CredentialStore delegate) {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public StoreIndex index() {
        return delegate.index();
    }

    @Override
    public Optional<CaMaterial> authority() {
        return delegate.authority();
    }

    @Override
    public Optional<AuthoritySet> authorities() {
        return delegate.authorities();
    }

    @Override
    public Optional<Credential> credential(String name) {
        return delegate.credential(name);
    }

    @Override
    public void commit(StoreBatch batch) {
        delegate.commit(batch);
    }

    @Override
    public void appendAudit(List<AuditEvent> events) {
        delegate.appendAudit(events);
    }

    @Override
    public List<AuditEvent> recentAudit(int limit) {
        return delegate.recentAudit(limit);
    }

    @Override
    public void changePassword(char[] newPassword, List<AuditEvent> events) {
        delegate.changePassword(newPassword, events);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
