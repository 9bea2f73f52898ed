package io.s2mtls.cli.docs;

import io.s2mtls.cli.Cli;
import io.s2mtls.cli.support.Console;
import io.s2mtls.core.error.ErrorKind;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the command reference (docs/reference/commands/*.md and docs/reference/README.md) from the live
 * picocli model that {@link Cli} builds, so the pages say what the command line does and nothing else.
 * The output depends on the model alone: no dates, no terminal width, no environment.
 */
final class ReferencePages {
    /** The command that rewrites the checked-in pages from the model. */
    static final String REGENERATE = "./mvnw -o -q -B -pl cli -am test -Dtest=ReferenceDocsTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Ds2mtls.docs.write=true";
    static final String COMMANDS_DIR = "commands";
    private static final int WIDTH = 100;
    private static final Pattern ENV = Pattern.compile("\\b((?:S2MTLS|VAULT)_[A-Z0-9_]+)\\b");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<!\\.)\\.\\s+(?=[A-Z])");
    private static final Pattern LIST_START = Pattern.compile("^(\\s*)([-+#>]|\\d+[.)])");

    /** What each exit code means; every {@link ErrorKind} must have a line here. */
    static final Map<Integer, String> EXIT_CODES = exitCodes();

    private ReferencePages() {
    }

    private static Map<Integer, String> exitCodes() {
        Map<Integer, String> codes = new LinkedHashMap<>();
        codes.put(0, "done");
        for (ErrorKind kind : ErrorKind.values()) {
            codes.put(kind.exitCode(), switch (kind) {
                case CHECK_FAILED -> "a check came out negative (a verification failed, doctor found a problem, something expires)";
                case BAD_INPUT -> "bad usage or input (an unknown option, a malformed file, a wrong password, a refused subject)";
                case EXTERNAL -> "an external system failed or refused (database, Vault, network)";
                case INTERNAL -> "internal error (a bug; run with --verbose for the stack trace)";
            });
        }
        return codes;
    }

    /** The command tree as the CLI builds it, with a fixed usage width so the synopsis does not depend on a terminal. */
    static CommandLine model() {
        Console console = new Console(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Map.of(),
                Path.of("").toAbsolutePath(), Optional.empty());
        return Cli.commandLine(console);
    }

    /** Every visible command, root first, depth first in declaration order, each once (aliases not repeated). */
    static List<CommandLine> commands(CommandLine root) {
        List<CommandLine> all = new ArrayList<>();
        collect(root, all, new IdentityHashMap<>());
        return all;
    }

    private static void collect(CommandLine command, List<CommandLine> all, Map<CommandLine, Boolean> seen) {
        if (seen.put(command, Boolean.TRUE) != null) {
            return;
        }
        all.add(command);
        for (CommandLine sub : command.getSubcommands().values()) {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                collect(sub, all, seen);
            }
        }
    }

    static String fileName(CommandLine command) {
        return command.getCommandSpec().qualifiedName(" ").replace(' ', '-') + ".md";
    }

    /** File name (under docs/reference) to content, for every generated file. */
    static Map<String, String> render() {
        CommandLine root = model();
        Map<String, String> files = new LinkedHashMap<>();
        List<CommandLine> commands = commands(root);
        files.put("README.md", index(commands));
        for (CommandLine command : commands) {
            files.put(COMMANDS_DIR + "/" + fileName(command), page(command));
        }
        return files;
    }

    static String index(List<CommandLine> commands) {
        StringBuilder md = new StringBuilder();
        md.append("# Command reference\n\n");
        md.append(generatedNote());
        md.append("One page per command, generated from the command-line model itself (what `--help` prints),"
                + " so it cannot drift from the code.\n\n");
        md.append("- [Exit codes](exit-codes.md): what 0 to 4 mean.\n");
        md.append("- [Environment variables](environment.md): every variable s2mtls reads.\n");
        md.append("- [Store formats](store-formats.md): the PKCS12 file and the Vault KV layout.\n\n");
        md.append("## Commands\n\n");
        for (CommandLine command : commands) {
            CommandSpec spec = command.getCommandSpec();
            md.append("- [`").append(spec.qualifiedName(" ")).append("`](").append(COMMANDS_DIR).append('/')
                    .append(fileName(command)).append(')');
            String summary = summary(spec);
            if (!summary.isEmpty()) {
                md.append(": ").append(inline(summary));
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static String generatedNote() {
        return "<!-- Generated by cli/src/test/java/io/s2mtls/cli/docs/ReferencePages.java; do not edit by hand."
                + " Regenerate with: " + REGENERATE + " -->\n\n";
    }

    /** The header, else the description's first sentence. */
    static String summary(CommandSpec spec) {
        String header = String.join(" ", text(spec.usageMessage().header())).strip();
        if (!header.isEmpty()) {
            return header;
        }
        StringBuilder first = new StringBuilder();
        for (String line : text(spec.usageMessage().description())) {
            if (line.isBlank()) {
                break;
            }
            first.append(first.length() == 0 ? "" : " ").append(line.strip());
        }
        String text = first.toString();
        Matcher end = SENTENCE_END.matcher(text);
        return end.find() ? text.substring(0, end.start() + 1) : text;
    }

    static String page(CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        spec.usageMessage().autoWidth(false).width(WIDTH);
        StringBuilder md = new StringBuilder();
        String name = spec.qualifiedName(" ");
        md.append("# ").append(name).append("\n\n");
        md.append(generatedNote());
        String header = String.join(" ", text(spec.usageMessage().header())).strip();
        if (!header.isEmpty()) {
            md.append(inline(header)).append("\n\n");
        }
        md.append("## Usage\n\n```\n");
        CommandLine.Help help = new CommandLine.Help(spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        md.append(stripTrailing(help.synopsis(0))).append("\n```\n\n");

        List<String> description = text(spec.usageMessage().description());
        if (!description.isEmpty()) {
            md.append("## Description\n\n").append(block(description));
        }

        List<PositionalParamSpec> positionals = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!positionals.isEmpty()) {
            md.append("## Arguments\n\n");
            for (PositionalParamSpec p : positionals) {
                md.append("- `").append(p.paramLabel()).append('`');
                argDetails(md, p, p.arity().min > 0);
            }
            md.append('\n');
        }

        // the global options are annotated methods, which come in no defined order: they are listed by their
        // explicit order, the help options after them; a subcommand's own options keep their declaration order
        java.util.Comparator<OptionSpec> byOrder = java.util.Comparator.comparingInt(o -> o.order() >= 0 ? o.order() : Integer.MAX_VALUE);
        java.util.Comparator<OptionSpec> ownOrder = spec.parent() == null ? byOrder : (a, b) -> 0;
        List<OptionSpec> own = spec.options().stream().filter(o -> !o.hidden() && !o.inherited()).sorted(ownOrder).toList();
        List<OptionSpec> inherited = spec.options().stream().filter(o -> !o.hidden() && o.inherited()).sorted(byOrder).toList();
        if (!own.isEmpty()) {
            md.append(spec.parent() == null ? "## Global options\n\n" : "## Options\n\n");
            if (spec.parent() == null) {
                md.append("These options are accepted by every command.\n\n");
            }
            for (OptionSpec option : own) {
                md.append("- ").append(optionNames(option));
                argDetails(md, option, required(option));
            }
            md.append('\n');
        }
        if (!inherited.isEmpty()) {
            CommandLine root = command;
            while (root.getParent() != null) {
                root = root.getParent();
            }
            md.append("## Global options\n\n");
            Set<String> names = new LinkedHashSet<>();
            for (OptionSpec option : inherited) {
                names.add("`" + option.longestName() + "`");
            }
            md.append(String.join(", ", names)).append(": see [").append(root.getCommandSpec().name()).append("](")
                    .append(fileName(root)).append(").\n\n");
        }

        List<CommandLine> subs = new ArrayList<>();
        Map<CommandLine, Boolean> seen = new IdentityHashMap<>();
        for (CommandLine sub : command.getSubcommands().values()) {
            if (!sub.getCommandSpec().usageMessage().hidden() && seen.put(sub, Boolean.TRUE) == null) {
                subs.add(sub);
            }
        }
        if (!subs.isEmpty()) {
            md.append("## Subcommands\n\n");
            for (CommandLine sub : subs) {
                CommandSpec subSpec = sub.getCommandSpec();
                md.append("- [`").append(subSpec.qualifiedName(" ")).append("`](").append(fileName(sub)).append(')');
                if (subSpec.aliases().length > 0) {
                    md.append(" (also `").append(String.join("`, `", subSpec.aliases())).append("`)");
                }
                String summary = summary(subSpec);
                if (!summary.isEmpty()) {
                    md.append(": ").append(inline(summary));
                }
                md.append('\n');
            }
            md.append('\n');
        }

        List<String> footer = text(spec.usageMessage().footer());
        if (footer.stream().anyMatch(l -> !l.isBlank())) {
            md.append("## Notes and examples\n\n").append(block(footer));
        }

        md.append("## Exit codes\n\n");
        Map<String, String> declared = spec.usageMessage().exitCodeList();
        if (declared != null && !declared.isEmpty()) {
            for (Map.Entry<String, String> code : declared.entrySet()) {
                md.append("- `").append(code.getKey().strip()).append("`: ").append(inline(code.getValue().strip())).append('\n');
            }
        } else {
            for (Map.Entry<Integer, String> code : EXIT_CODES.entrySet()) {
                md.append("- `").append(code.getKey()).append("`: ").append(inline(code.getValue())).append('\n');
            }
        }
        md.append("\nSee [exit codes](../exit-codes.md).\n");
        return md.toString();
    }

    /** Required on every command line: an option of an optional or exclusive group is not, whatever its own flag says. */
    static boolean required(OptionSpec option) {
        ArgGroupSpec group = option.group();
        for (ArgGroupSpec g = group; g != null; g = g.parentGroup()) {
            if (g.multiplicity().min == 0 || g.exclusive()) {
                return false;
            }
        }
        return option.required();
    }

    private static void argDetails(StringBuilder md, ArgSpec arg, boolean required) {
        List<String> facts = new ArrayList<>();
        if (required) {
            facts.add("required");
        }
        ArgGroupSpec group = arg.group();
        if (group != null) {
            while (group.parentGroup() != null) {
                group = group.parentGroup();
            }
            // picocli's own notation: [ ] optional, | one of, ( ) together
            facts.add("part of `" + group.synopsis().strip() + "`");
        }
        if (arg.isMultiValue() || (arg.isPositional() && arg.arity().max > 1)) {
            facts.add("repeatable");
        }
        if (arg.defaultValue() != null && !arg.defaultValue().isEmpty()) {
            facts.add("default `" + arg.defaultValue() + "`");
        }
        String description = String.join(" ", text(arg.description())).strip();
        Set<String> env = new LinkedHashSet<>();
        Matcher matcher = ENV.matcher(description);
        while (matcher.find()) {
            env.add("`" + matcher.group(1) + "`");
        }
        if (!env.isEmpty()) {
            facts.add("environment " + String.join(", ", env));
        }
        if (!facts.isEmpty()) {
            md.append(" (").append(String.join("; ", facts)).append(')');
        }
        if (!description.isEmpty()) {
            md.append(": ").append(inline(description));
        }
        md.append('\n');
    }

    private static String optionNames(OptionSpec option) {
        List<String> names = new ArrayList<>();
        String label = option.paramLabel();
        for (String name : option.names()) {
            if (option.arity().max == 0) {
                names.add("`" + name + "`");
            } else if (option.arity().min == 0) {
                names.add("`" + name + "[=" + label + "]`");
            } else {
                names.add("`" + name + "=" + label + "`");
            }
        }
        return String.join(", ", names);
    }

    /** Help text lines as picocli prints them: format specifiers applied ({@code %%}, {@code %n}), nulls dropped. */
    static List<String> text(String[] lines) {
        List<String> out = new ArrayList<>();
        if (lines == null) {
            return out;
        }
        for (String line : lines) {
            if (line == null) {
                continue;
            }
            String formatted;
            try {
                formatted = String.format(Locale.ROOT, line);
            } catch (java.util.IllegalFormatException e) {
                formatted = line;
            }
            out.addAll(List.of(formatted.split("\\R", -1)));
        }
        return out;
    }

    /** Lines as Markdown: indented lines become code blocks, blank lines separate paragraphs, the rest is prose. */
    static String block(List<String> lines) {
        StringBuilder md = new StringBuilder();
        boolean inCode = false;
        boolean inProse = false;
        for (String line : lines) {
            boolean code = line.startsWith("  ") && !line.isBlank();
            if (code) {
                if (inProse) {
                    md.append("\n");
                    inProse = false;
                }
                if (!inCode) {
                    md.append("```\n");
                    inCode = true;
                }
                md.append(stripTrailing(line.substring(2))).append('\n');
                continue;
            }
            if (inCode) {
                md.append("```\n\n");
                inCode = false;
            }
            if (line.isBlank()) {
                if (inProse) {
                    md.append("\n");
                    inProse = false;
                }
                continue;
            }
            md.append(lineStart(inline(line.strip()))).append('\n');
            inProse = true;
        }
        if (inCode) {
            md.append("```\n");
        }
        if (inProse || inCode) {
            md.append('\n');
        }
        return md.toString();
    }

    /** Prose with the characters Markdown would read as markup escaped. */
    static String inline(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if ("\\`*[]<>|".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** A prose line that would start a list, heading or quote is escaped. */
    private static String lineStart(String line) {
        Matcher matcher = LIST_START.matcher(line);
        if (matcher.find()) {
            String mark = matcher.group(2);
            if (mark.matches("\\d+[.)]")) {
                return line.substring(0, matcher.end(2) - 1) + "\\" + line.substring(matcher.end(2) - 1);
            }
            return "\\" + line;
        }
        return line;
    }

    private static String stripTrailing(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\\R", -1)) {
            out.append(out.length() == 0 ? "" : "\n").append(line.stripTrailing());
        }
        return out.toString().strip().isEmpty() ? "" : out.toString().replaceAll("\\n+$", "");
    }
}
