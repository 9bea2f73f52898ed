package io.s2mtls.adapters.jdbc.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts {@link TestDatabase} before a test class and stops it when the whole JUnit run ends (the root
 * context's store closes it), even when tests fail; the JVM shutdown hook is the second line.
 */
public final class TestDatabaseExtension implements BeforeAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestDatabaseExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("database", key -> new Running(TestDatabase.get()), Running.class);
    }

    private record Running(TestDatabase database) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            database.stop();
        }
    }
}
