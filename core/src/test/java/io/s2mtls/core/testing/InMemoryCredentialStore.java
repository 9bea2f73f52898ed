package io.s2mtls.core.testing;

import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoreWrite;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A faithful in-memory {@link CredentialStore} for tests of the use cases. Stores with the same name
 * share content, like two handles on one file. It passes the store contract itself.
 */
public final class InMemoryCredentialStore implements CredentialStore {
    private static final Map<String, Content> CONTENT = new ConcurrentHashMap<>();
    private final String name;

    /** One store's content; guarded by itself. */
    private static final class Content {
        StoreIndex index = StoreIndex.empty();
        Optional<AuthoritySet> authorities = Optional.empty();
        final Map<String, Credential> credentials = new HashMap<>();
        final List<AuditEvent> audit = new ArrayList<>();
    }

    public InMemoryCredentialStore(String name) {
        this.name = name;
    }

    private Content content() {
        return CONTENT.computeIfAbsent(name, n -> new Content());
    }

    @Override
    public String describe() {
        return "memory:" + name;
    }

    @Override
    public StoreIndex index() {
        Content content = content();
        synchronized (content) {
            return content.index;
        }
    }

    @Override
    public Optional<CaMaterial> authority() {
        Content content = content();
        synchronized (content) {
            return content.authorities.map(AuthoritySet::issuing);
        }
    }

    @Override
    public Optional<AuthoritySet> authorities() {
        Content content = content();
        synchronized (content) {
            return content.authorities;
        }
    }

    @Override
    public Optional<Credential> credential(String credentialName) {
        Content content = content();
        synchronized (content) {
            return Optional.ofNullable(content.credentials.get(credentialName));
        }
    }

    @Override
    public void commit(StoreBatch batch) {
        Content content = content();
        synchronized (content) {
            StoreIndex next = content.index.applying(batch);
            for (StoreWrite write : batch.writes()) {
                if (write instanceof StoreWrite.SetAuthority set) {
                    content.authorities = Optional.of(set.authorities());
                } else if (write instanceof StoreWrite.PutCredential put) {
                    content.credentials.put(put.credential().name(), put.credential());
                } else if (write instanceof StoreWrite.RemoveCredential remove) {
                    content.credentials.remove(remove.name());
                }
            }
            content.index = next;
            content.audit.addAll(batch.audit());
        }
    }

    @Override
    public List<AuditEvent> recentAudit(int limit) {
        Content content = content();
        synchronized (content) {
            int from = Math.max(0, content.audit.size() - Math.max(0, limit));
            return List.copyOf(content.audit.subList(from, content.audit.size()));
        }
    }
}
