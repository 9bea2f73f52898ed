package io.s2mtls.core.dn;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import static java.util.Objects.requireNonNull;

/**
 * One attribute of a name: its OID, the ASN.1 universal tag of its string type (12 UTF8String,
 * 19 PrintableString, 22 IA5String, 20 T61String, 30 BMPString, 28 UniversalString, ...), and the raw
 * content octets exactly as encoded. A SEQUENCE value (tag 16, which OpenSSL accepts in a name) is the
 * only constructed one.
 */
public record AttributeValue(String oid, int tag, byte[] content) {
    public AttributeValue {
        requireNonNull(oid, "oid is null");
        content = requireNonNull(content, "content is null").clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    /** The content without a copy, for this package's read-only use. */
    byte[] contentView() {
        return content;
    }

    /** OpenSSL's short name for the attribute, or the dotted OID. */
    public String label() {
        return ObjectNames.onelineLabel(oid);
    }

    /**
     * The value decoded by its string type: UTF8String as UTF-8, BMPString as UTF-16BE,
     * UniversalString as UTF-32BE, every other type as Latin-1. Undecodable bytes become U+FFFD.
     */
    public String text() {
        Charset charset = switch (tag) {
            case 12 -> StandardCharsets.UTF_8;
            case 30 -> StandardCharsets.UTF_16BE;
            case 28 -> Charset.forName("UTF-32BE");
            default -> StandardCharsets.ISO_8859_1;
        };
        return new String(content, charset);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AttributeValue value && oid.equals(value.oid) && tag == value.tag
                && java.util.Arrays.equals(content, value.content);
    }

    @Override
    public int hashCode() {
        return (oid.hashCode() * 31 + tag) * 31 + java.util.Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return label() + "(tag " + tag + ")=" + text();
    }
}
