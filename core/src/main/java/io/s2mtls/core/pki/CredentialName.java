package io.s2mtls.core.pki;

import io.s2mtls.core.error.S2mtlsException;

import java.util.regex.Pattern;

/** Credential names double as file names ({@code NAME-cert.pem}), so they are kept file-safe. */
public final class CredentialName {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private CredentialName() {
    }

    /** Throws a bad-input error unless {@code name} is 1-128 of {@code [A-Za-z0-9._-]}, not starting with a dot or dash. */
    public static String check(String name) {
        if (!SAFE.matcher(name).matches()) {
            throw S2mtlsException.badInput("--name: '" + name + "' is not a usable credential name;"
                    + " use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    /** Makes any text (a CN, say) into a usable name: unsafe characters become '_'. */
    public static String fileSafe(String text) {
        String cleaned = text.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[._-]+", "");
        if (cleaned.isEmpty()) {
            cleaned = "credential";
        }
        return cleaned.length() > 128 ? cleaned.substring(0, 128) : cleaned;
    }
}
