package io.s2mtls.adapters.jdbc;

import io.s2mtls.core.testing.ExternalTool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

/** The reference subject string: what {@code openssl x509 -noout -subject -nameopt compat} prints. */
final class Subjects {
    private Subjects() {
    }

    static String opensslOneline(X509Certificate certificate) {
        try {
            Path file = Files.createTempFile("subject", ".der");
            try {
                Files.write(file, certificate.getEncoded());
                String out = ExternalTool.openssl("x509", "-inform", "DER", "-in", file.toString(), "-noout", "-subject", "-nameopt", "compat").out();
                if (!out.startsWith("subject=") || !out.endsWith("\n")) {
                    throw new IllegalStateException("unexpected openssl output: " + out);
                }
                return out.substring("subject=".length(), out.length() - 1);
            } finally {
                Files.delete(file);
            }
        } catch (IOException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
