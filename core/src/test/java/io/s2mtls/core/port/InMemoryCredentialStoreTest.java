package io.s2mtls.core.port;

import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.testing.InMemoryCredentialStore;

import java.util.UUID;

/** The test fake must honour the same contract as real stores, or tests built on it prove nothing. */
class InMemoryCredentialStoreTest extends CredentialStoreContract {
    private final String name = UUID.randomUUID().toString();

    @Override
    protected CredentialStore openStore() {
        return new InMemoryCredentialStore(name);
    }

    @Override
    protected CredentialStore openStoreWithWrongCredentials() {
        return new CredentialStore() {
            @Override
            public String describe() {
                return "memory:" + name;
            }

            private S2mtlsException wrong() {
                return new S2mtlsException(ErrorKind.BAD_INPUT, "memory:" + name + ": wrong store password");
            }

            @Override
            public StoreIndex index() {
                throw wrong();
            }

            @Override
            public java.util.Optional<io.s2mtls.core.pki.CaMaterial> authority() {
                throw wrong();
            }

            @Override
            public java.util.Optional<io.s2mtls.core.pki.Credential> credential(String credentialName) {
                throw wrong();
            }

            @Override
            public void commit(StoreBatch batch) {
                throw wrong();
            }

            @Override
            public java.util.List<io.s2mtls.core.pki.AuditEvent> recentAudit(int limit) {
                throw wrong();
            }
        };
    }
}
