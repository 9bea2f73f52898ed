package io.s2mtls.cli.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The documentation layout: a short README that starts with the two commands (the test command is the one
 * .ci/run runs), pages under docs/ that the README and docs/README.md link, relative links that lead to files
 * and headings that exist, and no reference to documents that are not in the repository.
 */
class DocsLayoutTest {
    static final Path ROOT = Path.of("..");
    static final int README_MAX_LINES = 200;
    /** Names of documents that are not in the repository; no page may send a reader to them. */
    // spelled in two parts so that this list is not itself taken for a citation by a plain text search
    static final List<String> OUTSIDE_DOCUMENTS = List.of("CLI" + ".md", "seed procedure", "shared" + "/");
    /** The pages of the concepts, develop and benchmark part of the layout. */
    static final List<String> PAGES = List.of(
            "docs/README.md",
            "docs/concepts/subject-string.md",
            "docs/concepts/architecture.md",
            "docs/concepts/safety-rules.md",
            "docs/develop/embedding.md",
            "docs/develop/spi.md",
            "docs/develop/store-plugin.md",
            "docs/develop/contract-suite.md",
            "docs/benchmarks.md");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern FENCED = Pattern.compile("(?ms)^```.*?^```");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} +(.+?) *$", Pattern.MULTILINE);

    static String read(String file) throws IOException {
        return Files.readString(ROOT.resolve(file), StandardCharsets.UTF_8);
    }

    @Test
    void theReadmeIsShortAndStartsWithTheTwoCommands() throws IOException {
        List<String> lines = read("README.md").lines().toList();
        assertTrue(lines.size() < README_MAX_LINES, "README.md has " + lines.size() + " lines; keep it under "
                + README_MAX_LINES + " and move the detail to a page under docs/");
        int open = lines.indexOf("```sh");
        assertTrue(open > 0 && open < 5, "README.md must open with a sh block of the two commands");
        int close = lines.subList(open + 1, lines.size()).indexOf("```") + open + 1;
        assertEquals(List.of("./s2mtls quickstart", "bash .ci/test"), lines.subList(open + 1, close));
        assertTrue(read(".ci/run").lines().anyMatch("bash .ci/test"::equals), ".ci/run no longer runs the README's test command");
    }

    @Test
    void theReadmeAndTheIndexLinkEveryPage() throws IOException {
        String readme = read("README.md");
        String index = read("docs/README.md");
        for (String page : PAGES) {
            assertTrue(Files.isRegularFile(ROOT.resolve(page)), page + " is missing");
            if (!page.equals("docs/README.md")) {
                assertTrue(index.contains("](" + page.substring("docs/".length()) + ")"), "docs/README.md does not link " + page);
            }
            assertTrue(readme.contains("](" + page + ")"), "README.md does not link " + page);
        }
    }

    @Test
    void noPageSendsTheReaderOutsideTheRepository() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String file : withReadme()) {
            String text = read(file).toLowerCase(Locale.ROOT);
            for (String outside : OUTSIDE_DOCUMENTS) {
                if (text.contains(outside.toLowerCase(Locale.ROOT))) {
                    problems.add(file + " mentions '" + outside + "'");
                }
            }
            Matcher link = LINK.matcher(read(file));
            while (link.find()) {
                if (link.group(1).matches("(?i)[a-z][a-z0-9+.-]*:.*")) {
                    problems.add(file + " links outside the repository: " + link.group(1));
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyRelativeLinkLeadsToAFileAndHeadingThatExist() throws IOException {
        List<String> broken = new ArrayList<>();
        for (String file : withReadme()) {
            broken.addAll(brokenLinks(file, read(file)));
        }
        assertTrue(broken.isEmpty(), String.join("\n", broken));
    }

    @Test
    void theLinkCheckBites() throws IOException {
        String page = "[a](concepts/architecture.md) [b](concepts/nothing.md) [c](concepts/architecture.md#no-such-heading)"
                + " [d](concepts/architecture.md#the-modules) [e](#own) [f](#missing)\n# Own\n";
        List<String> broken = brokenLinks("docs/README.md", page);
        assertEquals(3, broken.size(), broken.toString());
        assertTrue(broken.get(0).contains("concepts/nothing.md"), broken.toString());
        assertTrue(broken.get(1).contains("#no-such-heading"), broken.toString());
        assertTrue(broken.get(2).contains("#missing"), broken.toString());
    }

    /** README.md and every page under docs/ (guides and the generated reference included). */
    static List<String> withReadme() throws IOException {
        try (Stream<Path> pages = Files.walk(ROOT.resolve("docs"))) {
            return Stream.concat(Stream.of("README.md"), pages.filter(p -> p.toString().endsWith(".md"))
                    .map(p -> ROOT.relativize(p).toString().replace('\\', '/')).sorted()).toList();
        }
    }

    /**
     * The links of {@code text} (the content of {@code file}, relative to the repository) that lead nowhere.
     * Pages of the guides and of the reference are made in their own part of the layout: until their
     * directory exists, links into it are not checked; once it exists, every link into it must resolve.
     */
    static List<String> brokenLinks(String file, String text) throws IOException {
        List<String> broken = new ArrayList<>();
        Path base = ROOT.resolve(file).getParent();
        Matcher link = LINK.matcher(text);
        while (link.find()) {
            String target = link.group(1);
            if (target.matches("(?i)[a-z][a-z0-9+.-]*:.*")) {
                continue;   // reported by noPageSendsTheReaderOutsideTheRepository
            }
            int hash = target.indexOf('#');
            String path = hash < 0 ? target : target.substring(0, hash);
            String anchor = hash < 0 ? null : target.substring(hash + 1);
            Path resolved = path.isEmpty() ? ROOT.resolve(file) : base.resolve(path).normalize();
            if (!Files.exists(resolved)) {
                if (!madeElsewhereAndNotYetThere(resolved)) {
                    broken.add(file + ": " + target + " (no such file)");
                }
                continue;
            }
            if (anchor != null && resolved.toString().endsWith(".md")) {
                String page = path.isEmpty() ? text : Files.readString(resolved, StandardCharsets.UTF_8);
                if (!anchors(page).contains(anchor)) {
                    broken.add(file + ": " + target + " (no such heading)");
                }
            }
        }
        return broken;
    }

    private static boolean madeElsewhereAndNotYetThere(Path resolved) {
        Path docs = ROOT.resolve("docs").normalize();
        Path guides = docs.resolve("guides");
        Path reference = docs.resolve("reference");
        if (resolved.startsWith(reference)) {
            return !Files.isDirectory(reference);
        }
        if (resolved.startsWith(guides) || resolved.equals(docs.resolve("getting-started.md"))) {
            return !Files.isDirectory(guides);
        }
        return false;
    }

    /** The anchors a Markdown renderer gives the headings of a page (lower case, punctuation dropped, spaces to '-'). */
    static Set<String> anchors(String page) {
        Matcher heading = HEADING.matcher(FENCED.matcher(page).replaceAll(""));
        List<String> found = new ArrayList<>();
        while (heading.find()) {
            found.add(heading.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
        }
        return found.stream().collect(Collectors.toSet());
    }

    @Test
    void anchorsAreTheRenderedOnes() {
        assertEquals(Set.of("cert-verify-gives-openssls-verdict", "the-store-contract"),
                anchors("### `cert verify` gives openssl's verdict\ntext\n## The store contract\n"));
        assertFalse(anchors("#nospace").contains("nospace"));
        assertEquals(Set.of("real"), anchors("```text\n# a comment in a code block\n```\n## Real\n"), "code blocks hold no headings");
    }
}
