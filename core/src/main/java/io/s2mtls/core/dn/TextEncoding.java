package io.s2mtls.core.dn;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * How {@code openssl req -subj ... -utf8} encodes a typed value, with the default
 * {@code string_mask = utf8only}: OpenSSL 3.0's ASN1_STRING_TABLE (crypto/asn1/tbl_standard.h) for the
 * attributes it lists, UTF8String for everything else. Sizes count characters, as OpenSSL does.
 */
final class TextEncoding {
    static final int UTF8_STRING = 12;
    static final int NUMERIC_STRING = 18;
    static final int PRINTABLE_STRING = 19;
    static final int IA5_STRING = 22;
    static final int BMP_STRING = 30;

    private static final String C = "2.5.4.6";
    private static final String JURISDICTION_C = "1.3.6.1.4.1.311.60.2.1.3";

    private record Rule(int tag, int minSize, int maxSize) {
    }

    private static final Rule DIRECTORY_STRING = new Rule(UTF8_STRING, 1, -1);

    private static final Map<String, Rule> RULES = Map.ofEntries(
            Map.entry("2.5.4.3", new Rule(UTF8_STRING, 1, 64)),                 // CN
            Map.entry("2.5.4.6", new Rule(PRINTABLE_STRING, 2, 2)),             // C
            Map.entry("2.5.4.7", new Rule(UTF8_STRING, 1, 128)),                // L
            Map.entry("2.5.4.8", new Rule(UTF8_STRING, 1, 128)),                // ST
            Map.entry("2.5.4.10", new Rule(UTF8_STRING, 1, 64)),                // O
            Map.entry("2.5.4.11", new Rule(UTF8_STRING, 1, 64)),                // OU
            Map.entry("1.2.840.113549.1.9.1", new Rule(IA5_STRING, 1, 128)),    // emailAddress
            Map.entry("2.5.4.42", new Rule(UTF8_STRING, 1, 32768)),             // GN
            Map.entry("2.5.4.4", new Rule(UTF8_STRING, 1, 32768)),              // SN
            Map.entry("2.5.4.43", new Rule(UTF8_STRING, 1, 32768)),             // initials
            Map.entry("2.5.4.41", new Rule(UTF8_STRING, 1, 32768)),             // name
            Map.entry("2.5.4.5", new Rule(PRINTABLE_STRING, 1, 64)),            // serialNumber
            Map.entry("1.2.840.113549.1.9.20", new Rule(BMP_STRING, -1, -1)),   // friendlyName
            Map.entry("2.5.4.46", new Rule(PRINTABLE_STRING, -1, -1)),          // dnQualifier
            Map.entry("0.9.2342.19200300.100.1.25", new Rule(IA5_STRING, 1, -1)), // DC
            Map.entry("1.3.6.1.4.1.311.17.1", new Rule(BMP_STRING, -1, -1)),    // CSPName
            Map.entry("1.2.643.3.131.1.1", new Rule(NUMERIC_STRING, 1, 12)),    // INN
            Map.entry("1.2.643.100.1", new Rule(NUMERIC_STRING, 1, 13)),        // OGRN
            Map.entry("1.2.643.100.3", new Rule(NUMERIC_STRING, 1, 11)),        // SNILS
            Map.entry("2.5.4.98", new Rule(PRINTABLE_STRING, 3, 3)),            // c3
            Map.entry("2.5.4.99", new Rule(NUMERIC_STRING, 3, 3)),              // n3
            Map.entry("2.5.4.100", new Rule(UTF8_STRING, 0, -1)),               // dnsName
            Map.entry("0.9.2342.19200300.100.1.3", new Rule(IA5_STRING, 1, 256)), // mail (rfc822Mailbox)
            Map.entry(JURISDICTION_C, new Rule(PRINTABLE_STRING, 2, 2)));       // jurisdictionC

    private TextEncoding() {
    }

    /**
     * Encodes {@code value} for the attribute {@code oid}; returns null and puts the reason in
     * {@code why[0]} when the value cannot be encoded.
     */
    static AttributeValue encode(String oid, String value, String[] why) {
        Rule rule = RULES.getOrDefault(oid, DIRECTORY_STRING);
        int characters = value.codePointCount(0, value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c)
                    && !(Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1)))) {
                why[0] = "contains an unpaired surrogate";
                return null;
            }
            if (Character.isHighSurrogate(c)) {
                i++;
            }
        }
        if (characters == 0) {
            why[0] = "is empty";
            return null;
        }
        if (characters < rule.minSize() || (rule.maxSize() >= 0 && characters > rule.maxSize())) {
            why[0] = rule.minSize() == rule.maxSize()
                    ? "must be exactly " + rule.maxSize() + " characters"
                    : "is longer than " + rule.maxSize() + " characters";
            return null;
        }
        if ((oid.equals(C) || oid.equals(JURISDICTION_C)) && !value.matches("[A-Za-z]{2}")) {
            why[0] = "must be a two-letter country code";
            return null;
        }
        switch (rule.tag()) {
            case PRINTABLE_STRING -> {
                for (int i = 0; i < value.length(); i++) {
                    if (!isPrintable(value.charAt(i))) {
                        why[0] = "has '" + value.charAt(i) + "', not allowed in a PrintableString (letters, digits, space and '()+,-./:=?)";
                        return null;
                    }
                }
                return new AttributeValue(oid, PRINTABLE_STRING, value.getBytes(StandardCharsets.US_ASCII));
            }
            case NUMERIC_STRING -> {
                if (!value.matches("[0-9 ]*")) {
                    why[0] = "must hold only digits and spaces (NumericString)";
                    return null;
                }
                return new AttributeValue(oid, NUMERIC_STRING, value.getBytes(StandardCharsets.US_ASCII));
            }
            case IA5_STRING -> {
                for (int i = 0; i < value.length(); i++) {
                    if (value.charAt(i) > 0x7F) {
                        why[0] = "must be ASCII (IA5String)";
                        return null;
                    }
                }
                return new AttributeValue(oid, IA5_STRING, value.getBytes(StandardCharsets.US_ASCII));
            }
            case BMP_STRING -> {
                if (characters != value.length()) {
                    why[0] = "has a character beyond U+FFFF, which a BMPString cannot hold";
                    return null;
                }
                return new AttributeValue(oid, BMP_STRING, value.getBytes(StandardCharsets.UTF_16BE));
            }
            default -> {
                return new AttributeValue(oid, UTF8_STRING, value.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    static boolean isPrintable(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || " '()+,-./:=?".indexOf(c) >= 0;
    }
}
