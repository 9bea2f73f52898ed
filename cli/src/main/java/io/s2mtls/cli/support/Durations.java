package io.s2mtls.cli.support;

import io.s2mtls.core.error.S2mtlsException;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses {@code 30d}, {@code 12h}, {@code 90m}, {@code 2w}. */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(\\d{1,6})([mhdw])");

    private Durations() {
    }

    public static Duration parse(String text, String option) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw S2mtlsException.badInput(option + ": '" + text + "' is not a duration; write e.g. 30d, 12h, 2w");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }
}
