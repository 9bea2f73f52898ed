package io.s2mtls.core.dn;

import io.s2mtls.core.error.S2mtlsException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An X.500 distinguished name held as its exact DER encoding, so that the string a database server
 * compares ({@link #oneline()}) never changes between a CSR, a certificate and a CREATE USER.
 */
public final class DistinguishedName {
    static final String COMMON_NAME = "2.5.4.3";
    /** OpenSSL's NAME_ONELINE_MAX: longer values or renderings are refused. */
    static final int ONELINE_MAX = 1024 * 1024;
    private static final int BIT_STRING = 3;
    private static final int GENERAL_STRING = 27;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final byte[] der;
    private final List<Rdn> rdns;

    private DistinguishedName(byte[] der, List<Rdn> rdns) {
        this.der = der;
        this.rdns = List.copyOf(rdns);
    }

    /** Parses the slash form ({@code /C=US/CN=x}) when the text starts with '/', RFC 2253 otherwise. */
    public static DistinguishedName parse(String text) {
        requireNonNull(text, "text is null");
        return text.startsWith("/") ? parseSlash(text) : parseRfc2253(text);
    }

    /** The slash form of 'openssl req -subj', with backslash escapes and '+' for multi-valued RDNs. */
    public static DistinguishedName parseSlash(String text) {
        requireNonNull(text, "text is null");
        return of(NameText.parseSlash(text).stream().map(Rdn::new).toList());
    }

    /** RFC 2253 / RFC 4514 ({@code CN=x,O=y}: most significant RDN last). */
    public static DistinguishedName parseRfc2253(String text) {
        requireNonNull(text, "text is null");
        return of(NameText.parseRfc2253(text).stream().map(Rdn::new).toList());
    }

    /**
     * Encodes {@code rdns} (most significant first) as DER. The values of each RDN are put in DER
     * SET OF order, whatever order they are given in.
     */
    public static DistinguishedName of(List<Rdn> rdns) {
        requireNonNull(rdns, "rdns is null");
        List<byte[]> sets = new ArrayList<>();
        List<Rdn> sorted = new ArrayList<>();
        for (Rdn rdn : rdns) {
            if (rdn.values().isEmpty()) {
                throw S2mtlsException.badInput("subject: an RDN has no attribute values");
            }
            List<AttributeValue> values = new ArrayList<>(rdn.values());
            values.sort(Comparator.comparing(DistinguishedName::encode, Der::compareEncodings));
            sets.add(Der.encode(Der.SET, Der.concat(values.stream().map(DistinguishedName::encode).toList())));
            sorted.add(new Rdn(values));
        }
        return new DistinguishedName(Der.encode(Der.SEQUENCE, Der.concat(sets)), sorted);
    }

    private static byte[] encode(AttributeValue value) {
        byte[] oid = Der.encodeOid(value.oid());
        if (oid == null) {
            throw S2mtlsException.badInput("subject: '" + value.oid() + "' is not a dotted OID");
        }
        if (value.tag() < 1 || value.tag() > 30 || value.tag() == 17) {
            throw S2mtlsException.badInput("subject: ASN.1 tag " + value.tag() + " is not a universal type a name can hold");
        }
        return Der.encode(Der.SEQUENCE, Der.concat(List.of(
                Der.encode(Der.OBJECT_IDENTIFIER, oid), Der.encode(identifier(value.tag()), value.content()))));
    }

    /** The identifier octet of a universal tag: SEQUENCE (16) is constructed, the rest primitive. */
    private static int identifier(int tag) {
        return tag == 16 ? Der.SEQUENCE : tag;
    }

    /** Wraps an encoded Name (e.g. {@code X500Principal.getEncoded()}), keeping the bytes exactly. */
    public static DistinguishedName fromDer(byte[] der) {
        requireNonNull(der, "der is null");
        byte[] bytes = der.clone();
        String what = "subject DER";
        List<Der.Element> outer = Der.elements(bytes, 0, bytes.length, what);
        if (outer.size() != 1 || outer.get(0).identifier() != Der.SEQUENCE) {
            throw Der.malformed(what, 0, "not a single SEQUENCE");
        }
        List<Rdn> rdns = new ArrayList<>();
        byte[] sequence = outer.get(0).content();
        for (Der.Element set : Der.elements(sequence, 0, sequence.length, what)) {
            if (set.identifier() != Der.SET) {
                throw Der.malformed(what, set.offset(), "an RDN is not a SET");
            }
            List<AttributeValue> values = new ArrayList<>();
            byte[] setContent = set.content();
            for (Der.Element pair : Der.elements(setContent, 0, setContent.length, what)) {
                if (pair.identifier() != Der.SEQUENCE) {
                    throw Der.malformed(what, pair.offset(), "an attribute is not a SEQUENCE");
                }
                byte[] pairContent = pair.content();
                List<Der.Element> parts = Der.elements(pairContent, 0, pairContent.length, what);
                if (parts.size() != 2 || parts.get(0).identifier() != Der.OBJECT_IDENTIFIER) {
                    throw Der.malformed(what, pair.offset(), "an attribute is not an OID and a value");
                }
                String oid = Der.decodeOid(parts.get(0).content());
                if (oid == null) {
                    throw Der.malformed(what, pair.offset(), "bad OID encoding");
                }
                Der.Element value = parts.get(1);
                boolean sequenceValue = value.identifier() == Der.SEQUENCE;
                if (!sequenceValue && (!value.universal() || value.constructed())) {
                    throw S2mtlsException.badInput(what + ": the value of " + ObjectNames.onelineLabel(oid)
                            + " is neither a primitive universal type nor a SEQUENCE (identifier 0x"
                            + Integer.toHexString(value.identifier()) + ")");
                }
                values.add(new AttributeValue(oid, value.tagNumber(), value.content()));
            }
            if (values.isEmpty()) {
                throw Der.malformed(what, set.offset(), "an RDN is an empty SET");
            }
            rdns.add(new Rdn(values));
        }
        return new DistinguishedName(bytes, rdns);
    }

    /** The exact DER encoding of the Name. */
    public byte[] toDer() {
        return der.clone();
    }

    /** The RDNs, most significant (first in DER) first, each with its values as encoded. */
    public List<Rdn> rdns() {
        return rdns;
    }

    /** All attribute values in DER order. */
    public List<AttributeValue> values() {
        return rdns.stream().flatMap(rdn -> rdn.values().stream()).toList();
    }

    /** OpenSSL 3 {@code X509_NAME_oneline}: what {@code openssl x509 -noout -subject -nameopt compat} prints after {@code subject=}. */
    public String oneline() {
        return render(true);
    }

    /** The OpenSSL 1.1 rendering used by older MySQL/MariaDB builds. */
    public String onelineOpenSsl11() {
        return render(false);
    }

    // crypto/x509/x509_obj.c. OpenSSL 1.1 neither escaped '/' and '+' nor joined RDN members with '+'.
    private String render(boolean openSsl3) {
        StringBuilder out = new StringBuilder();
        for (Rdn rdn : rdns) {
            boolean first = true;
            for (AttributeValue value : rdn.values()) {
                byte[] content = openSslData(value);
                if (content.length > ONELINE_MAX) {
                    throw S2mtlsException.badInput("subject: the value of " + ObjectNames.onelineLabel(value.oid())
                            + " is longer than 1 MiB, which OpenSSL refuses to print");
                }
                out.append(first || !openSsl3 ? '/' : '+').append(ObjectNames.onelineLabel(value.oid())).append('=');
                boolean[] print = printedBytes(value.tag(), content);
                for (int j = 0; j < content.length; j++) {
                    if (!print[j & 3]) {
                        continue;
                    }
                    int b = content[j] & 0xFF;
                    if (b < ' ' || b > '~') {
                        out.append('\\').append('x').append(HEX[b >> 4]).append(HEX[b & 15]);
                    } else {
                        if (openSsl3 && (b == '/' || b == '+')) {
                            out.append('\\');
                        }
                        out.append((char) b);
                    }
                }
                if (out.length() > ONELINE_MAX) {
                    throw S2mtlsException.badInput("subject: its oneline form is longer than 1 MiB, which OpenSSL refuses to print");
                }
                first = false;
            }
        }
        return out.toString();
    }

    /**
     * The bytes OpenSSL holds for a value: the content octets, except for a SEQUENCE, where it keeps
     * the whole encoding, and a BIT STRING, where it drops the unused-bits octet and clears the unused
     * bits (c2i_ASN1_BIT_STRING). A Name may hold both.
     */
    static byte[] openSslData(AttributeValue value) {
        byte[] content = value.contentView();
        if (value.tag() == 16) {
            return Der.encode(Der.SEQUENCE, content);
        }
        if (value.tag() != BIT_STRING || content.length == 0) {
            return content;
        }
        byte[] data = Arrays.copyOfRange(content, 1, content.length);
        if (data.length > 0) {
            data[data.length - 1] &= (byte) (0xFF << (content[0] & 0x07));
        }
        return data;
    }

    /** OpenSSL's gs_doit: a GeneralString whose only non-zero bytes are every 4th prints just those. */
    private static boolean[] printedBytes(int tag, byte[] content) {
        boolean[] doIt = {true, true, true, true};
        if (tag == GENERAL_STRING && content.length % 4 == 0) {
            boolean[] nonZero = new boolean[4];
            for (int j = 0; j < content.length; j++) {
                if (content[j] != 0) {
                    nonZero[j & 3] = true;
                }
            }
            if (!(nonZero[0] || nonZero[1] || nonZero[2])) {
                doIt = new boolean[] {false, false, false, true};
            }
        }
        return doIt;
    }

    /** {@link #oneline()} as a single-quoted SQL string literal for the default sql_mode. */
    public String sqlLiteral() {
        return SqlLiteral.quote(oneline(), false);
    }

    /** The first CN value decoded as text, if any. */
    public Optional<String> commonName() {
        return values().stream().filter(value -> value.oid().equals(COMMON_NAME)).findFirst().map(AttributeValue::text);
    }

    /** Reasons a server could not tell this subject apart from another, or would treat it specially. Empty when safe. */
    public List<SubjectProblem> problems() {
        List<SubjectProblem> problems = new ArrayList<>();
        if (values().isEmpty()) {
            problems.add(new SubjectProblem(SubjectProblem.Kind.EMPTY,
                    "the subject has no attributes: REQUIRE SUBJECT '' admits a client with no certificate on some servers; add a CN"));
            return problems;
        }
        for (AttributeValue value : values()) {
            String label = ObjectNames.onelineLabel(value.oid());
            byte[] content = openSslData(value);
            boolean[] print = printedBytes(value.tag(), content);
            for (int j = 0; j < content.length; j++) {
                if (print[j & 3] && content[j] == '\\') {
                    problems.add(new SubjectProblem(SubjectProblem.Kind.AMBIGUOUS, label
                            + " contains a backslash: the server's subject string would also match a different name; remove it or force"));
                    break;
                }
            }
            if (value.tag() == TextEncoding.UTF8_STRING && !validUtf8(content)) {
                problems.add(new SubjectProblem(SubjectProblem.Kind.INVALID_UTF8, label
                        + " is a UTF8String that is not valid UTF-8: OpenSSL 3 refuses or blanks it, so the server cannot match it; re-encode it"));
            }
        }
        return List.copyOf(problems);
    }

    static boolean validUtf8(byte[] bytes) {
        return decodes(bytes, StandardCharsets.UTF_8);
    }

    static boolean decodes(byte[] bytes, Charset charset) {
        try {
            charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DistinguishedName name && Arrays.equals(der, name.der);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(der);
    }

    /** The {@link #oneline()} form. */
    @Override
    public String toString() {
        return oneline();
    }
}
