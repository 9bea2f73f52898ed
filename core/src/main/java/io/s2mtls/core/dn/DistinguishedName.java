package io.s2mtls.core.dn;

import java.util.List;
import java.util.Optional;

/**
 * An X.500 distinguished name held as its exact DER encoding, so that the string a database server
 * compares ({@link #oneline()}) never changes between a CSR, a certificate and a CREATE USER.
 */
public final class DistinguishedName {
    private DistinguishedName() {
    }

    /** Parses the slash form ({@code /C=US/CN=x}) when the text starts with '/', RFC 2253 otherwise. */
    public static DistinguishedName parse(String text) {
        throw new UnsupportedOperationException("pending");
    }

    /** The seed's slash form, with backslash escapes and '+' for multi-valued RDNs. */
    public static DistinguishedName parseSlash(String text) {
        throw new UnsupportedOperationException("pending");
    }

    /** RFC 2253 / RFC 4514 ({@code CN=x,O=y}: most significant RDN last). */
    public static DistinguishedName parseRfc2253(String text) {
        throw new UnsupportedOperationException("pending");
    }

    /** Wraps an encoded Name (e.g. {@code X500Principal.getEncoded()}), keeping the bytes exactly. */
    public static DistinguishedName fromDer(byte[] der) {
        throw new UnsupportedOperationException("pending");
    }

    /** The exact DER encoding of the Name. */
    public byte[] toDer() {
        throw new UnsupportedOperationException("pending");
    }

    public List<Rdn> rdns() {
        throw new UnsupportedOperationException("pending");
    }

    /** OpenSSL 3 {@code X509_NAME_oneline}: what {@code openssl x509 -noout -subject -nameopt compat} prints after {@code subject=}. */
    public String oneline() {
        throw new UnsupportedOperationException("pending");
    }

    /** The OpenSSL 1.1 rendering used by older MySQL/MariaDB builds. */
    public String onelineOpenSsl11() {
        throw new UnsupportedOperationException("pending");
    }

    /** {@link #oneline()} as a single-quoted SQL string literal for the default sql_mode. */
    public String sqlLiteral() {
        throw new UnsupportedOperationException("pending");
    }

    /** The first CN value decoded as text, if any. */
    public Optional<String> commonName() {
        throw new UnsupportedOperationException("pending");
    }

    /** Reasons a server could not tell this subject apart from another, or would treat it specially. Empty when safe. */
    public List<SubjectProblem> problems() {
        throw new UnsupportedOperationException("pending");
    }
}
