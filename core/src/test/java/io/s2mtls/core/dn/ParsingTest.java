package io.s2mtls.core.dn;

import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import org.junit.jupiter.api.Test;

import javax.security.auth.x500.X500Principal;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParsingTest {

    @Test
    void slashFormOfTheSeed() {
        DistinguishedName name = DistinguishedName.parseSlash("/C=US/ST=CA/O=example/CN=Js3g\\+AF\\+/C=US");
        assertEquals("/C=US/ST=CA/O=example/CN=Js3g\\+AF\\+/C=US", name.oneline());
        assertEquals("'/C=US/ST=CA/O=example/CN=Js3g\\\\+AF\\\\+/C=US'", name.sqlLiteral());
        assertEquals(List.of(19, 12, 12, 12, 19), name.values().stream().map(AttributeValue::tag).toList());
        assertEquals("Js3g+AF+", name.commonName().orElseThrow());
    }

    @Test
    void slashEscapesAndMultiValuedRdns() {
        assertEquals("/CN=a\\/b", DistinguishedName.parseSlash("/CN=a\\/b").oneline());
        assertEquals("/CN=a\\b=c", DistinguishedName.parseSlash("/CN=a\\\\b\\=c").oneline());
        DistinguishedName multi = DistinguishedName.parseSlash("/UID=123+CN=alice/O=Org");
        assertEquals("/CN=alice+UID=123/O=Org", multi.oneline());
        assertEquals(2, multi.rdns().size());
        assertEquals(2, multi.rdns().get(0).values().size());
        assertEquals("/CN=x", DistinguishedName.parseSlash("/CN=x/").oneline());
        assertEquals("", DistinguishedName.parseSlash("/").oneline());
    }

    @Test
    void labelsAreShortNamesLongNamesOrOids() {
        DistinguishedName byShort = DistinguishedName.parseSlash("/CN=x/O=y");
        assertEquals(byShort, DistinguishedName.parseSlash("/commonName=x/organizationName=y"));
        assertEquals(byShort, DistinguishedName.parseSlash("/2.5.4.3=x/2.5.4.10=y"));
        assertEquals(byShort, DistinguishedName.parseSlash("/cn=x/o=y"));
        assertEquals("/1.2.3.4=foo", DistinguishedName.parseSlash("/1.2.3.4=foo").oneline());
        assertEquals("/UID=a/uid=b", DistinguishedName.parseSlash("/UID=a/uid=b").oneline());
        assertEquals("0.9.2342.19200300.100.1.1", DistinguishedName.parseSlash("/userId=a").values().get(0).oid());
        assertEquals("0.9.2342.19200300.100.1.44", DistinguishedName.parseSlash("/uniqueIdentifier=a").values().get(0).oid());
        assertBadInput("/Uid=x", "matches several attributes");
    }

    @Test
    void textValuesAreEncodedAsOpensslReqDoes() {
        DistinguishedName name = DistinguishedName.parseSlash(
                "/C=DE/serialNumber=42/dnQualifier=q/emailAddress=a@b.c/DC=example/CN=José/friendlyName=f");
        assertEquals(List.of(19, 19, 19, 22, 22, 12, 30), name.values().stream().map(AttributeValue::tag).toList());
        assertArrayEquals("José".getBytes(StandardCharsets.UTF_8), name.values().get(5).content());
    }

    @Test
    void multiValuedRdnsAreSortedLikeDer() {
        DistinguishedName ours = DistinguishedName.parseRfc2253("UID=123+CN=alice,O=Org");
        assertEquals("/O=Org/CN=alice+UID=123", ours.oneline());
        assertEquals(DistinguishedName.parseSlash("/O=Org/CN=alice+UID=123"), ours);
        assertEquals(DistinguishedName.parseSlash("/O=Org/UID=123+CN=alice"), ours);
    }

    @Test
    void rfc2253IsMostSignificantLastWithItsEscapes() {
        assertEquals("/C=US/O=Org/CN=name", DistinguishedName.parseRfc2253("CN=name,O=Org,C=US").oneline());
        assertEquals("/C=US/O=Org/CN=name", DistinguishedName.parse("CN=name, O=Org, C=US").oneline());
        assertEquals("/CN=Doe, John", DistinguishedName.parseRfc2253("CN=Doe\\, John").oneline());
        assertEquals("/CN=a\\+b", DistinguishedName.parseRfc2253("CN=a\\+b").oneline());
        assertEquals("/CN=say \"hi\"", DistinguishedName.parseRfc2253("CN=say \\\"hi\\\"").oneline());
        assertEquals("/CN=a\\b", DistinguishedName.parseRfc2253("CN=a\\\\b").oneline());
        assertEquals("/CN=a<b>;#=", DistinguishedName.parseRfc2253("CN=a\\<b\\>\\;\\#\\=").oneline());
        assertEquals("/CN=Jos\\xC3\\xA9", DistinguishedName.parseRfc2253("CN=Jos\\C3\\A9").oneline());
        assertEquals("/CN=  pad  ", DistinguishedName.parseRfc2253("CN=\\  pad \\ ").oneline());
        assertEquals("/CN=trimmed", DistinguishedName.parseRfc2253("CN=  trimmed  ").oneline());
        assertEquals("/CN=q,uoted", DistinguishedName.parseRfc2253("CN=\"q,uoted\"").oneline());
        assertEquals("/CN=x/O=y", DistinguishedName.parseRfc2253("OID.2.5.4.10=y,2.5.4.3=x").oneline());
        assertEquals("", DistinguishedName.parseRfc2253("").oneline());
    }

    @Test
    void rfc2253HexValuesKeepTheirBerType() {
        // #1E020041 is a BMPString holding "A".
        DistinguishedName name = DistinguishedName.parseRfc2253("CN=#1E020041");
        assertEquals(30, name.values().get(0).tag());
        assertEquals("/CN=\\x00A", name.oneline());
        assertEquals("/1.2.3.4=foo", DistinguishedName.parseRfc2253("1.2.3.4=#0C03666F6F").oneline());
    }

    @Test
    void rfc2253AgreesWithTheJdkOnSimpleNames() {
        for (String text : List.of("CN=name,O=Org,C=US", "CN=a\\,b,OU=x+O=y", "EMAILADDRESS=a@b.c,CN=x")) {
            String jdk = new X500Principal(text).getName(X500Principal.RFC2253);
            assertEquals(DistinguishedName.parseRfc2253(text).oneline(), DistinguishedName.parseRfc2253(jdk).oneline(), text);
        }
    }

    @Test
    void roundTripsSlashToDerToOneline() {
        for (String text : List.of("/C=US/ST=CA/O=example/CN=Js3g\\+AF\\+/C=US", "/CN=a\\/b+UID=x/O=o", "/CN=plain",
                "/DC=com/DC=example/emailAddress=u@example.com/CN=Ω 😀", "/1.2.3.4=x/CN=y")) {
            DistinguishedName parsed = DistinguishedName.parseSlash(text);
            DistinguishedName reread = DistinguishedName.fromDer(parsed.toDer());
            assertEquals(parsed, reread, text);
            assertEquals(parsed.oneline(), reread.oneline(), text);
            // The oneline string of a name without backslashes parses back to the same name.
            if (!text.contains("+UID")) {
                assertEquals(parsed, DistinguishedName.parseSlash(parsed.oneline().replace("\\xCE\\xA9", "Ω")
                        .replace("\\xF0\\x9F\\x98\\x80", "😀")), text);
            }
        }
    }

    @Test
    void malformedTextIsBadInputWithAOneLineMessage() {
        assertBadInput("/CN", "subject '/CN': missing '=' after attribute name at position 4");
        assertBadInput("/CN=x/O", "missing '=' after attribute name at position 8");
        assertBadInput("/XX=1", "unknown attribute name 'XX' at position 2");
        assertBadInput("/CN=x\\", "dangling backslash");
        assertBadInput("/C=USA", "the value of C must be exactly 2 characters");
        assertBadInput("/C=U", "the value of C must be exactly 2 characters");
        assertBadInput("/n3=12", "the value of n3 must be exactly 3 characters");
        assertBadInput("/C=U1", "the value of C must be a two-letter country code");
        assertBadInput("/C=", "the value of C is empty");
        assertBadInput("/CN=", "the value of CN is empty");
        assertBadInput("/serialNumber=a_b", "not allowed in a PrintableString");
        assertBadInput("/emailAddress=é@x", "must be ASCII");
        assertBadInput("/CN=" + "x".repeat(65), "the value of CN is longer than 64 characters");
        assertBadInput("/CN=x+", "'+' at the end");
        assertBadInput("CN=x", null); // parse() picks RFC 2253, which is fine
        assertBadInput("CN", "missing '='");
        assertBadInput("CN=a\\", "dangling backslash");
        assertBadInput("CN=a\\G1", "is not an escape");
        assertBadInput("CN=a\\4", "bad hex escape");
        assertBadInput("CN=#0C0", "bad hex");
        assertBadInput("CN=#ZZ", "bad hex");
        assertBadInput("CN=#3000", "not one primitive universal string");
        assertBadInput("CN=a\\C3", "not valid UTF-8");
        assertBadInput("CN=\"open", "unterminated quoted value");
        assertBadInput("CN=a<b", "must be escaped");
        assertBadInput("FOO=x", "unknown attribute name 'FOO' at position 1");
        assertBadInput("C=United States", "the value of C must be exactly 2 characters");
    }

    private static void assertBadInput(String text, String expected) {
        if (expected == null) {
            DistinguishedName.parse(text);
            return;
        }
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> DistinguishedName.parse(text), text);
        assertEquals(ErrorKind.BAD_INPUT, e.kind());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("subject '"), e.getMessage());
    }
}
