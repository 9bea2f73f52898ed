package io.s2mtls.cli.command.completion;

import io.s2mtls.cli.command.BaseCommand;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code s2mtls completion bash|zsh}: a completion script for the command tree as built, so it
 * completes exactly the commands and options this version has.
 */
@Command(name = "completion", header = "Print a shell completion script (bash or zsh) on standard output.",
        description = {
                "The script completes the commands and options of this s2mtls. Install it for bash:",
                "  source <(s2mtls completion bash)                       (this shell; add the line to ~/.bashrc to keep it)",
                "  s2mtls completion bash > /etc/bash_completion.d/s2mtls (every user; needs bash-completion)",
                "and for zsh, in ~/.zshrc:",
                "  source <(s2mtls completion zsh)"},
        footer = {"", "Examples:", "  s2mtls completion bash > ~/.local/share/bash-completion/completions/s2mtls",
                "  echo 'source <(s2mtls completion zsh)' >> ~/.zshrc"})
public final class CompletionCommand extends BaseCommand {
    /** The shells a script can be printed for. */
    public enum Shell { bash, zsh }

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    protected int run() {
        CommandLine root = spec.root().commandLine();
        String name = root.getCommandName();
        String bash = AutoComplete.bash(name, root);
        if (shell == Shell.zsh) {
            printer.out().print("# zsh completion for " + name + ", for ~/.zshrc: source <(" + name + " completion zsh)\n"
                    + "# zsh runs the bash completion below through bashcompinit.\n"
                    + "if ! type compdef > /dev/null 2>&1; then\n"
                    + "  autoload -U +X compinit && compinit\n"
                    + "fi\n"
                    + "autoload -U +X bashcompinit && bashcompinit\n");
        }
        printer.out().print(bash);
        printer.out().flush();
        return OK;
    }
}
