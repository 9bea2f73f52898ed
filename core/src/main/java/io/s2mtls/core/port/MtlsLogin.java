package io.s2mtls.core.port;

import io.s2mtls.core.user.DatabaseTarget;

/**
 * Logs in to a database server with the credentials of a {@link DatabaseTarget} (normally a client
 * certificate held in memory) and reports who the server says we are. Used by {@code s2mtls connect}
 * to prove that a certificate-bound account works.
 *
 * <p>Failures are {@link io.s2mtls.core.error.S2mtlsException}s of kind {@code EXTERNAL}: an unreachable
 * server names host and port; an access denial explains that a certificate that does not chain to the
 * server's client CA and a subject that differs from the account's {@code REQUIRE SUBJECT} look the same.
 */
public interface MtlsLogin {

    /** Opens one connection, asks the server, closes it. */
    LoginReport login(DatabaseTarget target);

    /**
     * What the server reported over the connection.
     *
     * @param currentUser {@code CURRENT_USER()}, e.g. {@code alice@%}
     * @param tlsVersion  the server's {@code Ssl_version} status, e.g. {@code TLSv1.3}; empty without TLS
     * @param cipher      the server's {@code Ssl_cipher} status; empty without TLS
     */
    record LoginReport(String currentUser, String tlsVersion, String cipher) {
        public LoginReport {
            java.util.Objects.requireNonNull(currentUser, "currentUser is null");
            java.util.Objects.requireNonNull(tlsVersion, "tlsVersion is null");
            java.util.Objects.requireNonNull(cipher, "cipher is null");
        }
    }
}
