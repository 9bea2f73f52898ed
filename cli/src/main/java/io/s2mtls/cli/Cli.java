package io.s2mtls.cli;

import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.GlobalOptions;
import io.s2mtls.cli.support.Invocation;
import io.s2mtls.cli.wiring.CommandFactory;
import io.s2mtls.cli.wiring.RootCommand;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The composition root: one invocation (console, options, and what is opened on first use), one picocli
 * command line over the command tree rooted at {@link RootCommand}, whose commands the
 * {@link CommandFactory} makes as picocli reaches them, and the one place where failures become a line
 * on standard error and an exit code.
 */
public final class Cli {
    private Cli() {
    }

    public static int run(Console console, String... args) {
        GlobalOptions options = new GlobalOptions();
        Invocation invocation = new Invocation(console, options);
        CommandLine commandLine = commandLine(console, options, invocation);
        try {
            return commandLine.execute(args);
        } finally {
            try {
                invocation.close();
            } catch (RuntimeException e) {
                report(console, options, e);
            }
            console.out().flush();
            console.err().flush();
        }
    }

    /**
     * The command tree exactly as {@link #run} parses it, for tools that render it (the generated reference
     * under docs/reference). Nothing is executed and no store is opened.
     */
    public static CommandLine commandLine(Console console) {
        GlobalOptions options = new GlobalOptions();
        return commandLine(console, options, new Invocation(console, options));
    }

    private static CommandLine commandLine(Console console, GlobalOptions options, Invocation invocation) {
        CommandLine commandLine = new CommandLine(RootCommand.class, new CommandFactory(invocation));
        commandLine.setOut(console.out());
        commandLine.setErr(console.err());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> report(console, options, e));
        commandLine.setParameterExceptionHandler((e, args2) -> {
            console.err().println("s2mtls: " + e.getMessage() + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            console.err().flush();
            return ErrorKind.BAD_INPUT.exitCode();
        });
        return commandLine;
    }

    static int report(Console console, GlobalOptions options, Throwable e) {
        Throwable failure = e;
        while (failure instanceof com.google.inject.ProvisionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        int exit;
        if (failure instanceof S2mtlsException known) {
            console.err().println("s2mtls: " + known.getMessage());
            exit = known.kind().exitCode();
        } else {
            console.err().println("s2mtls: internal error: " + failure + (options.verbose() ? "" : " (run with --verbose for details)"));
            exit = ErrorKind.INTERNAL.exitCode();
        }
        if (options.verbose()) {
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            console.err().print(trace);
        }
        console.err().flush();
        return exit;
    }
}
