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
            Instant fast = utcInstant(text(field, value));
            if (fast != null) {
                return fast;
            }
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field '" + field + "' is not an ISO-8601 instant: " + value);
        }
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, the form {@link Instant#toString()} writes for the years 0000 to 9999,
     * read without a formatter (a store of 100,000 entries holds 300,000 of them); null for anything else,
     * which {@link Instant#parse} then reads or refuses.
     */
    private static Instant utcInstant(String s) {
        int length = s.length();
        if (length < 20 || length > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(length - 1) != 'Z') {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            if (s.charAt(19) != '.' || length == 21) {
                return null;
            }
            int digits = length - 21;
            int fraction = digits(s, 20, length - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = digits; i < 9; i++) {
                nanos *= 10;
            }
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
    }

    private static int digits(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
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
