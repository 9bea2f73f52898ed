package io.s2mtls.cli.command;

import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.s2mtls.cli.command.CommandLineTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code s2mtls completion bash|zsh}: the bash script is sourced in a real bash and its completion
 * function asked, as bash asks it on TAB, what completes a partial command line.
 */
class CompletionCommandTest {
    @TempDir
    Path dir;

    private Path script(String shell) throws IOException {
        Run run = ok(new CliRunner(dir).run("completion", shell));
        Path file = dir.resolve("s2mtls." + shell);
        Files.writeString(file, run.out());
        return file;
    }

    /** What the sourced script offers for {@code words}, the last being the word under the cursor. */
    private List<String> complete(Path script, String... words) {
        String bash = ExternalTool.require("bash").toString();
        String line = String.join(" ", words);
        String program = "s2mtls() { :; }\n" // a stub: completion must not need the real program
                + "source \"$1\" || exit 90\n"
                + "spec=$(complete -p s2mtls) || exit 91\n"
                + "fn=${spec#*-F }; fn=${fn%% *}\n"
                + "shift\n"
                + "COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 )); COMP_LINE=\"" + line.replace("\"", "\\\"") + "\"; COMP_POINT=${#COMP_LINE}\n"
                + "COMPREPLY=()\n"
                + "\"$fn\" s2mtls \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\" || exit 92\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        List<String> command = new java.util.ArrayList<>(List.of(bash, "--norc", "--noprofile", "-c", program, "bash", script.toString()));
        command.addAll(Arrays.asList(words));
        ExternalTool.Result result = ExternalTool.run(command, null, Map.of(), dir).requireSuccess(command);
        return result.out().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    @Test
    void bashCompletesCommandsSubcommandsAndOptionsOfTheRealTree() throws IOException {
        Path script = script("bash");
        assertEquals(List.of("cert"), complete(script, "s2mtls", "ce"));
        assertEquals(List.of("issue"), complete(script, "s2mtls", "cert", "i"));
        assertTrue(complete(script, "s2mtls", "cert", "issue", "--out").contains("--out-dir"));
        assertEquals(List.of("--out-dir"), complete(script, "s2mtls", "cert", "issue", "--out-d"));
        // the commands this change added are in the tree too
        assertEquals(List.of("store"), complete(script, "s2mtls", "sto"));
        assertEquals(List.of("passwd"), complete(script, "s2mtls", "store", "p"));
        assertEquals(List.of("--new-password-file"), complete(script, "s2mtls", "store", "passwd", "--new"));
        List<String> completion = complete(script, "s2mtls", "comp");
        assertEquals(List.of("completion"), completion);
        // global options are offered under a subcommand
        assertTrue(complete(script, "s2mtls", "cert", "list", "--store").containsAll(List.of("--store", "--store-password-file")));
    }

    @Test
    void zshGetsTheSameCompletionThroughBashcompinit() throws IOException {
        String zsh = Files.readString(script("zsh"));
        String bash = Files.readString(script("bash"));
        assertTrue(zsh.startsWith("# zsh completion for s2mtls, for ~/.zshrc: source <(s2mtls completion zsh)\n"),
                zsh.lines().findFirst().orElse(""));
        assertTrue(zsh.contains("autoload -U +X bashcompinit && bashcompinit\n"), "zsh loads bash completions");
        assertTrue(zsh.indexOf("bashcompinit && bashcompinit") < zsh.indexOf(bash.strip().lines().filter(l -> l.startsWith("complete ")).findFirst().orElseThrow()),
                "bashcompinit comes before the bash 'complete' registration");
        assertTrue(zsh.endsWith(bash), "the rest is the bash script");
        assertTrue(zsh.contains("cert") && zsh.contains("--out-dir") && zsh.contains("passwd"), "it knows the command tree");
        Path zshBinary = Path.of("/usr/bin/zsh");
        if (Files.isExecutable(zshBinary)) {
            ExternalTool.run(List.of(zshBinary.toString(), "-n", dir.resolve("s2mtls.zsh").toString())).requireSuccess(List.of("zsh", "-n"));
        }
    }

    @Test
    void anUnknownShellIsBadUsage() {
        Run run = new CliRunner(dir).run("completion", "fish");
        assertEquals(2, run.exit(), run.toString());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("fish") && run.err().contains("bash") && run.err().contains("zsh"), run.err());
        assertEquals("", run.out());
    }
}
