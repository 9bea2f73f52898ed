package io.s2mtls.cli.command.db;

import io.s2mtls.cli.support.Printer;

import java.util.concurrent.Callable;

/**
 * A leaf command of the workflows the core owns (users, plan and apply, revocation, the CRL, the audit
 * trail, the report, connect); those that open the administrative connection extend {@link UserDirectoryCommand}.
 * Like the other commands it returns an exit code and throws {@link io.s2mtls.core.error.S2mtlsException}
 * for the central handler; it lives apart from {@code io.s2mtls.cli.command} so that package, which
 * registers the commands, and the packages of the leaf commands do not depend on each other.
 */
public abstract class DatabaseCommand implements Callable<Integer> {
    public static final int OK = 0;
    public static final int CHECK_FAILED = 1;

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
