package io.s2mtls.cli.report;

import io.s2mtls.cli.command.report.HtmlReport;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.usecase.Overview;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.s2mtls.cli.report.ReportFixture.NOW;
import static io.s2mtls.cli.report.ReportFixture.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page without a browser: escaping, no reference outside the file, and the status of each certificate. */
class ReportPageTest {
    /** Anything in markup that could make a browser fetch: a scheme, a protocol-relative or absolute path, an import, a link. */
    private static final Pattern FETCHING_MARKUP = Pattern.compile(
            "(?i)(\\b(https?|ftp|file|data|blob|wss?|javascript):|//|@import|url\\(|\\bsrc\\s*=|\\bhref\\s*=|<link|<script|<iframe|<object|<embed|<img|<image|<use|<base)");
    /** A URL scheme or a protocol-relative reference anywhere in the file. */
    private static final Pattern URL_ANYWHERE = Pattern.compile("(?i)(https?:|ftp:|file:|data:|//|@import)");

    /**
     * The markup (every tag, and the style sheet) refers to nothing; text between tags cannot, since the page escapes
     * every '<' of the store's text. For a page made of tame text, not even the text holds a URL.
     */
    static void assertNoExternalReference(String html) {
        StringBuilder markup = new StringBuilder();
        Matcher tags = Pattern.compile("(?s)<style>(.*?)</style>|<[^>]*>").matcher(html);
        while (tags.find()) {
            markup.append(tags.group(1) != null ? tags.group(1) : tags.group()).append('\n');
        }
        find(FETCHING_MARKUP, markup.toString().replace("http-equiv=", "equiv=").replace("default-src", "default"));
    }

    /** {@link #assertNoExternalReference}, and no URL scheme or '//' anywhere in the file. */
    static void assertNoUrlAnywhere(String html) {
        assertNoExternalReference(html);
        find(URL_ANYWHERE, html);
    }

    private static void find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        if (m.find()) {
            throw new AssertionError("the page refers outside itself: '" + m.group() + "' in ..."
                    + text.substring(Math.max(0, m.start() - 80), Math.min(text.length(), m.end() + 80)) + "...");
        }
    }

    @Test
    void escapeCoversMarkupAndBothQuotes() {
        assertEquals("A&amp;B &lt;Corp&gt; &quot;q&quot; &#39;s&#39;", HtmlReport.escape("A&B <Corp> \"q\" 's'"));
        assertEquals("/O=plain/CN=x", HtmlReport.escape("/O=plain/CN=x"));
    }

    @Test
    void storeTextIsEscapedAndThePageRefersToNothingOutside() {
        String html = HtmlReport.render(ReportFixture.overview(), Duration.ofDays(30));
        assertNoUrlAnywhere(html);
        assertFalse(html.contains(ReportFixture.HOSTILE_SUBJECT), "the raw subject would be markup");
        assertTrue(html.contains(HtmlReport.escape(ReportFixture.HOSTILE_SUBJECT)));
        assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assertTrue(html.contains("h&lt;b&gt;x"), "a user name is escaped too");
        assertTrue(html.contains("default-src 'none'"), "the browser is told to fetch nothing");
    }

    @Test
    void aHostileCredentialNameCannotOpenAUrl() {
        Overview overview = new Overview(NOW, Optional.empty(), List.of(entry(1, "x\"><a href=\"https://evil.example/\">", "/CN=//evil.example/@import",
                NOW.plus(Duration.ofDays(90)), CertificateStatus.VALID)), Map.of(), Optional.empty(), List.of());
        String html = HtmlReport.render(overview, Duration.ofDays(30));
        assertNoExternalReference(html);
        assertFalse(html.contains("<a href"), "no element made of the name");
    }

    @Test
    void statusFollowsTheWindowAndRevocationWins() {
        Duration window = Duration.ofDays(30);
        assertEquals(HtmlReport.Status.VALID, HtmlReport.status(entry(1, "a", "/CN=a", NOW.plus(Duration.ofDays(31)), CertificateStatus.VALID), NOW, window));
        assertEquals(HtmlReport.Status.EXPIRING, HtmlReport.status(entry(1, "a", "/CN=a", NOW.plus(Duration.ofDays(30)), CertificateStatus.VALID), NOW, window));
        assertEquals(HtmlReport.Status.EXPIRED, HtmlReport.status(entry(1, "a", "/CN=a", NOW, CertificateStatus.VALID), NOW, window));
        assertEquals(HtmlReport.Status.REVOKED, HtmlReport.status(entry(1, "a", "/CN=a", NOW.minusSeconds(1), CertificateStatus.REVOKED), NOW, window));
        for (HtmlReport.Status status : HtmlReport.Status.values()) {
            assertTrue(HtmlReport.render(ReportFixture.overview(), window).contains("> " + status.word() + ": "), "the legend names " + status.word().toLowerCase(Locale.ROOT));
        }
    }
}
