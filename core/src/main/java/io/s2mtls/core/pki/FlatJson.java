package io.s2mtls.core.pki;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small JSON subset the audit trail and the managed-user records are written in: one object per
 * line whose values are strings or arrays of strings. Strict on input: anything else is refused.
 */
final class FlatJson {
    private FlatJson() {
    }

    static String write(Map<String, Object> fields) {
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            if (field.getValue() == null) {
                continue;
            }
            if (out.length() > 1) {
                out.append(',');
            }
            string(out, field.getKey());
            out.append(':');
            if (field.getValue() instanceof List<?> list) {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(out, String.valueOf(list.get(i)));
                }
                out.append(']');
            } else {
                string(out, String.valueOf(field.getValue()));
            }
        }
        return out.append('}').toString();
    }

    private static void string(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7F || Character.isSurrogate(c) && !validSurrogate(value, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean validSurrogate(String value, int i) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
    }

    /** Parses one object; values are {@code String} or {@code List<String>}. */
    static Map<String, Object> read(String line) {
        Parser parser = new Parser(line);
        Map<String, Object> fields = parser.object();
        parser.end();
        return fields;
    }

    private static final class Parser {
        private final String text;
        private int at;

        Parser(String text) {
            this.text = text;
        }

        Map<String, Object> object() {
            Map<String, Object> fields = new LinkedHashMap<>();
            skip();
            expect('{');
            skip();
            if (peek() == '}') {
                at++;
                return fields;
            }
            while (true) {
                skip();
                String key = string();
                skip();
                expect(':');
                skip();
                Object value = peek() == '[' ? array() : string();
                if (fields.put(key, value) != null) {
                    throw new IllegalArgumentException("duplicate field '" + key + "'");
                }
                skip();
                char next = next();
                if (next == '}') {
                    return fields;
                }
                if (next != ',') {
                    throw new IllegalArgumentException("expected ',' or '}' at " + (at - 1));
                }
            }
        }

        private List<String> array() {
            expect('[');
            List<String> values = new ArrayList<>();
            skip();
            if (peek() == ']') {
                at++;
                return values;
            }
            while (true) {
                skip();
                values.add(string());
                skip();
                char next = next();
                if (next == ']') {
                    return values;
                }
                if (next != ',') {
                    throw new IllegalArgumentException("expected ',' or ']' at " + (at - 1));
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char escaped = next();
                switch (escaped) {
                    case '"', '\\', '/' -> out.append(escaped);
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (at + 4 > text.length()) {
                            throw new IllegalArgumentException("truncated \\u escape");
                        }
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> throw new IllegalArgumentException("bad escape \\" + escaped);
                }
            }
        }

        private void skip() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private char peek() {
            if (at >= text.length()) {
                throw new IllegalArgumentException("unexpected end");
            }
            return text.charAt(at);
        }

        private char next() {
            char c = peek();
            at++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + (at - 1));
            }
        }

        void end() {
            skip();
            if (at != text.length()) {
                throw new IllegalArgumentException("trailing characters at " + at);
            }
        }
    }
}
