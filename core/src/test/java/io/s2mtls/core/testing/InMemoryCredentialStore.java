package io.s2mtls.core.testing;

import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreChange;
import io.s2mtls.core.port.StoreSnapshot;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A faithful in-memory {@link CredentialStore} for tests of the use cases. Stores with the same name
 * share content, like two handles on one file. It passes the store contract itself.
 */
public final class InMemoryCredentialStore implements CredentialStore {
    private static final Map<String, StoreSnapshot> CONTENT = new ConcurrentHashMap<>();
    private final String name;

    public InMemoryCredentialStore(String name) {
        this.name = name;
    }

    @Override
    public String describe() {
        return "memory:" + name;
    }

    @Override
    public StoreSnapshot read() {
        return CONTENT.getOrDefault(name, StoreSnapshot.empty());
    }

    @Override
    public StoreSnapshot update(StoreChange change) {
        synchronized (CONTENT) {
            StoreSnapshot next = change.applyTo(read());
            CONTENT.put(name, next);
            return next;
        }
    }
}
