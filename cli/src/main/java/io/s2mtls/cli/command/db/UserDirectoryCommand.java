package io.s2mtls.cli.command.db;

import com.google.inject.Provider;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.port.UserDirectory;

/**
 * A command that reaches the server's accounts over the administrative connection (the user commands,
 * plan, apply, report, cert revoke): the console, the database access that opens the connection, and the
 * one use case the command calls.
 *
 * <p>The connection's options are not declared here: picocli takes a superclass's options before the
 * subclass's, and the help and the reference list a command's options in that order. So each command
 * declares {@link AdminConnectionOptions} as a mixin where those options have always been listed (after
 * its own, or after the policy file for plan and apply) and hands it to {@link #openDirectory}.
 *
 * @param <U> the use case the command calls
 */
public abstract class UserDirectoryCommand<U> extends DatabaseCommand {
    protected final Console console;
    protected final Databases databases;
    private final Provider<U> useCase;

    protected UserDirectoryCommand(Printer printer, Console console, Databases databases, Provider<U> useCase) {
        super(printer);
        this.console = console;
        this.databases = databases;
        this.useCase = useCase;
    }

    /** The command's use case, made when first asked for. */
    protected final U useCase() {
        return useCase.get();
    }

    /** Opens the administrative connection {@code options} describe; the caller closes it. */
    protected final UserDirectory openDirectory(AdminConnectionOptions options) {
        return databases.openDirectory(options.connection, options.admin);
    }
}
