package io.s2mtls.adapters.jdbc;

import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the TLS requirement out of a MySQL/MariaDB {@code SHOW CREATE USER} line, e.g.
 * {@code CREATE USER `u`@`%` REQUIRE ISSUER '/CN=ca' SUBJECT '/CN=a\\b''c'}. The server writes
 * identifiers in backticks (doubling a backtick) and literals with {@code ''} for a quote and backslash
 * escapes, whatever the session's sql_mode.
 */
final class ShowCreateUser {
    private ShowCreateUser() {
    }

    /** A token: a bare word, a quoted string (unescaped), or a backtick identifier (unescaped). */
    private record Token(String text, char quote) {
        boolean isWord(String word) {
            return quote == 0 && text.equalsIgnoreCase(word);
        }
    }

    record Parsed(UserAccount account, TlsRequirement requirement, Optional<String> unparsed) {
    }

    static Parsed parse(String line) {
        List<Token> tokens = tokenize(line);
        // CREATE USER `name` @ `host` ...
        if (tokens.size() < 5 || !tokens.get(0).isWord("CREATE") || !tokens.get(1).isWord("USER")
                || !tokens.get(3).isWord("@")) {
            throw new IllegalArgumentException("not a SHOW CREATE USER line: " + line);
        }
        UserAccount account = new UserAccount(tokens.get(2).text(), tokens.get(4).text());
        int i = 5;
        while (i < tokens.size() && !tokens.get(i).isWord("REQUIRE")) {
            i++;
        }
        if (i == tokens.size()) {
            return new Parsed(account, TlsRequirement.none(), Optional.empty());
        }
        i++;
        if (i < tokens.size() && tokens.get(i).isWord("NONE")) {
            return new Parsed(account, TlsRequirement.none(), Optional.empty());
        }
        if (i < tokens.size() && tokens.get(i).isWord("SSL")) {
            return new Parsed(account, TlsRequirement.ssl(), Optional.empty());
        }
        if (i < tokens.size() && tokens.get(i).isWord("X509")) {
            return new Parsed(account, TlsRequirement.x509(), Optional.empty());
        }
        String subject = null;
        String issuer = null;
        String cipher = null;
        while (i + 1 < tokens.size()) {
            Token keyword = tokens.get(i);
            if (keyword.isWord("AND")) {
                i++;
                continue;
            }
            Token value = tokens.get(i + 1);
            if (value.quote() != '\'') {
                break;
            }
            String word = keyword.quote() == 0 ? keyword.text().toUpperCase(Locale.ROOT) : "";
            switch (word) {
                case "SUBJECT" -> subject = value.text();
                case "ISSUER" -> issuer = value.text();
                case "CIPHER" -> cipher = value.text();
                default -> {
                    return result(account, subject, issuer, cipher);
                }
            }
            i += 2;
        }
        return result(account, subject, issuer, cipher);
    }

    private static Parsed result(UserAccount account, String subject, String issuer, String cipher) {
        Optional<String> unparsed = cipher == null ? Optional.empty() : Optional.of("CIPHER '" + cipher + "'");
        if (issuer != null) {
            return new Parsed(account, new TlsRequirement.Issuer(issuer,
                    Optional.ofNullable(subject).filter(s -> !s.isEmpty()).map(TlsRequirement::subject)), unparsed);
        }
        if (subject != null && !subject.isEmpty()) {
            return new Parsed(account, TlsRequirement.subject(subject), unparsed);
        }
        return new Parsed(account, TlsRequirement.ssl(), Optional.of("REQUIRE with neither subject nor issuer"
                + unparsed.map(u -> ", " + u).orElse("")));
    }

    private static List<Token> tokenize(String line) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '`' || c == '\'' || c == '"') {
                StringBuilder text = new StringBuilder();
                int j = i + 1;
                while (j < line.length()) {
                    char d = line.charAt(j);
                    if (d == c) {
                        if (j + 1 < line.length() && line.charAt(j + 1) == c) {
                            text.append(c);
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    if (d == '\\' && c != '`' && j + 1 < line.length()) {
                        char e = line.charAt(j + 1);
                        text.append(switch (e) {
                            case '0' -> '\0';
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'Z' -> '\u001A';
                            default -> e;
                        });
                        j += 2;
                        continue;
                    }
                    text.append(d);
                    j++;
                }
                tokens.add(new Token(text.toString(), c));
                i = j + 1;
            } else if (c == '@') {
                tokens.add(new Token("@", (char) 0));
                i++;
            } else {
                int j = i;
                while (j < line.length() && !Character.isWhitespace(line.charAt(j)) && "`'\"@".indexOf(line.charAt(j)) < 0) {
                    j++;
                }
                tokens.add(new Token(line.substring(i, j), (char) 0));
                i = j;
            }
        }
        return tokens;
    }
}
