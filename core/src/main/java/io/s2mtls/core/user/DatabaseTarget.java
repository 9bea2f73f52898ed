package io.s2mtls.core.user;

import io.s2mtls.core.error.S2mtlsException;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where and as whom to log in: a JDBC URL, a user, a password and/or a client certificate held in
 * memory, and the CA certificates the server's certificate must chain to. Key material is handed to the
 * driver in memory; nothing is written to disk.
 *
 * @param jdbcUrl            e.g. {@code jdbc:singlestore://db.example.com:3306/}
 * @param user               the login name
 * @param password           the password, or empty; the caller owns the array and clears it after use
 * @param clientCertificate  the client certificate and key, or empty
 * @param serverCas          trust anchors for the server certificate; required unless {@code sslMode} is {@code DISABLE}
 * @param sslMode            how the server is verified
 * @param verbose            let the driver's own log lines through (off: they are silenced)
 */
public record DatabaseTarget(String jdbcUrl, String user, Optional<char[]> password,
                             Optional<ClientCertificate> clientCertificate, List<X509Certificate> serverCas,
                             SslMode sslMode, boolean verbose) {

    /** How the server's certificate is checked. */
    public enum SslMode {
        /** No TLS at all. Only for diagnosis: a certificate-bound account cannot log in this way. */
        DISABLE,
        /** TLS; the server certificate must chain to {@code serverCas}. The default. */
        VERIFY_CA,
        /** As VERIFY_CA, and the URL's host must be in the server certificate's names. */
        VERIFY_FULL
    }

    /** A client certificate with its private key; {@code chain} holds intermediates after the leaf, if any. */
    public record ClientCertificate(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain) {
        public ClientCertificate {
            requireNonNull(certificate, "certificate is null");
            requireNonNull(privateKey, "privateKey is null");
            chain = List.copyOf(requireNonNull(chain, "chain is null"));
        }

        public ClientCertificate(X509Certificate certificate, PrivateKey privateKey) {
            this(certificate, privateKey, List.of());
        }
    }

    public DatabaseTarget {
        requireNonNull(jdbcUrl, "jdbcUrl is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(clientCertificate, "clientCertificate is null");
        serverCas = List.copyOf(requireNonNull(serverCas, "serverCas is null"));
        requireNonNull(sslMode, "sslMode is null");
        if (!jdbcUrl.startsWith("jdbc:")) {
            throw S2mtlsException.badInput("--jdbc-url: '" + jdbcUrl + "' is not a JDBC URL; write e.g. jdbc:singlestore://host:3306/");
        }
        if (user.isEmpty()) {
            throw S2mtlsException.badInput("--admin-user/--user: the login name is empty");
        }
        if (sslMode != SslMode.DISABLE && serverCas.isEmpty()) {
            throw S2mtlsException.badInput("--ca: no CA certificate to verify the server with; give the CA that signed the server certificate");
        }
    }

    /** An administrative login with a password, verifying the server against {@code serverCas}. */
    public static DatabaseTarget withPassword(String jdbcUrl, String user, char[] password, List<X509Certificate> serverCas) {
        return new DatabaseTarget(jdbcUrl, user, Optional.of(password), Optional.empty(), serverCas, SslMode.VERIFY_CA, false);
    }

    /** A login with a client certificate, verifying the server against {@code serverCas}. */
    public static DatabaseTarget withCertificate(String jdbcUrl, String user, ClientCertificate certificate,
                                                 List<X509Certificate> serverCas) {
        return new DatabaseTarget(jdbcUrl, user, Optional.empty(), Optional.of(certificate), serverCas, SslMode.VERIFY_CA, false);
    }

    public DatabaseTarget withSslMode(SslMode mode) {
        return new DatabaseTarget(jdbcUrl, user, password, clientCertificate, serverCas, mode, verbose);
    }

    public DatabaseTarget withVerbose(boolean on) {
        return new DatabaseTarget(jdbcUrl, user, password, clientCertificate, serverCas, sslMode, on);
    }

    public DatabaseTarget withUser(String name) {
        return new DatabaseTarget(jdbcUrl, name, password, clientCertificate, serverCas, sslMode, verbose);
    }

    /** Never prints the password or key. */
    @Override
    public String toString() {
        return "DatabaseTarget[" + jdbcUrl + ", user=" + user + ", password=" + (password.isPresent() ? "***" : "none")
                + ", clientCertificate=" + clientCertificate.map(c -> c.certificate().getSubjectX500Principal().getName()).orElse("none")
                + ", sslMode=" + sslMode + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DatabaseTarget that && jdbcUrl.equals(that.jdbcUrl) && user.equals(that.user)
                && password.map(Arrays::hashCode).equals(that.password.map(Arrays::hashCode))
                && clientCertificate.equals(that.clientCertificate) && serverCas.equals(that.serverCas)
                && sslMode == that.sslMode && verbose == that.verbose;
    }

    @Override
    public int hashCode() {
        return jdbcUrl.hashCode() * 31 + user.hashCode();
    }
}
