package io.s2mtls.core.dn;

import io.s2mtls.core.error.S2mtlsException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Text forms of a name: the slash form of {@code openssl req -subj} and RFC 4514. Positions in messages count from 1. */
final class NameText {
    private final String text;
    private int index;

    private NameText(String text) {
        this.text = text;
    }

    // ---------------------------------------------------------------- slash form

    /** {@code /C=US/O=example/CN=a\/b+UID=x}: RDNs in the order written, most significant first. */
    static List<List<AttributeValue>> parseSlash(String text) {
        return new NameText(text).slash();
    }

    private List<List<AttributeValue>> slash() {
        if (!text.startsWith("/")) {
            throw problem("must start with '/'", 1);
        }
        index = 1;
        List<List<AttributeValue>> rdns = new ArrayList<>();
        List<AttributeValue> current = null;
        boolean continuesRdn = false;
        while (index < text.length()) {
            int labelStart = index;
            while (index < text.length() && text.charAt(index) != '=') {
                char c = text.charAt(index);
                if (c == '/' || c == '+' || c == '\\') {
                    break;
                }
                index++;
            }
            String label = text.substring(labelStart, index);
            if (index >= text.length() || text.charAt(index) != '=') {
                throw problem("missing '=' after attribute name", index + 1);
            }
            String oid = resolve(label, labelStart);
            index++;
            int valueStart = index;
            StringBuilder value = new StringBuilder();
            boolean plus = false;
            while (index < text.length()) {
                char c = text.charAt(index);
                if (c == '/') {
                    index++;
                    break;
                }
                if (c == '+') {
                    plus = true;
                    index++;
                    break;
                }
                if (c == '\\') {
                    if (index + 1 >= text.length()) {
                        throw problem("dangling backslash at the end of the value of " + label, index + 1);
                    }
                    index++;
                    c = text.charAt(index);
                }
                value.append(c);
                index++;
            }
            AttributeValue encoded = encode(label, oid, value.toString(), valueStart);
            if (!continuesRdn || current == null) {
                current = new ArrayList<>();
                rdns.add(current);
            }
            current.add(encoded);
            continuesRdn = plus;
            if (plus && index >= text.length()) {
                throw problem("'+' at the end: a further attribute of the RDN is missing (write a literal plus as \\+)", index);
            }
        }
        return rdns;
    }

    // ---------------------------------------------------------------- RFC 4514

    /** {@code CN=x+UID=y,O=z}: RDNs most significant last; returned most significant first. */
    static List<List<AttributeValue>> parseRfc2253(String text) {
        return new NameText(text).rfc2253();
    }

    private List<List<AttributeValue>> rfc2253() {
        List<List<AttributeValue>> rdns = new ArrayList<>();
        if (text.isBlank()) {
            return rdns;
        }
        List<AttributeValue> current = new ArrayList<>();
        index = 0;
        while (true) {
            skipSpaces();
            int labelStart = index;
            while (index < text.length() && "=,+\\\"".indexOf(text.charAt(index)) < 0) {
                index++;
            }
            if (index >= text.length() || text.charAt(index) != '=') {
                throw problem("missing '=' after attribute name", index + 1);
            }
            String label = text.substring(labelStart, index).strip();
            if (label.regionMatches(true, 0, "OID.", 0, 4)) {
                label = label.substring(4);
            }
            String oid = resolve(label, labelStart);
            index++;
            skipSpaces();
            int valueStart = index;
            AttributeValue value;
            if (index < text.length() && text.charAt(index) == '#') {
                value = hexValue(label, oid);
            } else if (index < text.length() && text.charAt(index) == '"') {
                value = encode(label, oid, quotedValue(label), valueStart);
            } else {
                value = encode(label, oid, stringValue(label), valueStart);
            }
            current.add(value);
            skipSpaces();
            if (index >= text.length()) {
                rdns.add(current);
                break;
            }
            char separator = text.charAt(index);
            if (separator == '+') {
                index++;
            } else if (separator == ',') {
                rdns.add(current);
                current = new ArrayList<>();
                index++;
            } else {
                throw problem("unexpected '" + separator + "' after the value of " + label, index + 1);
            }
        }
        Collections.reverse(rdns);
        return rdns;
    }

    private void skipSpaces() {
        while (index < text.length() && text.charAt(index) == ' ') {
            index++;
        }
    }

    private String stringValue(String label) {
        ByteSink bytes = new ByteSink();
        int keep = 0; // length of bytes that must stay (the end of the last escaped character)
        while (index < text.length()) {
            char c = text.charAt(index);
            if (c == ',' || c == '+') {
                break;
            }
            if (c == '"' || c == ';' || c == '<' || c == '>') {
                throw problem("'" + c + "' in the value of " + label + " must be escaped with a backslash", index + 1);
            }
            if (c == '\\') {
                index++;
                if (index >= text.length()) {
                    throw problem("dangling backslash at the end of the value of " + label, index);
                }
                char next = text.charAt(index);
                if (isHex(next)) {
                    if (index + 1 >= text.length() || !isHex(text.charAt(index + 1))) {
                        throw problem("bad hex escape in the value of " + label + " (\\ must be followed by two hex digits or a special character)", index);
                    }
                    bytes.write(Integer.parseInt(text.substring(index, index + 2), 16));
                    index += 2;
                } else if (",+\"\\<>;=# ".indexOf(next) >= 0) {
                    bytes.write(next);
                    index++;
                } else {
                    throw problem("'\\" + next + "' is not an escape in the value of " + label, index);
                }
                keep = bytes.size();
                continue;
            }
            int codePoint = text.codePointAt(index);
            bytes.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
            index += Character.charCount(codePoint);
            if (c != ' ') {
                keep = bytes.size();
            }
        }
        byte[] all = bytes.toByteArray();
        byte[] trimmed = java.util.Arrays.copyOf(all, keep);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(trimmed)).toString();
        } catch (CharacterCodingException e) {
            throw problem("hex escapes in the value of " + label + " are not valid UTF-8", index);
        }
    }

    private String quotedValue(String label) {
        int start = index;
        index++;
        StringBuilder value = new StringBuilder();
        while (index < text.length() && text.charAt(index) != '"') {
            char c = text.charAt(index);
            if (c == '\\') {
                index++;
                if (index >= text.length()) {
                    break;
                }
                c = text.charAt(index);
            }
            value.append(c);
            index++;
        }
        if (index >= text.length()) {
            throw problem("unterminated quoted value of " + label, start + 1);
        }
        index++;
        return value.toString();
    }

    private AttributeValue hexValue(String label, String oid) {
        int start = index;
        index++;
        while (index < text.length() && isHex(text.charAt(index))) {
            index++;
        }
        String hex = text.substring(start + 1, index);
        if (hex.isEmpty() || hex.length() % 2 != 0) {
            throw problem("bad hex in the #-value of " + label + " (an even number of hex digits is needed)", start + 1);
        }
        byte[] ber = new byte[hex.length() / 2];
        for (int i = 0; i < ber.length; i++) {
            ber[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        List<Der.Element> elements;
        try {
            elements = Der.elements(ber, 0, ber.length, "value");
        } catch (S2mtlsException e) {
            throw problem("bad hex in the #-value of " + label + ": not one DER element", start + 1);
        }
        if (elements.size() != 1 || elements.get(0).constructed() || !elements.get(0).universal()) {
            throw problem("bad hex in the #-value of " + label + ": not one primitive universal string", start + 1);
        }
        return new AttributeValue(oid, elements.get(0).tagNumber(), elements.get(0).content());
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    // ---------------------------------------------------------------- shared

    private String resolve(String label, int labelStart) {
        if (label.isEmpty()) {
            throw problem("empty attribute name", labelStart + 1);
        }
        if (ObjectNames.ambiguous(label)) {
            throw problem("attribute name '" + label + "' matches several attributes that differ in letter case; write it exactly (e.g. UID or uid)", labelStart + 1);
        }
        return ObjectNames.oidOf(label).orElseThrow(
                () -> problem("unknown attribute name '" + label + "'", labelStart + 1));
    }

    private AttributeValue encode(String label, String oid, String value, int valueStart) {
        String[] why = new String[1];
        AttributeValue encoded = TextEncoding.encode(oid, value, why);
        if (encoded == null) {
            throw problem("the value of " + label + " " + why[0], valueStart + 1);
        }
        return encoded;
    }

    private S2mtlsException problem(String what, int position) {
        return S2mtlsException.badInput("subject '" + text + "': " + what + " at position " + position);
    }
}
