package io.s2mtls.cli.command.user;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.command.db.AdminConnectionOptions;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.cli.command.db.UserDirectoryCommand;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.usecase.UsersUseCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;

/** {@code s2mtls user list}. */
@Command(name = "list", sortOptions = false, description = {
        "List the server's accounts with the TLS requirement each holds, as read back from the server "
                + "(SingleStore exposes no requirement: shown as '-')."},
        footer = {"", UserCommands.CONNECTION_FOOTER, "", "Examples:", "  s2mtls user list", "  s2mtls user list --output json"})
public final class UserListCommand extends UserDirectoryCommand<UsersUseCase> {
    @Mixin
    AdminConnectionOptions adminConnection;

    @Inject
    UserListCommand(Printer printer, Console console, Databases databases, Provider<UsersUseCase> users) {
        super(printer, console, databases, users);
    }

    @Override
    protected int run() {
        List<UsersUseCase.Listed> listed;
        try (UserDirectory directory = openDirectory(adminConnection)) {
            listed = useCase().list(directory);
        }
        for (UsersUseCase.Listed account : listed) {
            if (account.hidden()) {
                // e.g. MariaDB refuses SHOW CREATE USER on some system accounts even to a full admin
                printer.note("warning: the server does not show " + account.account() + " to this admin; its requirement is listed as unknown");
            }
        }
        List<UserViews.AccountView> views = listed.stream().map(l -> UserViews.AccountView.of(l.account(), l.user())).toList();
        printer.data(views, () -> {
            printer.line(String.format("%-24s %-20s %s", "USER", "HOST", "REQUIRE"));
            for (UserViews.AccountView view : views) {
                printer.line(String.format("%-24s %-20s %s", view.user(), view.host(),
                        view.requirement() == null ? "-" : view.requirement().text()));
            }
        });
        return OK;
    }
}
