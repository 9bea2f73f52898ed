package io.s2mtls.adapters.jdbc;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.user.DatabaseTarget;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/** Opens driver connections for a {@link DatabaseTarget} and maps driver failures to s2mtls errors. */
final class JdbcConnector {
    /** Both offered; the driver itself would offer only what SSLContext.getInstance("TLSv1.2") enables. */
    static final String PROTOCOLS = "TLSv1.2,TLSv1.3";

    /**
     * The JDK's default suites, TLS 1.3 ones included. Named explicitly because the driver builds its
     * context with SSLContext.getInstance("TLSv1.2"), whose default suites exclude TLS 1.3, so that
     * enabling the protocol alone offers no TLS 1.3 suite and TLS 1.2 is negotiated.
     */
    static final String CIPHER_SUITES = defaultCipherSuites();

    private static String defaultCipherSuites() {
        try {
            return String.join(",", javax.net.ssl.SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no default TLS context", e);
        }
    }

    private JdbcConnector() {
    }

    static Connection connect(DatabaseTarget target) {
        DriverLogging.configure(target.verbose());
        Properties properties = new Properties();
        properties.setProperty("user", target.user());
        target.password().ifPresent(p -> properties.setProperty("password", new String(p)));
        properties.setProperty("connectTimeout", "10000");
        properties.setProperty("sslMode", switch (target.sslMode()) {
            case DISABLE -> "disable";
            case VERIFY_CA -> "verify-ca";
            case VERIFY_FULL -> "verify-full";
        });
        if (target.sslMode() != DatabaseTarget.SslMode.DISABLE) {
            properties.setProperty("tlsSocketType", InMemoryTlsSocketPlugin.TYPE);
            properties.setProperty("enabledSslProtocolSuites", PROTOCOLS);
            properties.setProperty("enabledSslCipherSuites", CIPHER_SUITES);
        }
        try (TlsMaterialRegistry.Registration registration = TlsMaterialRegistry.register(
                new TlsMaterialRegistry.Material(target.clientCertificate(), target.serverCas()))) {
            properties.setProperty(TlsMaterialRegistry.TOKEN_PROPERTY, registration.token());
            Connection connection = new com.singlestore.jdbc.Driver().connect(target.jdbcUrl(), properties);
            if (connection == null) {
                throw S2mtlsException.badInput("--jdbc-url: '" + target.jdbcUrl() + "' is not a SingleStore JDBC URL;"
                        + " write jdbc:singlestore://host:port/");
            }
            return connection;
        } catch (SQLException e) {
            if (target.clientCertificate().isPresent() && handshakeRefused(e)) {
                return throwRefusal(e, target);
            }
            throw failure(e, target, "log in as '" + target.user() + "'");
        }
    }

    /**
     * MariaDB (OpenSSL) ends the TLS handshake itself when it rejects a client certificate (not from its
     * client CA, expired): the client sees a fatal alert, or a broken pipe / reset when the alert races
     * with its own writes. For the operator that is an access denial like 1045.
     */
    private static boolean handshakeRefused(SQLException e) {
        if (e.getErrorCode() == 1045 || "28000".equals(e.getSQLState())) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof SSLException && message.contains("Received fatal alert")
                    || message.contains("Broken pipe") || message.contains("Connection reset")) {
                return true;
            }
        }
        return false;
    }

    private static Connection throwRefusal(SQLException e, DatabaseTarget target) {
        String reason = String.valueOf(rootCause(e).getMessage());
        throw S2mtlsException.external("database " + hostAndPort(target.jdbcUrl()) + ": access denied for '"
                + target.user() + "': the server ended the TLS handshake (" + reason + "), which is how it rejects a"
                + " client certificate that is expired or not from its client CA. " + HOW_TO_TELL, e);
    }

    static final String HOW_TO_TELL = "The server gives the same answer for a missing, expired or wrongly chained"
            + " certificate as for a subject that differs from the account's REQUIRE SUBJECT. Tell them apart: verify the"
            + " chain first (s2mtls cert verify --ca <the server's client CA> cert.pem), then compare"
            + " `s2mtls subject cert.pem` with the REQUIRE SUBJECT shown by `s2mtls user show <user>`";

    /** An EXTERNAL error for {@code e}, naming the server and explaining access denials. */
    static S2mtlsException failure(SQLException e, DatabaseTarget target, String action) {
        String server = hostAndPort(target.jdbcUrl());
        if (e.getErrorCode() == 1045 || "28000".equals(e.getSQLState())) {
            return S2mtlsException.external("database " + server + ": access denied for '" + target.user() + "'. "
                    + HOW_TO_TELL, e);
        }
        Throwable cause = rootCause(e);
        if (cause instanceof ConnectException || cause instanceof UnknownHostException
                || cause instanceof NoRouteToHostException || cause instanceof SocketTimeoutException) {
            return S2mtlsException.external("database " + server + " is unreachable: " + cause.getMessage(), e);
        }
        if (cause instanceof SSLException || cause instanceof java.security.cert.CertificateException
                || cause instanceof java.security.cert.CertPathBuilderException
                || cause instanceof java.security.cert.CertPathValidatorException) {
            return S2mtlsException.external("database " + server + ": TLS handshake failed (" + cause.getMessage()
                    + "); check that --ca is the CA that signed the server certificate", e);
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("hostname verification failed")) {
            return S2mtlsException.external("database " + server + ": the server certificate does not name the host of"
                    + " --jdbc-url (verify-full): " + message.replaceFirst("^\\(conn=\\d+\\) ", "")
                    + " Connect with a name in its subject alternative names", e);
        }
        if (message.contains("Connection refused") || message.contains("connect timed out") || message.contains("UnknownHost")) {
            return S2mtlsException.external("database " + server + " is unreachable: " + message, e);
        }
        return S2mtlsException.external("database " + server + ": cannot " + action + ": " + e.getMessage()
                + " (error " + e.getErrorCode() + ", SQLSTATE " + e.getSQLState() + ")", e);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** {@code host:port} from {@code jdbc:singlestore://host:port/db?...} (port 3306 when absent). */
    static String hostAndPort(String jdbcUrl) {
        int start = jdbcUrl.indexOf("//");
        if (start < 0) {
            return jdbcUrl;
        }
        String rest = jdbcUrl.substring(start + 2);
        int end = rest.length();
        for (char stop : new char[] {'/', '?', ','}) {
            int at = rest.indexOf(stop);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        String hostPort = rest.substring(0, end);
        int at = hostPort.lastIndexOf('@');
        hostPort = hostPort.substring(at + 1);
        boolean hasPort = hostPort.startsWith("[") ? hostPort.contains("]:") : hostPort.contains(":");
        return hasPort ? hostPort : hostPort + ":3306";
    }
}
