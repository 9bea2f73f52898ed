package io.s2mtls.cli.docs;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.adapters.vault.testing.TestTls;
import io.s2mtls.adapters.vault.testing.VaultDouble;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code ```sh} block of docs/getting-started.md and docs/guides/*.md, run in order and as written
 * against the private MariaDB (and, for the Vault guide, the in-process Vault double), one fresh directory
 * per page. See {@link PageRunner} for the placeholders that are the only things substituted.
 */
@ExtendWith(TestDatabaseExtension.class)
class DocsCommandsTest {
    static final Path DOCS = locateDocs();

    private static Path locateDocs() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/getting-started.md"))) {
                return dir.resolve("docs");
            }
        }
        throw new IllegalStateException("docs/getting-started.md not found above " + Path.of("").toAbsolutePath());
    }

    static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(DOCS.resolve("getting-started.md")));
        try (Stream<Path> guides = Files.list(DOCS.resolve("guides"))) {
            guides.filter(p -> p.toString().endsWith(".md")).sorted(Comparator.naturalOrder()).forEach(pages::add);
        }
        return pages;
    }

    @TestFactory
    Stream<DynamicTest> everyCommandBlockRunsAsWritten() throws IOException {
        List<Path> pages = pages();
        assertTrue(pages.size() >= 7, "getting started and the six guides: " + pages);
        // -Ddocs.page=doctor.md runs only the pages whose file name contains that text (while writing a page)
        String only = System.getProperty("docs.page", "");
        return pages.stream().filter(page -> page.getFileName().toString().contains(only)).map(page -> DynamicTest.dynamicTest(DOCS.relativize(page).toString(), () -> runPage(page)));
    }

    private static void runPage(Path file) throws Exception {
        DocPage page = DocPage.read(file);
        assertFalse(page.blocks().isEmpty(), file + " has no ```sh block");
        TestDatabase db = TestDatabase.get();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("S2MTLS_ADMIN_USER", db.adminUser());
        values.put("S2MTLS_ADMIN_PASSWORD", new String(db.adminPassword()));
        Path work = Files.createTempDirectory("s2mtls-docs-");
        Path scratch = Files.createTempDirectory("s2mtls-docs-runner-");
        VaultDouble vault = null;
        Path transcriptFile = Path.of("target", "docs-transcripts", file.getFileName().toString().replace(".md", ".txt"));
        try (ServerSide server = new ServerSide(db)) {
            if (file.getFileName().toString().equals("vault.md")) {
                TestTls tls = TestTls.create("docs Vault test CA");
                vault = VaultDouble.https(tls);
                values.put("VAULT_ADDR", vault.address());
                values.put("VAULT_TOKEN", vault.rootToken());
                values.put("VAULT_CACERT", tls.writeCaPem(scratch.resolve("vault-ca.pem")).toString());
            }
            PageRunner runner = new PageRunner(page, "127.0.0.1:" + db.port(), values, server::install);
            try {
                runner.run(work, scratch);
            } finally {
                Files.createDirectories(transcriptFile.getParent());
                Files.writeString(transcriptFile, runner.transcript());
            }
        } finally {
            if (vault != null) {
                vault.close();
            }
            deleteTree(work);
            deleteTree(scratch);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
