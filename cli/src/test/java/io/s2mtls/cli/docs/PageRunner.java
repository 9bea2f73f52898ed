package io.s2mtls.cli.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a page's {@code ```sh} blocks in order with bash ({@code set -euo pipefail}) in a fresh working
 * directory, carrying exported variables and the current directory from one block to the next, as a reader
 * typing them into one shell would. The only changes made to a block are the placeholders:
 * <ul>
 *   <li>{@code db.example.com:3306} becomes the test server's {@code 127.0.0.1:PORT};</li>
 *   <li>a line {@code export NAME=...} for a NAME in {@code values} gets the test's value;</li>
 *   <li>a line {@code # (server) install DIR ...} is done by {@link ServerSide} between the lines around it.</li>
 * </ul>
 * {@code s2mtls} (on PATH and as {@code ./s2mtls}) runs {@code io.s2mtls.cli.Main} from this JVM's class path.
 */
final class PageRunner {
    static final String HOST_PORT = "db.example.com:3306";
    private static final Pattern EXPORT = Pattern.compile("^(\\s*)export ([A-Z_][A-Z0-9_]*)=\\S*(\\s+#.*)?$");
    private static final Pattern SERVER = Pattern.compile("^\\s*# \\(server\\) install ([^\\s:]+).*$");
    private static final String PRELUDE_MARK = "# ---- page";

    interface Server {
        void install(Path dir) throws Exception;
    }

    private final DocPage page;
    private final String hostPort;
    private final Map<String, String> values;
    private final Server server;
    private final StringBuilder transcript = new StringBuilder();

    PageRunner(DocPage page, String hostPort, Map<String, String> values, Server server) {
        this.page = page;
        this.hostPort = hostPort;
        this.values = new LinkedHashMap<>(values);
        this.server = server;
    }

    String transcript() {
        return transcript.toString();
    }

    /** Runs every block; throws AssertionError naming the page, the line, the command and its output. */
    void run(Path work, Path scratch) throws Exception {
        Path bin = Files.createDirectories(scratch.resolve("bin"));
        writeShim(bin.resolve("s2mtls"));
        writeShim(work.resolve("s2mtls"));
        Path state = scratch.resolve("state.sh");
        Files.writeString(state, "cd '" + work + "'\n");
        for (DocPage.Block block : page.blocks()) {
            List<String> segment = new ArrayList<>();
            int segmentFirst = block.firstLine();
            for (int i = 0; i < block.lines().size(); i++) {
                String line = block.lines().get(i);
                Matcher server = SERVER.matcher(line);
                if (server.matches()) {
                    runSegment(segment, segmentFirst, state, scratch, work, bin);
                    segment.clear();
                    Path cwd = Path.of(Files.readString(scratch.resolve("cwd")).strip());
                    transcript.append("## line ").append(block.firstLine() + i).append(": ").append(line.strip()).append('\n');
                    try {
                        this.server.install(cwd.resolve(server.group(1)));
                    } catch (Exception e) {
                        throw new AssertionError(where(block.firstLine() + i) + " failed: " + line.strip() + "\n" + e, e);
                    }
                    segmentFirst = block.firstLine() + i + 1;
                } else {
                    segment.add(substitute(line));
                }
            }
            runSegment(segment, segmentFirst, state, scratch, work, bin);
        }
    }

    private String substitute(String line) {
        Matcher export = EXPORT.matcher(line);
        if (export.matches() && values.containsKey(export.group(2))) {
            return export.group(1) + "export " + export.group(2) + "='" + values.get(export.group(2)) + "'";
        }
        return line.replace(HOST_PORT, hostPort);
    }

    private String where(int line) {
        return page.file().getFileName() + " line " + line;
    }

    private void runSegment(List<String> lines, int firstLine, Path state, Path scratch, Path work, Path bin) throws Exception {
        if (lines.stream().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
            Files.writeString(scratch.resolve("cwd"), currentDirectory(state, work) + "\n");
            return;
        }
        List<String> prelude = List.of(
                "set -euo pipefail",
                ". '" + state + "'",
                "trap 'echo \"docs-runner: exit $? at line $((LINENO - PRELUDE)): $BASH_COMMAND\" >&2' ERR",
                "trap '{ export -p | grep -v \"^declare -[a-zA-Z]*r\"; echo \"cd \\\"$PWD\\\"\"; } > \"" + state + ".new\"; pwd > \"" + scratch.resolve("cwd") + "\"' EXIT",
                PRELUDE_MARK);
        StringBuilder script = new StringBuilder();
        for (String p : prelude) {
            script.append(p.replace("PRELUDE", Integer.toString(prelude.size()))).append('\n');
        }
        lines.forEach(l -> script.append(l).append('\n'));
        Path file = scratch.resolve("block.sh");
        Files.writeString(file, script);
        ProcessBuilder builder = new ProcessBuilder("bash", file.toString()).directory(work.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("S2MTLS_") || k.startsWith("VAULT_"));
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        env.put("HOME", work.toString());
        Files.deleteIfExists(Path.of(state + ".new"));
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        String output = new String(out, StandardCharsets.UTF_8);
        transcript.append("## lines ").append(firstLine).append("-").append(firstLine + lines.size() - 1).append('\n');
        lines.forEach(l -> transcript.append("$ ").append(l).append('\n'));
        transcript.append(output);
        int exit = process.exitValue();
        if (exit != 0) {
            Matcher m = Pattern.compile("docs-runner: exit (\\d+) at line (\\d+): (.*)").matcher(output);
            String at = "lines " + firstLine + "-" + (firstLine + lines.size() - 1);
            String command = String.join("\n", lines);
            if (m.find()) {
                int rel = Integer.parseInt(m.group(2));
                at = "line " + (firstLine + rel - 1);
                command = rel >= 1 && rel <= lines.size() ? lines.get(rel - 1) : m.group(3);
            }
            throw new AssertionError(page.file().getFileName() + " " + at + ": exit " + exit + "\n  command: " + command.strip()
                    + "\n  output:\n" + output.indent(4));
        }
        Files.move(Path.of(state + ".new"), state, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private String currentDirectory(Path state, Path work) throws IOException {
        for (String line : Files.readAllLines(state)) {
            if (line.startsWith("cd \"")) {
                return line.substring(4, line.length() - 1);
            }
        }
        return work.toString();
    }

    private static void writeShim(Path file) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String shim = "#!/usr/bin/env bash\n"
                + "# s2mtls from the code under test (the test's class path), not a built jar\n"
                + "export CLASSPATH='" + System.getProperty("java.class.path") + "'\n"
                + "exec '" + java + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Dslf4j.internal.verbosity=ERROR io.s2mtls.cli.Main \"$@\"\n";
        Files.writeString(file, shim);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
