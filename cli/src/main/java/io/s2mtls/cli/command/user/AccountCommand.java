package io.s2mtls.cli.command.user;

import com.google.inject.Provider;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.cli.command.db.UserDirectoryCommand;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.usecase.UsersUseCase;
import io.s2mtls.core.user.UserAccount;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What 'user drop' and 'user show' both take first: the account, by name and host pattern. They come
 * before the subclass's options in the help, as they did when each command declared them.
 */
abstract class AccountCommand extends UserDirectoryCommand<UsersUseCase> {
    @Parameters(paramLabel = "NAME", description = "The account's user name.")
    String name;
    @Option(names = "--host", paramLabel = "PATTERN", defaultValue = UserAccount.ANY_HOST, order = 30,
            description = "The account's host pattern (default: ${DEFAULT-VALUE}).")
    String host;

    AccountCommand(Printer printer, Console console, Databases databases, Provider<UsersUseCase> users) {
        super(printer, console, databases, users);
    }

    UserAccount account() {
        return new UserAccount(name, host);
    }
}
