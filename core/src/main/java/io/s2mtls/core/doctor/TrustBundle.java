package io.s2mtls.core.doctor;

import java.security.cert.X509Certificate;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * CA certificates a client certificate may chain to, and where they come from. The server's own bundle,
 * when it could be read, decides step 6; otherwise any given bundle that the certificate chains to passes it.
 */
public record TrustBundle(String source, Origin origin, List<X509Certificate> certificates) {
    public enum Origin {
        /** The bundle the server is configured with (ssl_ca_for_client_cert / ssl_ca), read from its file. */
        SERVER,
        /** Given on the command line (--ca). */
        GIVEN,
        /** The store's CA. */
        STORE
    }

    public TrustBundle {
        requireNonNull(source, "source is null");
        requireNonNull(origin, "origin is null");
        certificates = List.copyOf(requireNonNull(certificates, "certificates is null"));
    }
}
