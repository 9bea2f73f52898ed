package io.s2mtls.cli.command;

import io.s2mtls.cli.support.Printer;

import java.util.concurrent.Callable;

/**
 * Every leaf command: runs, returns an exit code. Failures are thrown as
 * {@link io.s2mtls.core.error.S2mtlsException}; the central handler prints them on one line.
 */
public abstract class BaseCommand implements Callable<Integer> {
    public static final int OK = 0;
    public static final int CHECK_FAILED = 1;

    protected final Printer printer;

    protected BaseCommand(Printer printer) {
        this.printer = printer;
    }

    @Override
    public final Integer call() throws Exception {
        return run();
    }

    protected abstract int run() throws Exception;
}
