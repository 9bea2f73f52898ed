package io.s2mtls.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import io.s2mtls.cli.command.RootCommand;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.GlobalOptions;
import io.s2mtls.cli.support.Session;
import io.s2mtls.cli.wiring.CommandModule;
import io.s2mtls.cli.wiring.ConsoleModule;
import io.s2mtls.cli.wiring.CoreModule;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The composition root: one injector from small modules, one picocli command line whose commands come
 * from the injector, and the one place where failures become a line on standard error and an exit code.
 */
public final class Cli {
    private Cli() {
    }

    public static int run(Console console, String... args) {
        GlobalOptions options = new GlobalOptions();
        Injector injector = Guice.createInjector(new ConsoleModule(console, options), new CoreModule(), new CommandModule());
        CommandLine commandLine = commandLine(console, options, injector);
        try {
            return commandLine.execute(args);
        } finally {
            try {
                injector.getInstance(Session.class).close();
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
        return commandLine(console, options, Guice.createInjector(new ConsoleModule(console, options), new CoreModule(), new CommandModule()));
    }

    private static CommandLine commandLine(Console console, GlobalOptions options, Injector injector) {
        CommandLine commandLine = new CommandLine(RootCommand.class, new GuiceFactory(injector));
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

    /** Commands the injector knows come from the injector; picocli's own classes from picocli. */
    private static final class GuiceFactory implements CommandLine.IFactory {
        private final Injector injector;

        GuiceFactory(Injector injector) {
            this.injector = injector;
        }

        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (injector.getExistingBinding(Key.get(type)) != null) {
                return injector.getInstance(type);
            }
            return CommandLine.defaultFactory().create(type);
        }
    }
}
