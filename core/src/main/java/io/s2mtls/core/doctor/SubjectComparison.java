package io.s2mtls.core.doctor;

import io.s2mtls.core.dn.AttributeValue;
import io.s2mtls.core.dn.DistinguishedName;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Compares a certificate's subject, as the server prints it (OpenSSL 3 oneline), with the string an
 * account's {@code REQUIRE SUBJECT} holds, byte for byte as the server's {@code strcmp} does, and when
 * they differ says where and why that usually happens.
 */
public final class SubjectComparison {
    private static final int CONTEXT = 24;

    private SubjectComparison() {
    }

    /**
     * Where two subject strings first differ.
     *
     * @param offset      the 0-based byte offset of the first difference
     * @param certificate the certificate's byte there, or -1 when its string ended
     * @param required    the requirement's byte there, or -1 when its string ended
     * @param certificateExcerpt the certificate's string around the offset
     * @param requiredExcerpt    the requirement's string around the offset, aligned with the other excerpt
     * @param causes      likely causes, most specific first (at least one)
     */
    public record Mismatch(int offset, int certificate, int required, String certificateExcerpt, String requiredExcerpt,
                           List<String> causes) {
        public Mismatch {
            requireNonNull(certificateExcerpt, "certificateExcerpt is null");
            requireNonNull(requiredExcerpt, "requiredExcerpt is null");
            causes = List.copyOf(causes);
        }

        /** {@code byte 17: certificate has '\' (0x5C), requirement has '+' (0x2B)}. */
        public String describe() {
            return "first difference at byte " + offset + " (counting from 0): the certificate has " + show(certificate)
                    + ", the requirement has " + show(required);
        }

        private static String show(int b) {
            if (b < 0) {
                return "nothing (its string ends there)";
            }
            return (b >= 0x20 && b < 0x7F ? "'" + (char) b + "' " : "") + String.format("(0x%02X)", b);
        }
    }

    /** Empty when the server would consider them equal. */
    public static Optional<Mismatch> compare(DistinguishedName subject, String required) {
        requireNonNull(subject, "subject is null");
        requireNonNull(required, "required is null");
        String actual = subject.oneline();
        byte[] a = actual.getBytes(StandardCharsets.UTF_8);
        byte[] r = required.getBytes(StandardCharsets.UTF_8);
        int offset = 0;
        while (offset < a.length && offset < r.length && a[offset] == r[offset]) {
            offset++;
        }
        if (offset == a.length && offset == r.length) {
            return Optional.empty();
        }
        int from = Math.max(0, offset - CONTEXT);
        String certificateExcerpt = excerpt(a, from, offset);
        String requiredExcerpt = excerpt(r, from, offset);
        return Optional.of(new Mismatch(offset, offset < a.length ? a[offset] & 0xFF : -1, offset < r.length ? r[offset] & 0xFF : -1,
                certificateExcerpt, requiredExcerpt, causes(subject, actual, required)));
    }

    private static String excerpt(byte[] bytes, int from, int offset) {
        int to = Math.min(bytes.length, offset + CONTEXT);
        StringBuilder out = new StringBuilder(from > 0 ? "..." : "");
        for (int i = from; i < to; i++) {
            int b = bytes[i] & 0xFF;
            out.append(b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : String.format("<%02X>", b));
        }
        return out.append(to < bytes.length ? "..." : "").toString();
    }

    static List<String> causes(DistinguishedName subject, String actual, String required) {
        List<String> causes = new ArrayList<>();
        if (required.equals(actual.replace("\\", "\\\\"))) {
            causes.add("SQL escaping: the requirement holds every backslash doubled (\\\\): the statement was written"
                    + " with the backslashes doubled twice, or copied from SHOW CREATE USER, which shows them doubled."
                    + " Write the literal with 's2mtls subject --sql cert.pem'");
        } else if (required.equals(actual.replace("\\", ""))) {
            causes.add("SQL escaping: the backslashes of OpenSSL's escapes (\\/ and \\+) are missing: in a SQL literal the"
                    + " server turns '\\+' into '+', so each backslash must be written doubled ('\\\\+')."
                    + " Write the literal with 's2mtls subject --sql cert.pem'");
        } else if (required.replace("\\", "").equals(actual.replace("\\", ""))) {
            causes.add("escaping: the strings differ only in backslashes; OpenSSL 3 escapes '/' and '+' inside values as"
                    + " \\/ and \\+ and nothing else, and SQL literals need each backslash doubled");
        }
        if (!actual.equals(subject.onelineOpenSsl11()) && required.equals(subject.onelineOpenSsl11())) {
            causes.add("OpenSSL 1.1 versus 3 rendering: the requirement is the OpenSSL 1.1 form (no \\/ or \\+ escapes, '/'"
                    + " between the members of a multi-valued RDN), as older MySQL/MariaDB builds print it; a server with"
                    + " OpenSSL 3 (SingleStore 8.1+) prints " + actual);
        }
        List<String> actualParts = components(actual);
        List<String> requiredParts = components(required);
        if (!actualParts.equals(requiredParts) && sorted(actualParts).equals(sorted(requiredParts))) {
            List<String> reversed = new ArrayList<>(actualParts);
            Collections.reverse(reversed);
            causes.add("RDN order: the same attributes in a different order" + (reversed.equals(requiredParts)
                    ? " (reversed: the RFC 2253 / 'openssl -nameopt RFC2253' order, most significant last)" : "")
                    + "; the server compares in the certificate's DER order: " + actual);
        }
        boolean wideString = subject.values().stream().map(AttributeValue::tag).anyMatch(t -> t == 30 || t == 28);
        if (actual.contains("\\x00") && (required.equals(actual.replace("\\x00", "")) || wideString)) {
            causes.add("string type: a value is a BMPString or UniversalString, whose raw bytes (with \\x00 bytes) are what"
                    + " the server prints; reissue with UTF8String/PrintableString values, or require the exact string " + actual);
        } else if (!asciiOnly(required) && required.equals(decodeUtf8Escapes(actual))) {
            causes.add("string type/encoding: the requirement holds non-ASCII characters as text, but OpenSSL prints each"
                    + " byte outside printable ASCII as \\xHH: require " + actual);
        } else if (subject.values().stream().map(AttributeValue::tag).anyMatch(t -> t == 20) && actual.contains("\\x")) {
            causes.add("string type: a value is a T61String, whose raw bytes the server prints as \\xHH");
        }
        if (causes.isEmpty() && required.equalsIgnoreCase(actual)) {
            causes.add("letter case: the server compares case-sensitively");
        }
        if (causes.isEmpty() && required.strip().equals(actual.strip())) {
            causes.add("white space at the start or end of the requirement");
        }
        if (causes.isEmpty()) {
            causes.add("a different subject: the account is bound to another certificate's subject. Present the certificate"
                    + " it names, or rebind the account: 's2mtls user alter NAME --from-cert cert.pem'");
        }
        return List.copyOf(causes);
    }

    /** The RDNs of a oneline string: split at every '/' not escaped by a backslash. */
    static List<String> components(String oneline) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = null;
        for (int i = 0; i < oneline.length(); i++) {
            char c = oneline.charAt(i);
            if (c == '\\' && i + 1 < oneline.length()) {
                if (current == null) {
                    current = new StringBuilder();
                }
                current.append(c).append(oneline.charAt(++i));
            } else if (c == '/') {
                if (current != null) {
                    parts.add(current.toString());
                }
                current = new StringBuilder();
            } else {
                if (current == null) {
                    current = new StringBuilder();
                }
                current.append(c);
            }
        }
        if (current != null) {
            parts.add(current.toString());
        }
        return parts;
    }

    private static List<String> sorted(List<String> parts) {
        List<String> copy = new ArrayList<>(parts);
        Collections.sort(copy);
        return copy;
    }

    private static boolean asciiOnly(String text) {
        return text.chars().allMatch(c -> c < 0x80);
    }

    /** {@code Jos\xC3\xA9} -> {@code José}, when the escaped bytes are valid UTF-8. */
    static String decodeUtf8Escapes(String oneline) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < oneline.length(); i++) {
            char c = oneline.charAt(i);
            if (c == '\\' && i + 3 < oneline.length() && oneline.charAt(i + 1) == 'x'
                    && isHex(oneline.charAt(i + 2)) && isHex(oneline.charAt(i + 3))) {
                bytes.write(Integer.parseInt(oneline.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                bytes.write(c);
            }
        }
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return "0123456789ABCDEFabcdef".indexOf(c) >= 0;
    }

}
