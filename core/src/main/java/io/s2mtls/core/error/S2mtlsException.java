package io.s2mtls.core.error;

import static java.util.Objects.requireNonNull;

/**
 * The one exception type of s2mtls. Its message is a single line meant for an operator: it names the
 * input (file, field, option) and the problem, and where possible the fix. It never contains secrets.
 */
public final class S2mtlsException extends RuntimeException {
    private final ErrorKind kind;

    public S2mtlsException(ErrorKind kind, String message) {
        this(kind, message, null);
    }

    public S2mtlsException(ErrorKind kind, String message, Throwable cause) {
        super(oneLine(requireNonNull(message, "message is null")), cause);
        this.kind = requireNonNull(kind, "kind is null");
    }

    public ErrorKind kind() {
        return kind;
    }

    public static S2mtlsException badInput(String message) {
        return new S2mtlsException(ErrorKind.BAD_INPUT, message);
    }

    public static S2mtlsException badInput(String message, Throwable cause) {
        return new S2mtlsException(ErrorKind.BAD_INPUT, message, cause);
    }

    public static S2mtlsException external(String message, Throwable cause) {
        return new S2mtlsException(ErrorKind.EXTERNAL, message, cause);
    }

    public static S2mtlsException checkFailed(String message) {
        return new S2mtlsException(ErrorKind.CHECK_FAILED, message);
    }

    public static S2mtlsException internal(String message, Throwable cause) {
        return new S2mtlsException(ErrorKind.INTERNAL, message, cause);
    }

    private static String oneLine(String message) {
        return message.replace("\r", " ").replace('\n', ' ');
    }
}
