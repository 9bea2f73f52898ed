package io.s2mtls.cli.rotation;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;

/**
 * A MariaDB server of one test class's own, not the one the rest of the run shares, for the tests that change which
 * client CAs the server trusts. Registered on a static field ({@code @RegisterExtension}), it starts the server
 * before the class's first test and stops it after the last.
 */
final class PrivateServer implements BeforeAllCallback, AfterAllCallback {
    private TestDatabase db;

    @Override
    public void beforeAll(ExtensionContext context) {
        db = TestDatabase.startPrivate();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (db != null) {
            db.stop();
        }
    }

    /** The running server. */
    TestDatabase db() {
        return db;
    }

    /** One login to the server as {@code user} with a keystore's key and chain, verifying the server's certificate. */
    LoginFleet.Outcome login(String user, Path keystore, String keystorePassword) {
        return LoginFleet.login(db.jdbcUrl(), db.authority().certificatePem(), user, keystore, keystorePassword);
    }
}
