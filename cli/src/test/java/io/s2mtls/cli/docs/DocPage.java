package io.s2mtls.cli.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A documentation page and its executable blocks: every fenced block opened with {@code ```sh} is a
 * command block; any other fence ({@code ```console}, {@code ```text}, {@code ```yaml}, a bare fence) is a
 * sample and is never run.
 */
record DocPage(Path file, List<Block> blocks) {

    /** A {@code ```sh} block: its text and the page line of its first command line (1-based). */
    record Block(int firstLine, List<String> lines) {
        String text() {
            return String.join("\n", lines);
        }
    }

    static DocPage read(Path file) throws IOException {
        List<String> all = Files.readAllLines(file);
        List<Block> blocks = new ArrayList<>();
        List<String> current = null;
        int first = 0;
        boolean inOtherFence = false;
        for (int i = 0; i < all.size(); i++) {
            String line = all.get(i);
            String trimmed = line.strip();
            if (current != null) {
                if (trimmed.equals("```")) {
                    blocks.add(new Block(first, List.copyOf(current)));
                    current = null;
                } else {
                    current.add(line);
                }
            } else if (inOtherFence) {
                if (trimmed.equals("```")) {
                    inOtherFence = false;
                }
            } else if (trimmed.equals("```sh")) {
                current = new ArrayList<>();
                first = i + 2;
            } else if (trimmed.startsWith("```")) {
                inOtherFence = true;
            }
        }
        if (current != null || inOtherFence) {
            throw new IllegalStateException(file + ": a fenced block is not closed");
        }
        return new DocPage(file, List.copyOf(blocks));
    }
}
