package io.s2mtls.core.port;

import io.s2mtls.core.user.DatabaseTarget.ClientCertificate;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.port.MtlsLogin;
import io.s2mtls.core.user.UserAccount;

import java.util.List;
import java.util.Optional;

/**
 * What the doctor asks of the database server: what it holds for an account (over an administrative
 * connection, when there is one) and a live login with the certificate under test. Failures are
 * {@link io.s2mtls.core.error.S2mtlsException}s; the doctor reports them as the step's finding.
 */
public interface DoctorServer {

    /** e.g. {@code mariadb 10.11.19 at 127.0.0.1:3306}. */
    String description();

    /** Why there is no administrative connection (steps 7 and 8 then rely on the store), or empty when there is one. */
    Optional<String> adminUnavailable();

    /** The account as the server describes it, or empty when it has none. Only with an administrative connection. */
    Optional<DatabaseUser> show(UserAccount account);

    /** Every account on the server. Only with an administrative connection. */
    List<UserAccount> accounts();

    /** Logs in as {@code user} with {@code certificate}. */
    MtlsLogin.LoginReport login(String user, ClientCertificate certificate);

    /**
     * The CA bundle the server verifies client certificates with, when the server names a file that can be read
     * from here; otherwise empty certificates and, in {@code notes}, why not. This default knows of none.
     */
    default ClientCaBundle clientCaBundle() {
        return new ClientCaBundle("", List.of(), List.of());
    }

    /** The server's client CA bundle: where it is ({@code source}, for messages), its certificates, and notes on why it is not there. */
    record ClientCaBundle(String source, List<java.security.cert.X509Certificate> certificates, List<String> notes) {
        public ClientCaBundle {
            certificates = List.copyOf(certificates);
            notes = List.copyOf(notes);
        }
    }
}
