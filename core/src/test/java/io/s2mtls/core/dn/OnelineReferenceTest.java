package io.s2mtls.core.dn;

import io.s2mtls.core.dn.TestNames.Attr;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.s2mtls.core.dn.TestNames.BMP;
import static io.s2mtls.core.dn.TestNames.GENERAL;
import static io.s2mtls.core.dn.TestNames.IA5;
import static io.s2mtls.core.dn.TestNames.T61;
import static io.s2mtls.core.dn.TestNames.UNIVERSAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The cases table of the OpenSSL oneline rules, and OpenSSL's special cases. */
class OnelineReferenceTest {
    static final String CN = "2.5.4.3";
    static final String O = "2.5.4.10";
    static final String C = "2.5.4.6";
    static final String UID = "0.9.2342.19200300.100.1.1";
    static final String EMAIL = "1.2.840.113549.1.9.1";

    record Case(String description, List<List<Attr>> rdns, String oneline) {
    }

    private static List<Attr> rdn(Attr... attrs) {
        return List.of(attrs);
    }

    private static Attr utf8(String oid, String text) {
        return Attr.utf8(oid, text);
    }

    static List<Case> cases() {
        return List.of(
                new Case("C=US, O=Org, CN=name", List.of(rdn(new Attr(C, TestNames.PRINTABLE, "US".getBytes(StandardCharsets.US_ASCII))),
                        rdn(utf8(O, "Org")), rdn(utf8(CN, "name"))), "/C=US/O=Org/CN=name"),
                new Case("CN=name, O=Org, C=US", List.of(rdn(utf8(CN, "name")), rdn(utf8(O, "Org")),
                        rdn(new Attr(C, TestNames.PRINTABLE, "US".getBytes(StandardCharsets.US_ASCII)))), "/CN=name/O=Org/C=US"),
                new Case("CN=a/b", List.of(rdn(utf8(CN, "a/b"))), "/CN=a\\/b"),
                new Case("CN=a+b", List.of(rdn(utf8(CN, "a+b"))), "/CN=a\\+b"),
                new Case("one RDN: UID=123 + CN=alice", List.of(rdn(utf8(UID, "123"), utf8(CN, "alice"))), "/CN=alice+UID=123"),
                new Case("CN=Doe, John=x;y", List.of(rdn(utf8(CN, "Doe, John=x;y"))), "/CN=Doe, John=x;y"),
                new Case("CN=a\\b", List.of(rdn(utf8(CN, "a\\b"))), "/CN=a\\b"),
                new Case("CN=say \"hi\" it's", List.of(rdn(utf8(CN, "say \"hi\" it's"))), "/CN=say \"hi\" it's"),
                new Case("CN=  pad  ", List.of(rdn(utf8(CN, "  pad  "))), "/CN=  pad  "),
                new Case("UTF8String CN=José", List.of(rdn(utf8(CN, "José"))), "/CN=Jos\\xC3\\xA9"),
                new Case("BMPString CN=Ω", List.of(rdn(new Attr(CN, BMP, new byte[] {0x03, (byte) 0xA9}))), "/CN=\\x03\\xA9"),
                new Case("CN=a<TAB>b<LF>c<DEL>", List.of(rdn(utf8(CN, "a\tb\nc\u007f"))), "/CN=a\\x09b\\x0Ac\\x7F"),
                new Case("O=(empty), CN=x", List.of(rdn(utf8(O, "")), rdn(utf8(CN, "x"))), "/O=/CN=x"),
                new Case("1.2.3.4=foo, CN=x", List.of(rdn(utf8("1.2.3.4", "foo")), rdn(utf8(CN, "x"))), "/1.2.3.4=foo/CN=x"),
                new Case("CN=x, emailAddress=user@example.com", List.of(rdn(utf8(CN, "x")),
                        rdn(new Attr(EMAIL, IA5, "user@example.com".getBytes(StandardCharsets.US_ASCII)))), "/CN=x/emailAddress=user@example.com"),
                new Case("T61String CN=José", List.of(rdn(new Attr(CN, T61, new byte[] {'J', 'o', 's', (byte) 0xE9}))), "/CN=Jos\\xE9"),
                new Case("BMPString CN=AB", List.of(rdn(new Attr(CN, BMP, new byte[] {0, 'A', 0, 'B'}))), "/CN=\\x00A\\x00B"),
                new Case("UniversalString CN=A", List.of(rdn(new Attr(CN, UNIVERSAL, new byte[] {0, 0, 0, 'A'}))), "/CN=\\x00\\x00\\x00A"),
                new Case("CN with NUL", List.of(rdn(utf8(CN, "a\0b"))), "/CN=a\\x00b"),
                new Case("a plus sign in a value", List.of(rdn(utf8(O, "example")), rdn(utf8(CN, "Js3g+AF+")),
                        rdn(new Attr(C, TestNames.PRINTABLE, "US".getBytes(StandardCharsets.US_ASCII)))), "/O=example/CN=Js3g\\+AF\\+/C=US"),
                new Case("uid vs UID", List.of(rdn(utf8("0.9.2342.19200300.100.1.44", "u")), rdn(utf8(UID, "U"))), "/uid=u/UID=U"));
    }

    @Test
    void referenceCases() {
        for (Case c : cases()) {
            byte[] der = TestNames.nameDer(c.rdns());
            DistinguishedName name = DistinguishedName.fromDer(der);
            assertEquals(c.oneline(), name.oneline(), c.description());
            assertEquals(c.oneline(), name.toString(), c.description());
            assertArrayEquals(der, name.toDer(), c.description());
        }
    }

    @Test
    void generalStringPrintsOnlyEveryFourthByteWhenTheOthersAreZero() {
        assertEquals("/CN=a\\/", oneline(new Attr(CN, GENERAL, new byte[] {0, 0, 0, 'a', 0, 0, 0, '/'})));
        assertEquals("/CN=\\x00", oneline(new Attr(CN, GENERAL, new byte[] {0, 0, 0, 0})));
        assertEquals("/CN=\\x00\\x01\\x00a", oneline(new Attr(CN, GENERAL, new byte[] {0, 1, 0, 'a'})));
        assertEquals("/CN=\\x00\\x00a", oneline(new Attr(CN, GENERAL, new byte[] {0, 0, 'a'})));
        // Only GeneralString gets this treatment.
        assertEquals("/CN=\\x00\\x00\\x00a", oneline(new Attr(CN, UNIVERSAL, new byte[] {0, 0, 0, 'a'})));
    }

    @Test
    void openSsl11RenderingNeitherEscapesNorJoinsWithPlus() {
        DistinguishedName name = DistinguishedName.fromDer(TestNames.nameDer(List.of(
                rdn(utf8(UID, "123"), utf8(CN, "a/b+c")), rdn(utf8(O, "x\ty")))));
        assertEquals("/CN=a\\/b\\+c+UID=123/O=x\\x09y", name.oneline());
        assertEquals("/CN=a/b+c/UID=123/O=x\\x09y", name.onelineOpenSsl11());
    }

    @Test
    void unknownOidsPrintDottedAndLongOnesAreCutAt79Characters() {
        String oid = "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25.26.27.28.29.30.31.32";
        assertEquals("/" + oid.substring(0, 79) + "=x", oneline(utf8(oid, "x")));
        assertEquals("/2.999.12345678901234567890=x", oneline(utf8("2.999.12345678901234567890", "x")));
        assertEquals("/ORG=x", oneline(utf8("1.3", "x")));
        assertEquals("/jurisdictionC=DE", oneline(utf8("1.3.6.1.4.1.311.60.2.1.3", "DE")));
    }

    @Test
    void valuesOverOneMebibyteAreRefusedLikeOpenssl() {
        DistinguishedName big = DistinguishedName.fromDer(TestNames.nameDer(List.of(rdn(utf8(CN, "x".repeat(1024 * 1024 + 1))))));
        S2mtlsException e = assertThrows(S2mtlsException.class, big::oneline);
        assertEquals(ErrorKind.BAD_INPUT, e.kind());
        DistinguishedName justFits = DistinguishedName.fromDer(TestNames.nameDer(List.of(rdn(utf8(CN, "x".repeat(1024 * 1024 - 4))))));
        assertEquals(1024 * 1024, justFits.oneline().length());
    }

    @Test
    void equalityIsByDerBytes() {
        DistinguishedName utf8 = DistinguishedName.fromDer(TestNames.nameDer(List.of(rdn(utf8(CN, "x")))));
        DistinguishedName printable = DistinguishedName.fromDer(TestNames.nameDer(List.of(rdn(new Attr(CN, TestNames.PRINTABLE, new byte[] {'x'})))));
        assertEquals(utf8.oneline(), printable.oneline());
        assertNotEquals(utf8, printable);
        assertEquals(utf8, DistinguishedName.parseSlash("/CN=x"));
        assertEquals(utf8.hashCode(), DistinguishedName.parseSlash("/CN=x").hashCode());
    }

    @Test
    void commonNameDecodesByStringType() {
        assertEquals("José", name(utf8(CN, "José")).commonName().orElseThrow());
        assertEquals("Ω", name(new Attr(CN, BMP, new byte[] {0x03, (byte) 0xA9})).commonName().orElseThrow());
        assertEquals("😀", name(new Attr(CN, UNIVERSAL, new byte[] {0, 1, (byte) 0xF6, 0x00})).commonName().orElseThrow());
        assertEquals("José", name(new Attr(CN, T61, new byte[] {'J', 'o', 's', (byte) 0xE9})).commonName().orElseThrow());
        assertEquals("first", DistinguishedName.parseSlash("/O=o/CN=first/CN=second").commonName().orElseThrow());
        assertEquals(true, DistinguishedName.parseSlash("/O=o").commonName().isEmpty());
    }

    @Test
    void fromDerRejectsMalformedInputWithBadInput() {
        for (byte[] bad : List.of(new byte[0], new byte[] {0x30}, new byte[] {0x30, 0x05, 0x31, 0x00},
                new byte[] {0x31, 0x00}, new byte[] {0x30, 0x00, 0x00}, new byte[] {0x30, (byte) 0x80, 0x00, 0x00},
                new byte[] {0x30, 0x02, 0x31, 0x00})) {
            S2mtlsException e = assertThrows(S2mtlsException.class, () -> DistinguishedName.fromDer(bad));
            assertEquals(ErrorKind.BAD_INPUT, e.kind());
            assertEquals(false, e.getMessage().contains("\n"));
        }
        assertEquals("", DistinguishedName.fromDer(new byte[] {0x30, 0x00}).oneline());
    }

    @Test
    void fromDerRejectsValuesANameCannotHold() {
        // CN=[0] 'x': a context-specific tag.
        byte[] der = {0x30, 0x0C, 0x31, 0x0A, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, (byte) 0x80, 0x01, 'x'};
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> DistinguishedName.fromDer(der));
        assertEquals("subject DER: the value of CN is neither a primitive universal type nor a SEQUENCE (identifier 0x80)", e.getMessage());
    }

    @Test
    void ofSortsTheValuesOfAnRdnAndMatchesBouncyCastle() {
        List<Attr> unsorted = List.of(utf8(UID, "123"), utf8(CN, "alice"), new Attr(O, 16, new byte[] {0x0C, 0x01, 'q'}));
        DistinguishedName ours = DistinguishedName.of(List.of(new Rdn(unsorted.stream()
                .map(a -> new AttributeValue(a.oid(), a.tag(), a.content())).toList())));
        assertArrayEquals(TestNames.nameDer(List.of(unsorted)), ours.toDer());
        assertEquals("/O=0\\x03\\x0C\\x01q+CN=alice+UID=123", ours.oneline()); // shorter encodings sort first
        assertEquals(ours, DistinguishedName.fromDer(ours.toDer()));
        assertEquals(ours.rdns(), DistinguishedName.fromDer(ours.toDer()).rdns());
    }

    private static DistinguishedName name(Attr attr) {
        return DistinguishedName.fromDer(TestNames.nameDer(List.of(rdn(attr))));
    }

    private static String oneline(Attr attr) {
        return name(attr).oneline();
    }
}
