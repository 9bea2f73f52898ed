package io.s2mtls.core.dn;

import io.s2mtls.core.dn.SubjectProblem.Kind;
import io.s2mtls.core.dn.TestNames.Attr;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlLiteralAndProblemsTest {

    @Test
    void defaultModeDoublesBackslashesAndEscapesQuotes() {
        assertEquals("'/CN=Js3g\\\\+AF\\\\+/C=US'", SqlLiteral.quote("/CN=Js3g\\+AF\\+/C=US", false));
        assertEquals("'/CN=it\\'s'", SqlLiteral.quote("/CN=it's", false));
        assertEquals("'a\\0b\\nc\\rd\\Ze\"f'", SqlLiteral.quote("a\0b\nc\rd\u001Ae\"f", false));
        assertEquals("''", SqlLiteral.quote("", false));
    }

    @Test
    void noBackslashEscapesModeOnlyDoublesQuotes() {
        assertEquals("'/CN=Js3g\\+AF\\+/C=US'", SqlLiteral.quote("/CN=Js3g\\+AF\\+/C=US", true));
        assertEquals("'/CN=it''s'", SqlLiteral.quote("/CN=it's", true));
        assertEquals("'a\nb'", SqlLiteral.quote("a\nb", true));
    }

    @Test
    void sqlLiteralQuotesTheOnelineForm() {
        DistinguishedName name = DistinguishedName.parseSlash("/CN=O'Brien\\\\x/O=a\\/b");
        assertEquals("/CN=O'Brien\\x/O=a\\/b", name.oneline());
        assertEquals("'/CN=O\\'Brien\\\\x/O=a\\\\/b'", name.sqlLiteral());
    }

    @Test
    void theReferenceAmbiguityIsFlagged() {
        DistinguishedName backslash = DistinguishedName.fromDer(TestNames.nameDer(List.of(
                List.of(Attr.utf8("2.5.4.3", "foo\\")), List.of(Attr.utf8("2.5.4.10", "bar")))));
        DistinguishedName slash = DistinguishedName.fromDer(TestNames.nameDer(List.of(List.of(Attr.utf8("2.5.4.3", "foo/O=bar")))));
        assertNotEquals(backslash, slash);
        assertEquals("/CN=foo\\/O=bar", backslash.oneline());
        assertEquals(backslash.oneline(), slash.oneline());
        List<SubjectProblem> problems = backslash.problems();
        assertEquals(1, problems.size());
        assertEquals(Kind.AMBIGUOUS, problems.get(0).kind());
        assertEquals("CN contains a backslash: the server's subject string would also match a different name; remove it or force",
                problems.get(0).message());
        assertEquals(List.of(), slash.problems());
    }

    @Test
    void emptySubjectsAreFlagged() {
        DistinguishedName empty = DistinguishedName.fromDer(new byte[] {0x30, 0x00});
        assertEquals(List.of(Kind.EMPTY), empty.problems().stream().map(SubjectProblem::kind).toList());
        assertEquals("''", empty.sqlLiteral());
        assertEquals(List.of(Kind.EMPTY), DistinguishedName.parseSlash("/").problems().stream().map(SubjectProblem::kind).toList());
    }

    @Test
    void invalidUtf8IsFlagged() {
        DistinguishedName name = DistinguishedName.fromDer(TestNames.nameDer(List.of(
                List.of(new Attr("2.5.4.10", TestNames.UTF8, new byte[] {'a', (byte) 0xC3})))));
        List<SubjectProblem> problems = name.problems();
        assertEquals(List.of(Kind.INVALID_UTF8), problems.stream().map(SubjectProblem::kind).toList());
        assertTrue(problems.get(0).message().startsWith("O "), problems.get(0).message());
        assertFalse(problems.get(0).message().contains("\n"));
        // Latin-1 bytes in a T61String are fine.
        assertEquals(List.of(), DistinguishedName.fromDer(TestNames.nameDer(List.of(
                List.of(new Attr("2.5.4.10", TestNames.T61, new byte[] {'a', (byte) 0xC3}))))).problems());
    }

    @Test
    void ordinarySubjectsHaveNoProblems() {
        assertEquals(List.of(), DistinguishedName.parseSlash("/C=US/O=example/CN=Js3g\\+AF\\+").problems());
    }
}
