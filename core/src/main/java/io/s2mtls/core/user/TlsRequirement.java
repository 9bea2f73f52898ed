package io.s2mtls.core.user;

import io.s2mtls.core.error.S2mtlsException;

import static java.util.Objects.requireNonNull;

/**
 * What a database account demands of the TLS connection it logs in over ({@code REQUIRE ...}).
 *
 * <p>{@link Subject} and {@link Issuer} carry a distinguished name already rendered in the OpenSSL
 * "oneline" form the server compares byte for byte ({@code /C=US/O=Org/CN=name}); this type does not
 * render or parse names. Whoever renders the name also decides whether it is ambiguous (two different
 * certificates printing the same string) and says so with {@code ambiguous}; an adapter refuses an
 * ambiguous subject unless the command forces it.
 */
public sealed interface TlsRequirement {

    /** {@code REQUIRE NONE}: plain or TLS connections, no certificate. */
    record None() implements TlsRequirement {
    }

    /** {@code REQUIRE SSL}: an encrypted connection, no certificate needed. */
    record Ssl() implements TlsRequirement {
    }

    /** {@code REQUIRE X509}: a client certificate that chains to the server's client CA. */
    record X509() implements TlsRequirement {
    }

    /**
     * {@code REQUIRE SUBJECT '<oneline>'}: a chaining client certificate whose subject prints exactly
     * as {@code oneline}.
     *
     * @param oneline   the subject in OpenSSL oneline form, e.g. {@code /O=example/CN=alice}
     * @param ambiguous true when the renderer found that another certificate could print the same string
     */
    record Subject(String oneline, boolean ambiguous) implements TlsRequirement {
        public Subject {
            requireNonNull(oneline, "oneline is null");
            if (oneline.isEmpty()) {
                throw S2mtlsException.badInput("subject: an empty REQUIRE SUBJECT admits a client with no"
                        + " certificate on MariaDB; give the certificate's subject or use REQUIRE X509");
            }
        }
    }

    /**
     * {@code REQUIRE ISSUER '<oneline>'} (MySQL and MariaDB only; SingleStore has no ISSUER), optionally
     * combined with a subject.
     */
    record Issuer(String oneline, java.util.Optional<Subject> subject) implements TlsRequirement {
        public Issuer {
            requireNonNull(oneline, "oneline is null");
            requireNonNull(subject, "subject is null");
            if (oneline.isEmpty()) {
                throw S2mtlsException.badInput("issuer: an empty REQUIRE ISSUER is meaningless; give the CA's subject");
            }
        }
    }

    static TlsRequirement none() {
        return new None();
    }

    static TlsRequirement ssl() {
        return new Ssl();
    }

    static TlsRequirement x509() {
        return new X509();
    }

    /** A subject requirement for a subject its renderer did not flag as ambiguous. */
    static Subject subject(String oneline) {
        return new Subject(oneline, false);
    }

    /** The SQL keyword(s) after {@code REQUIRE}, without literals: {@code NONE}, {@code SSL}, {@code X509}, {@code SUBJECT}, {@code ISSUER}. */
    default String keyword() {
        if (this instanceof None) {
            return "NONE";
        }
        if (this instanceof Ssl) {
            return "SSL";
        }
        if (this instanceof X509) {
            return "X509";
        }
        if (this instanceof Subject) {
            return "SUBJECT";
        }
        return "ISSUER";
    }
}
