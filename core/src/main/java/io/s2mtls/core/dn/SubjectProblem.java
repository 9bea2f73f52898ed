package io.s2mtls.core.dn;

/** Why a subject is unsafe to bind a database user to. */
public record SubjectProblem(Kind kind, String message) {
    public enum Kind {
        /** No attributes: REQUIRE SUBJECT '' admits a client with no certificate on some servers. */
        EMPTY,
        /** A backslash in a value: the oneline string is not unique to this name. */
        AMBIGUOUS,
        /** A UTF8String whose bytes are not valid UTF-8: OpenSSL 3 refuses or blanks it. */
        INVALID_UTF8
    }
}
