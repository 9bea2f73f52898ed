package io.s2mtls.cli.plugin;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docs/develop/store-plugin.md points readers at this package's code instead of pasting it: the page links
 * the skeleton's files by their repository paths, and every excerpt it quotes is in the file it names, line
 * for line. The skeleton itself is compiled with the test sources, passes the contract suite
 * ({@link MemoryStoreContractTest}) and is loaded from a plugin directory ({@link PluginPathTest}).
 */
class SkeletonInDocsTest {
    static final Path PAGE = Path.of("..", "docs", "develop", "store-plugin.md");
    static final String EXCERPT = "<!-- excerpt: ";
    static final List<String> SKELETON = List.of(
            "cli/src/test/java/io/s2mtls/cli/plugin/MemoryStorePlugin.java",
            "cli/src/test/java/io/s2mtls/cli/plugin/MemoryStoreProvider.java",
            "cli/src/test/java/io/s2mtls/cli/plugin/MemoryCredentialStore.java",
            "cli/src/test/java/io/s2mtls/cli/plugin/MemoryStoreContractTest.java");

    @Test
    void thePageLinksEveryFileOfTheSkeleton() throws Exception {
        String page = Files.readString(PAGE, StandardCharsets.UTF_8);
        for (String file : SKELETON) {
            assertTrue(Files.isRegularFile(Path.of("..", file)), file + " is not in the repository");
            // links are relative to docs/develop/
            assertTrue(page.contains("](../../" + file + ")"), PAGE + " does not link " + file);
        }
        Matcher links = Pattern.compile("\\]\\((\\.\\./\\.\\./[^)#]+)").matcher(page);
        while (links.find()) {
            Path target = PAGE.getParent().resolve(links.group(1)).normalize();
            assertTrue(Files.exists(target), PAGE + " links " + links.group(1) + ", which is not in the repository");
        }
    }

    @Test
    void everyQuotedExcerptIsInTheFileItNames() throws Exception {
        List<String> lines = Files.readAllLines(PAGE, StandardCharsets.UTF_8);
        Set<String> quoted = new LinkedHashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith(EXCERPT)) {
                continue;
            }
            String file = line.substring(EXCERPT.length(), line.length() - "-->".length()).strip();
            quoted.add(file);
            assertEquals("```java", lines.get(i + 1).strip(), PAGE + ": a java block must follow the marker for " + file);
            int end = i + 2;
            while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                end++;
            }
            if (end == lines.size()) {
                fail(PAGE + ": the java block for " + file + " never ends");
            }
            List<String> block = lines.subList(i + 2, end);
            assertFalse(block.isEmpty(), PAGE + ": an empty excerpt of " + file);
            List<String> source = Files.readAllLines(Path.of("..", file), StandardCharsets.UTF_8);
            assertTrue(containsRun(source, block), PAGE + " quotes lines that are not in " + file + " as written:\n"
                    + String.join("\n", block));
        }
        assertEquals(new LinkedHashSet<>(SKELETON), quoted, PAGE + " must quote each file of the skeleton, in order");
    }

    @Test
    void theSkeletonRunsThroughTheContractSuite() {
        assertTrue(io.s2mtls.core.port.CredentialStoreContract.class.isAssignableFrom(MemoryStoreContractTest.class),
                "MemoryStoreContractTest must extend the shared contract suite");
        assertEquals(List.of("memtest"), new MemoryStorePlugin().credentialStores().stream()
                .map(io.s2mtls.core.spi.CredentialStoreProvider::scheme).toList());
    }

    @Test
    void theExcerptCheckBites() {
        List<String> source = List.of("class A {", "    int x;", "}");
        assertTrue(containsRun(source, List.of("    int x;", "}")));
        assertFalse(containsRun(source, List.of("    int y;", "}")), "a changed line must not match");
        assertFalse(containsRun(source, List.of("class A {", "}")), "skipped lines must not match");
        assertFalse(containsRun(source, List.of("int x;")), "indentation is part of the text");
    }

    /** Whether {@code block} occurs in {@code source} as consecutive, identical lines. */
    static boolean containsRun(List<String> source, List<String> block) {
        return java.util.Collections.indexOfSubList(new ArrayList<>(source), new ArrayList<>(block)) >= 0;
    }
}
