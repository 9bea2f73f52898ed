package io.s2mtls.adapters.jdbc;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.user.DatabaseTarget;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Run in a fresh JVM by {@link DriverLoggingTest}: fails a few logins through the adapter (the driver is
 * untouched before, as in the CLI) and writes nothing itself, so whatever reaches stderr is the driver's.
 * Arguments: jdbc url, CA PEM file, verbose (true/false).
 */
public final class DriverLoggingProbe {
    private DriverLoggingProbe() {
    }

    public static void main(String[] args) throws Exception {
        X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(Path.of(args[1]))));
        boolean verbose = Boolean.parseBoolean(args[2]);
        JdbcMtlsLogin login = new JdbcMtlsLogin();
        for (DatabaseTarget target : List.of(
                new DatabaseTarget(args[0], "no_such_user", Optional.of("wrong".toCharArray()), Optional.empty(), List.of(ca),
                        DatabaseTarget.SslMode.VERIFY_CA, verbose),
                new DatabaseTarget(args[0], "no_such_user", Optional.of("wrong".toCharArray()), Optional.empty(), List.of(ca),
                        DatabaseTarget.SslMode.DISABLE, verbose),
                new DatabaseTarget("jdbc:singlestore://127.0.0.1:1/", "x", Optional.empty(), Optional.empty(), List.of(ca),
                        DatabaseTarget.SslMode.VERIFY_CA, verbose))) {
            try {
                login.login(target);
                System.exit(5);
            } catch (S2mtlsException expected) {
                // the point is what the driver printed meanwhile
            }
        }
        System.exit(0);
    }
}
