package io.s2mtls.cli.plugin;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The skeleton that "Writing a store plugin" tells readers to copy is this package's code, word for word:
 * each {@code <!-- skeleton: PATH -->} marker is followed by a java block equal to the file at PATH.
 */
class SkeletonInDocsTest {
    private static final String SECTION = "## Writing a store plugin";
    private static final String MARKER = "<!-- skeleton: ";

    @Test
    void theDocumentedSkeletonIsTheTestedCode() throws Exception {
        Path section = Path.of("../README.md");
        assertTrue(Files.readString(section, StandardCharsets.UTF_8).contains(SECTION), "README.md has no '" + SECTION + "'");
        List<String> lines = Files.readAllLines(section, StandardCharsets.UTF_8);
        List<String> documented = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith(MARKER)) {
                continue;
            }
            String file = line.substring(MARKER.length(), line.length() - "-->".length()).strip();
            documented.add(file);
            assertEquals("```java", lines.get(i + 1).strip(), section + ": a java block must follow the marker for " + file);
            int end = i + 2;
            while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                end++;
            }
            if (end == lines.size()) {
                fail(section + ": the java block for " + file + " never ends");
            }
            String block = String.join("\n", lines.subList(i + 2, end)) + "\n";
            assertEquals(Files.readString(Path.of("..", file), StandardCharsets.UTF_8), block,
                    section + " shows a different " + file + " than the code the tests run");
        }
        assertEquals(List.of("cli/src/test/java/io/s2mtls/cli/plugin/MemoryStorePlugin.java",
                "cli/src/test/java/io/s2mtls/cli/plugin/MemoryStoreProvider.java",
                "cli/src/test/java/io/s2mtls/cli/plugin/MemoryCredentialStore.java",
                "cli/src/test/java/io/s2mtls/cli/plugin/MemoryStoreContractTest.java"), documented);
    }
}
