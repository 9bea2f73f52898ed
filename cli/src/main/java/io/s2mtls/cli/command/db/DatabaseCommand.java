package io.s2mtls.cli.command.db;

import io.s2mtls.cli.support.Printer;

import java.util.concurrent.Callable;

/**
 * A command that talks to a database server (or prints its configuration). Like the other commands it
 * returns an exit code and throws {@link io.s2mtls.core.error.S2mtlsException} for the central handler;
 * it lives apart from {@code io.s2mtls.cli.command} so the two packages do not depend on each other.
 */
abstract class DatabaseCommand implements Callable<Integer> {
    static final int OK = 0;
    static final int CHECK_FAILED = 1;

    protected final Printer printer;

    protected DatabaseCommand(Printer printer) {
        this.printer = printer;
    }

    @Override
    public final Integer call() {
        return run();
    }

    protected abstract int run();
}
