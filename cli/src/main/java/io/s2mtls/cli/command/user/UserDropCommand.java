package io.s2mtls.cli.command.user;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.command.db.AdminConnectionOptions;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.usecase.UsersUseCase;
import io.s2mtls.core.user.UserAccount;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code s2mtls user drop}. */
@Command(name = "drop", sortOptions = false, description = {
        "Drop an account. On SingleStore its open sessions stay open until killed (KILL CONNECTION)."},
        footer = {"", UserCommands.CONNECTION_FOOTER, "", "Examples:", "  s2mtls user drop app", "  s2mtls user drop app --if-exists --dry-run"})
public final class UserDropCommand extends AccountCommand {
    @Option(names = "--if-exists", order = 31, description = "No error when there is no such account.")
    boolean ifExists;
    @Option(names = "--dry-run", order = 32, description = "Print the SQL that would run, change nothing.")
    boolean dryRun;
    @Mixin
    AdminConnectionOptions adminConnection;

    @Inject
    UserDropCommand(Printer printer, Console console, Databases databases, Provider<UsersUseCase> users) {
        super(printer, console, databases, users);
    }

    @Override
    protected int run() {
        UserAccount account = account();
        UsersUseCase.Change change = useCase().drop(() -> openDirectory(adminConnection), true, account, ifExists,
                databases.changeOptions(dryRun));
        UserViews.print(printer, change);
        return OK;
    }
}
