package io.s2mtls.cli.command.user;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.command.db.AdminConnectionOptions;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.usecase.UsersUseCase;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.UserAccount;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code s2mtls user show}. */
@Command(name = "show", sortOptions = false, description = {
        "Show what the server holds for an account: its TLS requirement as read back (MariaDB/MySQL: from "
                + "SHOW CREATE USER, checked against mysql.global_priv on MariaDB; SingleStore exposes none), its "
                + "grants, and warnings. Exit 1 when there is no such account."},
        footer = {"", UserCommands.CONNECTION_FOOTER, "", "Examples:", "  s2mtls user show app", "  s2mtls user show app --host '10.0.%%' --output json"})
public final class UserShowCommand extends AccountCommand {
    @Mixin
    AdminConnectionOptions adminConnection;

    @Inject
    UserShowCommand(Printer printer, Console console, Databases databases, Provider<UsersUseCase> users) {
        super(printer, console, databases, users);
    }

    @Override
    protected int run() {
        UserAccount account = account();
        UsersUseCase.Shown shown;
        try (UserDirectory directory = openDirectory(adminConnection)) {
            shown = useCase().show(directory, account);
        }
        if (shown.user().isEmpty()) {
            printer.note("No account " + account + " on " + shown.server().dialect() + " " + shown.server().version() + ".");
            return CHECK_FAILED;
        }
        DatabaseUser user = shown.user().get();
        UserViews.UserView view = UserViews.UserView.of(user);
        printer.data(view, () -> {
            printer.line("account:     " + user.account());
            printer.line("requirement: " + UserViews.describe(user.requirement()));
            user.definition().ifPresent(d -> printer.line("definition:  " + d));
            if (user.grants().isEmpty()) {
                printer.line("grants:      (none)");
            }
            for (int i = 0; i < user.grants().size(); i++) {
                printer.line((i == 0 ? "grants:      " : "             ") + user.grants().get(i));
            }
            user.warnings().forEach(w -> printer.note("warning: " + w));
        });
        return OK;
    }
}
