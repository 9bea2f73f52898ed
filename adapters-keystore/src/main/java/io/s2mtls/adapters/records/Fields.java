package io.s2mtls.adapters.records;

import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Field checks shared by the records: each failure is an {@link IllegalArgumentException} naming the field. */
final class Fields {
    private Fields() {
    }

    static String text(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException("field '" + field + "' is missing");
        }
        return value;
    }

    static Instant instant(String field, String value) {
        try {
            return Instant.parse(text(field, value));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field '" + field + "' is not an ISO-8601 instant: " + value);
        }
    }

    static BigInteger serial(String field, String value) {
        try {
            BigInteger serial = new BigInteger(text(field, value), 16);
            if (serial.signum() <= 0) {
                throw new IllegalArgumentException("field '" + field + "' is not a positive serial: " + value);
            }
            return serial;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field '" + field + "' is not hexadecimal: " + value);
        }
    }

    static <E extends Enum<E>> E constant(String field, String value, Class<E> type) {
        try {
            return Enum.valueOf(type, text(field, value));
        } catch (IllegalArgumentException e) {
            if (value == null) {
                throw e;
            }
            throw new IllegalArgumentException("field '" + field + "' has an unknown value: " + value);
        }
    }
}
