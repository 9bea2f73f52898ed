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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

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

    /**
     * The URL parameters a connection accepts (compared as the driver does, ignoring case): network timing,
     * session variables (s2mtls reads the resulting sql_mode back) and connection attributes. The rest of what
     * the driver knows can change TLS, trust or credentials, or run code or SQL on login (sslMode,
     * trustServerCertificate, serverSslCert, keyStore, password, socketFactory, initSql, allowLocalInfile, ...);
     * an allow list rather than a deny list, so that a parameter a later driver adds is refused until judged.
     */
    static final Set<String> HARMLESS_PARAMETERS = Set.of("connecttimeout", "sockettimeout", "tcpkeepalive", "tcpkeepidle",
            "tcpkeepcount", "tcpkeepinterval", "tcpabortiveclose", "retriesalldown", "sessionvariables", "connectionattributes");

    /** What to use instead of a refused parameter, by its lower-case name (the driver's aliases included). */
    private static final Map<String, String> INSTEAD = instead();

    private static Map<String, String> instead() {
        Map<String, String> instead = new java.util.HashMap<>();
        String tls = "choose --ssl-mode verify-ca or verify-full instead";
        for (String name : List.of("sslmode", "usessl", "trustservercertificate", "disablesslhostnameverification",
                "enabledsslprotocolsuites", "enabledsslciphersuites", "tlssockettype", "socketfactory", "localsocket", "pipe")) {
            instead.put(name, tls);
        }
        for (String name : List.of("serversslcert", "truststore", "truststorepassword", "truststoretype")) {
            instead.put(name, "name the CA of the server certificate with --ca FILE");
        }
        for (String name : List.of("keystore", "keystorepassword", "keystoretype", "keypassword", "clientcertificatekeystoreurl",
                "clientcertificatekeystorepassword", "clientcertificatekeystoretype")) {
            instead.put(name, "log in with a client certificate through --admin-cert FILE --admin-key FILE (connect: --cert/--key or --credential)");
        }
        for (String name : List.of("password", "password1", "password2", "credentialtype", "restrictedauth", "allowpublickeyretrieval")) {
            instead.put(name, "give the admin password with env S2MTLS_ADMIN_PASSWORD or --admin-password-file FILE");
        }
        instead.put("user", "name the admin with --admin-user NAME (connect: --user NAME)");
        return Map.copyOf(instead);
    }

    /**
     * Refuses a URL that carries credentials or a parameter outside {@link #HARMLESS_PARAMETERS}: the driver
     * lets URL parameters override the properties s2mtls sets (sslMode=disable would log in over plain TCP),
     * and reads parameter names case-insensitively. Nothing is sent before this check.
     */
    static void checkUrl(String url) {
        int slashes = url.indexOf("//");
        int query = url.indexOf('?');
        String beforeQuery = query < 0 ? url : url.substring(0, query);
        if (slashes >= 0) {
            int authorityEnd = beforeQuery.indexOf('/', slashes + 2);
            String authority = beforeQuery.substring(slashes + 2, authorityEnd < 0 ? beforeQuery.length() : authorityEnd);
            if (authority.contains("@")) {
                throw S2mtlsException.badInput("--jdbc-url: '" + redacted(url) + "' carries a user or password before the host;"
                        + " remove it and name the admin with --admin-user NAME and env S2MTLS_ADMIN_PASSWORD or --admin-password-file FILE");
            }
        }
        if (query < 0) {
            return;
        }
        for (String parameter : url.substring(query + 1).split("&", -1)) {
            if (parameter.isEmpty()) {
                continue;
            }
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            String key = name.toLowerCase(Locale.ROOT);
            if (HARMLESS_PARAMETERS.contains(key)) {
                continue;
            }
            String decoded = decoded(key);
            String hint = INSTEAD.get(decoded);
            if (hint == null && decoded.startsWith("password")) {
                hint = INSTEAD.get("password");
            }
            throw S2mtlsException.badInput("--jdbc-url: parameter '" + shown(name) + "' is refused: s2mtls connections are always"
                    + " verified TLS, and a URL parameter may not change TLS, trust or credentials; "
                    + (hint != null ? hint : "remove it") + " (accepted parameters: connectTimeout, socketTimeout, tcpKeepAlive,"
                    + " tcpKeepIdle, tcpKeepCount, tcpKeepInterval, tcpAbortiveClose, retriesAllDown, sessionVariables, connectionAttributes)");
        }
    }

    /** {@code %73slmode} -> {@code sslmode}, to recognise an encoded name in the hint (it is refused either way). */
    private static String decoded(String name) {
        try {
            return java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return name;
        }
    }

    /** A parameter name for a message: no control characters, not endless. */
    private static String shown(String name) {
        String clean = name.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 60 ? clean.substring(0, 60) + "..." : clean;
    }

    /**
     * {@code url} for messages: a user or password before the host becomes {@code ***@}, and every parameter
     * value {@code ***}; the host, port, database and parameter names stay.
     */
    static String redacted(String url) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        int slashes = base.indexOf("//");
        if (slashes >= 0) {
            int authorityEnd = base.indexOf('/', slashes + 2);
            int at = base.lastIndexOf('@', authorityEnd < 0 ? base.length() : authorityEnd);
            if (at > slashes) {
                base = base.substring(0, slashes + 2) + "***" + base.substring(at);
            }
        }
        if (query < 0) {
            return base;
        }
        List<String> parameters = new ArrayList<>();
        for (String parameter : url.substring(query + 1).split("&", -1)) {
            int equals = parameter.indexOf('=');
            parameters.add(equals < 0 ? parameter : parameter.substring(0, equals) + "=***");
        }
        return base + "?" + String.join("&", parameters);
    }

    static Connection connect(DatabaseTarget target) {
        checkUrl(target.jdbcUrl());
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
                throw S2mtlsException.badInput("--jdbc-url: '" + redacted(target.jdbcUrl()) + "' is not a SingleStore JDBC URL;"
                        + " write jdbc:singlestore://host:port/");
            }
            return connection;
        } catch (SQLException e) {
            if (target.clientCertificate().isPresent() && handshakeRefused(e)) {
                return throwRefusal(e, target);
            }
            throw loginFailure(e, target);
        }
    }

    /**
     * A refused login: with a password, an admin credentials problem (the user commands log in with a password
     * only as the admin); with a certificate alone, the ways a certificate is refused.
     */
    static S2mtlsException loginFailure(SQLException e, DatabaseTarget target) {
        if (target.password().isPresent() && (e.getErrorCode() == 1045 || "28000".equals(e.getSQLState()))) {
            return S2mtlsException.external("database " + hostAndPort(target.jdbcUrl()) + ": access denied for '" + target.user()
                    + "' logging in with a password (" + serverText(e) + "): the admin user name or password is wrong, or the"
                    + " account may not log in from this host; check --admin-user (env S2MTLS_ADMIN_USER) and the password in"
                    + " env S2MTLS_ADMIN_PASSWORD or --admin-password-file"
                    + (target.clientCertificate().isPresent() ? "; a client certificate was offered too: " + HOW_TO_TELL : ""), e);
        }
        return failure(e, target, "log in as '" + target.user() + "'");
    }

    /** The server's message without the driver's {@code (conn=12) } prefix. */
    static String serverText(SQLException e) {
        return String.valueOf(e.getMessage()).replaceFirst("^\\(conn=\\d+\\) ", "");
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
        if (e.getErrorCode() == 1045) {
            return S2mtlsException.external("database " + server + ": access denied for '" + target.user() + "'. "
                    + HOW_TO_TELL, e);
        }
        if (e.getErrorCode() == 1227 || e.getErrorCode() == 1044 || e.getErrorCode() == 1142 || e.getErrorCode() == 1143
                || e.getErrorCode() == 1410) {
            return S2mtlsException.external("database " + server + ": the admin '" + target.user() + "' may not " + action + ": "
                    + serverText(e) + ". Grant that privilege to the admin, or log in as an admin that has it (--admin-user)", e);
        }
        if (e.getErrorCode() == 1133) {
            return S2mtlsException.external("database " + server + ": cannot " + action + ": no such account ("
                    + serverText(e) + ")", e);
        }
        if ("28000".equals(e.getSQLState())) {
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
