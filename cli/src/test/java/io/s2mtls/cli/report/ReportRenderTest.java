package io.s2mtls.cli.report;

import io.s2mtls.cli.command.report.HtmlReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report in a real browser: headless Chromium loads the file, its rendered text names every credential and shows
 * hostile subjects as text, the screenshot shows a bar of every status colour, and no request left the file.
 */
class ReportRenderTest {
    @TempDir
    Path dir;

    @Test
    void chromiumRendersTheReportWithoutAnyRequest() throws Exception {
        String html = HtmlReport.render(ReportFixture.overview(), Duration.ofDays(30));
        ReportPageTest.assertNoUrlAnywhere(html);
        Path file = dir.resolve("report.html");
        Files.writeString(file, html);

        HeadlessChromium.Load load = HeadlessChromium.load(file, dir);
        String keep = System.getProperty("s2mtls.report.keep"); // -Ds2mtls.report.keep=DIR keeps the page and its screenshot to look at
        if (keep != null) {
            Files.createDirectories(Path.of(keep));
            Files.copy(file, Path.of(keep, "report.html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(load.screenshot(), Path.of(keep, "report.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }

        assertEquals(java.util.List.of(), load.pageRequests(), "requests that left the file (all seen: " + load.requests() + ")");
        String text = text(load.dom());
        for (String name : ReportFixture.NAMES) {
            assertTrue(text.contains(name), "the rendered page names " + name);
        }
        assertTrue(text.contains(ReportFixture.HOSTILE_SUBJECT), "the hostile subject is shown as text");
        assertTrue(text.contains("<img src=x onerror=alert(1)>"), "the audit detail is shown as text");
        assertFalse(load.dom().contains("<script"), "no script element came out of the store's text");
        assertFalse(load.dom().contains("<img"), "no image element came out of the store's text");
        for (String word : new String[] {"valid", "expiring", "expired", "revoked", "different", "missing", "unrecorded", "begun", "agent.renew"}) {
            assertTrue(text.contains(word), "the page says " + word);
        }

        assertTrue(Files.size(load.screenshot()) > 20_000, "a screenshot of a real page, not a blank one: " + Files.size(load.screenshot()));
        BufferedImage image = ImageIO.read(load.screenshot().toFile());
        assertEquals(1400, image.getWidth());
        assertEquals(2000, image.getHeight());
        Set<HtmlReport.Status> painted = EnumSet.noneOf(HtmlReport.Status.class);
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                for (HtmlReport.Status status : HtmlReport.Status.values()) {
                    if (close(rgb, Integer.parseInt(status.colour().substring(1), 16))) {
                        painted.add(status);
                    }
                }
            }
        }
        assertEquals(EnumSet.allOf(HtmlReport.Status.class), painted, "a bar or swatch of every status colour is on screen");
    }

    /** The text a reader sees: the DOM without style and tags, entities decoded, each run of white space one space. */
    static String text(String dom) {
        return dom.replaceAll("(?s)<style.*?</style>", " ").replaceAll("(?s)<[^>]*>", " ")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&nbsp;", " ").replace("&amp;", "&")
                .replaceAll("\\s+", " ");
    }

    private static boolean close(int a, int b) {
        return Math.abs((a >> 16) - (b >> 16)) <= 6 && Math.abs(((a >> 8) & 0xFF) - ((b >> 8) & 0xFF)) <= 6 && Math.abs((a & 0xFF) - (b & 0xFF)) <= 6;
    }
}
