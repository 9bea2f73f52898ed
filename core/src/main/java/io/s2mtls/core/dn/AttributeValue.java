package io.s2mtls.core.dn;

/**
 * One attribute of a name: its OID, the ASN.1 universal tag of its string type (12 UTF8String,
 * 19 PrintableString, 22 IA5String, 20 T61String, 30 BMPString, 28 UniversalString, ...), and the raw
 * content octets exactly as encoded.
 */
public record AttributeValue(String oid, int tag, byte[] content) {
    public AttributeValue {
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }
}
