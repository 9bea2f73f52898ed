package io.s2mtls.cli.command.db;

import picocli.CommandLine.Option;

/** Where the server is and how its certificate is checked: shared by the user commands and connect. */
public final class ConnectionOptions {
    @Option(names = "--jdbc-url", paramLabel = "URL", order = 1,
            description = "The server, e.g. jdbc:singlestore://db.example.com:3306/ (default: env S2MTLS_JDBC_URL). Only timing"
                    + " parameters (connectTimeout, socketTimeout, tcpKeepAlive, ...), sessionVariables and connectionAttributes"
                    + " are accepted: TLS, trust and credentials come from --ssl-mode, --ca and the admin options, never from the URL.")
    String jdbcUrl;

    @Option(names = "--ca", paramLabel = "FILE", order = 2,
            description = "The CA certificate(s), PEM, that the server certificate must chain to (default: env S2MTLS_CA, else the store's CA)."
                    + " It is the server's CA, not the client CA bundle.")
    String ca;

    @Option(names = "--ssl-mode", paramLabel = "MODE", order = 3, defaultValue = "verify-ca",
            description = "verify-ca (default) or verify-full (the URL's host must also be in the server certificate).")
    String sslMode;

    /** --jdbc-url as given, or null. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** --ca as given, or null. */
    public String ca() {
        return ca;
    }

    /** --ssl-mode. */
    public String sslMode() {
        return sslMode;
    }
}
