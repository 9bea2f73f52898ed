package io.s2mtls.core.error;

/** What kind of failure an {@link S2mtlsException} reports; each maps to one process exit code. */
public enum ErrorKind {
    /** A check came out negative: a verification failed, a doctor found a problem, something expires. */
    CHECK_FAILED(1),
    /** Bad usage or bad input: a malformed file, a wrong password, a refused subject. */
    BAD_INPUT(2),
    /** An external system failed or refused: database, Vault, network. */
    EXTERNAL(3),
    /** A bug. */
    INTERNAL(4);

    private final int exitCode;

    ErrorKind(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
