package io.s2mtls.cli.docs;

import io.s2mtls.cli.CliRunner;
import io.s2mtls.core.error.ErrorKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The reference under docs/reference cannot drift: the command pages are rendered from the live picocli
 * model and must equal the checked-in files; the environment page names exactly the variables the code
 * reads; the exit-code page names exactly the codes the CLI returns; and no help text cites a document
 * that is not in the repository.
 */
class ReferenceDocsTest {
    /** Set to true to rewrite the checked-in pages from the model instead of comparing them. */
    static final String WRITE = "s2mtls.docs.write";
    /** Documents that are not in the repository; help text must not send a reader to them. */

    private static final Pattern ENV_NAME = Pattern.compile("\\b((?:S2MTLS|VAULT)_[A-Z0-9_]*[A-Z0-9])\\b");
    private static final Pattern STRING_LITERAL = Pattern.compile("\"((?:[^\"\\\\\n]|\\\\.)*)\"");
    private static final Pattern ENV_READ = Pattern.compile(
            "(?:\\benv|\\bgetenv|\\benvironment(?:\\(\\))?\\.get)\\(\\s*\"([A-Z][A-Z0-9_]*)\"");
    private static final Pattern DOCUMENTED_ENV = Pattern.compile("^\\|\\s*`([A-Z][A-Z0-9_]*)`", Pattern.MULTILINE);
    private static final Pattern DOCUMENTED_EXIT = Pattern.compile("^\\|\\s*`?(\\d+)`?\\s*\\|", Pattern.MULTILINE);

    @TempDir
    Path dir;

    static Path repository() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("cli"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root above " + here);
    }

    static Path reference() {
        return repository().resolve("docs/reference");
    }

    @Test
    void commandPagesAreWhatTheCommandLineRenders() throws IOException {
        Map<String, String> rendered = ReferencePages.render();
        Path reference = reference();
        Path commands = reference.resolve(ReferencePages.COMMANDS_DIR);
        Set<String> checkedIn = new TreeSet<>();
        if (Files.isDirectory(commands)) {
            try (Stream<Path> files = Files.list(commands)) {
                files.forEach(f -> checkedIn.add(ReferencePages.COMMANDS_DIR + "/" + f.getFileName()));
            }
        }
        if (Boolean.getBoolean(WRITE)) {
            Files.createDirectories(commands);
            for (String stale : checkedIn) {
                if (!rendered.containsKey(stale)) {
                    Files.delete(reference.resolve(stale));
                }
            }
            for (Map.Entry<String, String> file : rendered.entrySet()) {
                Files.writeString(reference.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
            }
            System.err.println("wrote " + rendered.size() + " reference pages under " + reference);
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> file : rendered.entrySet()) {
            Path page = reference.resolve(file.getKey());
            if (!Files.isRegularFile(page)) {
                problems.add("missing: docs/reference/" + file.getKey());
            } else if (!Files.readString(page, StandardCharsets.UTF_8).equals(file.getValue())) {
                problems.add("differs from the command line: docs/reference/" + file.getKey() + firstDifference(
                        Files.readString(page, StandardCharsets.UTF_8), file.getValue()));
            }
        }
        if (!Boolean.getBoolean(WRITE)) {
            for (String page : checkedIn) {
                if (!rendered.containsKey(page)) {
                    problems.add("no such command: docs/reference/" + page);
                }
            }
        }
        if (!problems.isEmpty()) {
            fail("The command reference is out of date with the command line:\n  " + String.join("\n  ", problems)
                    + "\nRegenerate it from the repository root with:\n  " + ReferencePages.REGENERATE
                    + "\nand commit docs/reference.");
        }
    }

    private static String firstDifference(String checkedIn, String rendered) {
        String[] a = checkedIn.split("\n", -1);
        String[] b = rendered.split("\n", -1);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String left = i < a.length ? a[i] : "<end of file>";
            String right = i < b.length ? b[i] : "<end of file>";
            if (!left.equals(right)) {
                return " (line " + (i + 1) + ": page has '" + left + "', command line says '" + right + "')";
            }
        }
        return "";
    }

    @Test
    void everyCommandHasAPageAndTheIndexListsIt() {
        Map<String, String> rendered = ReferencePages.render();
        List<CommandLine> commands = ReferencePages.commands(ReferencePages.model());
        String index = rendered.get("README.md");
        for (CommandLine command : commands) {
            String name = command.getCommandSpec().qualifiedName(" ");
            String file = ReferencePages.COMMANDS_DIR + "/" + ReferencePages.fileName(command);
            assertTrue(rendered.containsKey(file), "no page for " + name);
            assertTrue(rendered.get(file).startsWith("# " + name + "\n"), file);
            assertTrue(index.contains("[`" + name + "`](" + file + ")"), "the index does not list " + name);
        }
        for (String leaf : List.of("s2mtls ca create", "s2mtls cert issue", "s2mtls user create", "s2mtls plan", "s2mtls ca")) {
            assertTrue(commands.stream().anyMatch(c -> c.getCommandSpec().qualifiedName(" ").equals(leaf)), leaf);
        }
        String caCreate = rendered.get(ReferencePages.COMMANDS_DIR + "/s2mtls-ca-create.md");
        assertTrue(caCreate.contains("- `--subject=DN` (required): "), caCreate);
        assertTrue(caCreate.contains("- `--key=TYPE` (default `rsa:4096`): "), caCreate);
        String revoke = rendered.get(ReferencePages.COMMANDS_DIR + "/s2mtls-cert-revoke.md");
        assertTrue(revoke.contains("- `--lock-user[=USER[@HOST]]` (part of `[--lock-user[=USER[@HOST]] | --drop-user[=USER[@HOST]]]`): "), revoke);
        String root = rendered.get(ReferencePages.COMMANDS_DIR + "/s2mtls.md");
        assertTrue(root.contains("(environment `S2MTLS_STORE`)"), root);
    }

    /**
     * Every environment variable the main sources read: each S2MTLS_* and VAULT_* name in a string literal
     * (constants such as {@code STORE_ENV = "S2MTLS_STORE"}, and the names error messages tell the user to
     * set), and any name passed literally to {@code env(...)}, {@code getenv(...)} or {@code environment.get(...)}.
     */
    static Set<String> variablesTheCodeReads() throws IOException {
        Set<String> names = new TreeSet<>();
        Path root = repository();
        List<Path> sources;
        try (Stream<Path> modules = Files.list(root)) {
            sources = modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList();
        }
        assertTrue(sources.size() >= 4, "main source roots found: " + sources);
        for (Path source : sources) {
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    Matcher literal = STRING_LITERAL.matcher(text);
                    while (literal.find()) {
                        Matcher env = ENV_NAME.matcher(literal.group(1));
                        while (env.find()) {
                            names.add(env.group(1));
                        }
                    }
                    Matcher read = ENV_READ.matcher(text);
                    while (read.find()) {
                        names.add(read.group(1));
                    }
                }
            }
        }
        return names;
    }

    @Test
    void environmentPageNamesExactlyTheVariablesTheCodeReads() throws IOException {
        Set<String> read = variablesTheCodeReads();
        assertTrue(read.containsAll(Set.of("S2MTLS_STORE", "S2MTLS_STORE_PASSWORD", "VAULT_TOKEN", "S2MTLS_ACTOR", "USER")),
                "the scan finds the variables it must: " + read);
        String page = Files.readString(reference().resolve("environment.md"), StandardCharsets.UTF_8);
        Set<String> documented = new TreeSet<>();
        Matcher matcher = DOCUMENTED_ENV.matcher(page);
        while (matcher.find()) {
            documented.add(matcher.group(1));
        }
        Set<String> undocumented = new TreeSet<>(read);
        undocumented.removeAll(documented);
        Set<String> stale = new TreeSet<>(documented);
        stale.removeAll(read);
        assertTrue(undocumented.isEmpty(), "docs/reference/environment.md does not describe " + undocumented
                + ", which the code reads; add a row '| `NAME` | ... |' for each");
        assertTrue(stale.isEmpty(), "docs/reference/environment.md describes " + stale + ", which no code reads any more");
    }

    @Test
    void exitCodePageNamesExactlyTheCodesTheCliReturns() throws IOException {
        String page = Files.readString(reference().resolve("exit-codes.md"), StandardCharsets.UTF_8);
        Map<Integer, String> documented = new TreeMap<>();
        Matcher matcher = DOCUMENTED_EXIT.matcher(page);
        while (matcher.find()) {
            int line = page.indexOf('\n', matcher.end());
            documented.put(Integer.parseInt(matcher.group(1)), page.substring(matcher.end(), line < 0 ? page.length() : line));
        }
        assertEquals(ReferencePages.EXIT_CODES.keySet(), documented.keySet(), "exit codes in docs/reference/exit-codes.md");
        for (ErrorKind kind : ErrorKind.values()) {
            assertTrue(documented.get(kind.exitCode()).contains(kind.name()),
                    "exit-codes.md: the row for " + kind.exitCode() + " names " + kind.name());
        }
        // the mapping itself: bad usage is 2, a negative check is 1, success 0
        CliRunner cli = new CliRunner(dir);
        assertEquals(ErrorKind.BAD_INPUT.exitCode(), cli.run("--no-such-option").exit());
        assertEquals(0, cli.run("--help").exit());
        assertTrue(documented.get(2).toLowerCase(Locale.ROOT).contains("usage"), documented.get(2));
    }

    @Test
    void everyLinkInTheReferenceResolves() throws IOException {
        Pattern link = Pattern.compile("\\]\\(([^)#\\s]+)(?:#[^)]*)?\\)");
        List<String> broken = new ArrayList<>();
        List<Path> pages;
        try (Stream<Path> files = Files.walk(reference())) {
            pages = files.filter(f -> f.toString().endsWith(".md")).toList();
        }
        assertTrue(pages.size() > 20, "pages: " + pages.size());
        for (Path page : pages) {
            Matcher matcher = link.matcher(Files.readString(page, StandardCharsets.UTF_8));
            while (matcher.find()) {
                String target = matcher.group(1);
                if (!target.contains("://") && !Files.exists(page.getParent().resolve(target))) {
                    broken.add(reference().relativize(page) + " -> " + target);
                }
            }
        }
        assertTrue(broken.isEmpty(), "broken links under docs/reference: " + broken);
    }

    @Test
    void noHelpTextCitesADocumentOutsideTheRepository() {
        List<String> problems = new ArrayList<>();
        List<CommandLine> commands = ReferencePages.commands(ReferencePages.model());
        assertTrue(commands.size() > 20, "commands found: " + commands.size());
        for (CommandLine command : commands) {
            String help = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
            for (String outside : DocsLayoutTest.OUTSIDE_DOCUMENTS) {
                if (help.toLowerCase(Locale.ROOT).contains(outside.toLowerCase(Locale.ROOT))) {
                    problems.add("'" + command.getCommandSpec().qualifiedName(" ") + " --help' mentions '" + outside + "'");
                }
            }
        }
        assertTrue(problems.isEmpty(), "help text refers to documents outside the repository:\n  " + String.join("\n  ", problems));
    }
}
