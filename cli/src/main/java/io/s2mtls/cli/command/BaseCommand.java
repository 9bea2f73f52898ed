package io.s2mtls.cli.command;

import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.GlobalOptions;
import io.s2mtls.cli.support.Invocation;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.cli.support.Secrets;
import io.s2mtls.cli.support.Session;
import io.s2mtls.core.S2mtls;

import java.util.concurrent.Callable;

/**
 * Every command that runs: parses (picocli fills its fields), calls one use case, prints, and returns an
 * exit code. The global options (--store, --output, --store-password-file, ...) are declared once on the
 * root command and inherited by every command; what they select reaches a command through
 * {@link #printer} (text or JSON), {@link #session()} (the store) and {@link #core()} (the use cases over
 * it). Failures are thrown as {@link io.s2mtls.core.error.S2mtlsException}; the one central handler in
 * {@code io.s2mtls.cli.Cli} prints them on one line and turns them into the exit code.
 *
 * <p>Commands have a no-argument constructor; the command factory hands each one the invocation it runs
 * in ({@link #attach}) before picocli parses into it. Nothing is opened before a command asks for it.
 */
public abstract class BaseCommand implements Callable<Integer> {
    public static final int OK = 0;
    public static final int CHECK_FAILED = 1;

    /** Data to standard output (as text, or JSON with --output json), notes to standard error. */
    protected Printer printer;
    private Invocation invocation;

    protected BaseCommand() {
    }

    /** For commands still built by the injector through an {@code @Inject} constructor. */
    protected BaseCommand(Printer printer) {
        this.printer = printer;
    }

    /** Called by the command factory once, right after construction. */
    public final void attach(Invocation invocation) {
        this.invocation = invocation;
        if (printer == null) {
            printer = invocation.printer();
        }
    }

    private Invocation invocation() {
        if (invocation == null) {
            throw new IllegalStateException(getClass().getName() + " was not made by the command factory");
        }
        return invocation;
    }

    protected final Console console() {
        return invocation().console();
    }

    protected final GlobalOptions options() {
        return invocation().options();
    }

    protected final Secrets secrets() {
        return invocation().secrets();
    }

    /** The store named by --store (opened on its first read) and the plugins. */
    protected final Session session() {
        return invocation().session();
    }

    /** The use cases, over the session's store. */
    protected final S2mtls core() {
        return invocation().core();
    }

    @Override
    public final Integer call() throws Exception {
        return run();
    }

    protected abstract int run() throws Exception;
}
