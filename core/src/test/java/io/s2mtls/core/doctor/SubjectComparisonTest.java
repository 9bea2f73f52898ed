package io.s2mtls.core.doctor;

import io.s2mtls.core.dn.AttributeValue;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.dn.Rdn;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where and why a REQUIRE SUBJECT string differs from the certificate's oneline subject. */
class SubjectComparisonTest {
    private static final String O = "2.5.4.10";
    private static final String CN = "2.5.4.3";
    private static final String UID = "0.9.2342.19200300.100.1.1";

    private static SubjectComparison.Mismatch mismatch(DistinguishedName subject, String required) {
        return SubjectComparison.compare(subject, required).orElseThrow();
    }

    private static String causes(SubjectComparison.Mismatch mismatch) {
        return String.join("\n", mismatch.causes());
    }

    @Test
    void equalStringsMatch() {
        DistinguishedName name = DistinguishedName.parse("/O=Org/CN=a\\+b");
        assertTrue(SubjectComparison.compare(name, "/O=Org/CN=a\\+b").isEmpty());
    }

    @Test
    void backslashesLostOrDoubledInSql() {
        DistinguishedName name = DistinguishedName.parse("/O=Org/CN=a\\+b");
        SubjectComparison.Mismatch lost = mismatch(name, "/O=Org/CN=a+b");
        assertEquals(11, lost.offset());
        assertEquals('\\', lost.certificate());
        assertEquals('+', lost.required());
        assertTrue(causes(lost).startsWith("SQL escaping: the backslashes"), causes(lost));
        SubjectComparison.Mismatch doubled = mismatch(name, "/O=Org/CN=a\\\\+b");
        assertTrue(causes(doubled).startsWith("SQL escaping: the requirement holds every backslash doubled"), causes(doubled));
    }

    @Test
    void rdnOrder() {
        DistinguishedName name = DistinguishedName.parse("/C=US/O=Org/CN=app");
        SubjectComparison.Mismatch reversed = mismatch(name, "/CN=app/O=Org/C=US");
        assertEquals(2, reversed.offset());
        assertTrue(causes(reversed).startsWith("RDN order") && causes(reversed).contains("reversed"), causes(reversed));
        assertTrue(causes(mismatch(name, "/O=Org/C=US/CN=app")).startsWith("RDN order: the same attributes in a different order;"));
    }

    @Test
    void bmpStringBytes() {
        DistinguishedName name = DistinguishedName.of(List.of(new Rdn(List.of(new AttributeValue(O, 19, "Org".getBytes(StandardCharsets.US_ASCII)))),
                new Rdn(List.of(new AttributeValue(CN, 30, "app".getBytes(StandardCharsets.UTF_16BE))))));
        assertEquals("/O=Org/CN=\\x00a\\x00p\\x00p", name.oneline());
        SubjectComparison.Mismatch typed = mismatch(name, "/O=Org/CN=app");
        assertEquals(10, typed.offset());
        assertTrue(causes(typed).startsWith("string type: a value is a BMPString"), causes(typed));
    }

    @Test
    void nonAsciiTextInsteadOfHexEscapes() {
        DistinguishedName name = DistinguishedName.parse("/O=Org/CN=José");
        assertEquals("/O=Org/CN=Jos\\xC3\\xA9", name.oneline());
        assertTrue(causes(mismatch(name, "/O=Org/CN=José")).startsWith("string type/encoding"));
    }

    @Test
    void openSsl11Rendering() {
        DistinguishedName name = DistinguishedName.of(List.of(new Rdn(List.of(new AttributeValue(O, 19, "Org".getBytes(StandardCharsets.US_ASCII)))),
                new Rdn(List.of(new AttributeValue(CN, 12, "alice".getBytes(StandardCharsets.UTF_8)),
                        new AttributeValue(UID, 12, "123".getBytes(StandardCharsets.UTF_8))))));
        assertEquals("/O=Org/CN=alice+UID=123", name.oneline());
        SubjectComparison.Mismatch old = mismatch(name, name.onelineOpenSsl11());
        assertTrue(causes(old).contains("OpenSSL 1.1 versus 3 rendering"), causes(old));
    }

    @Test
    void anotherSubjectAltogether() {
        SubjectComparison.Mismatch other = mismatch(DistinguishedName.parse("/O=Org/CN=app"), "/O=Org/CN=other");
        assertTrue(causes(other).startsWith("a different subject"), causes(other));
        assertTrue(other.describe().startsWith("first difference at byte 10 (counting from 0): the certificate has 'a' (0x61), the requirement has 'o' (0x6F)"),
                other.describe());
        SubjectComparison.Mismatch shorter = mismatch(DistinguishedName.parse("/O=Org/CN=app"), "/O=Org/CN=app2");
        assertTrue(shorter.describe().contains("the certificate has nothing (its string ends there)"), shorter.describe());
        assertTrue(causes(mismatch(DistinguishedName.parse("/O=Org/CN=app"), "/O=org/CN=app")).startsWith("letter case"));
    }
}
