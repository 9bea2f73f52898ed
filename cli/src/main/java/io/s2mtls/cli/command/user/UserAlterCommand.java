package io.s2mtls.cli.command.user;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.usecase.UsersUseCase;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import picocli.CommandLine.Command;

/** {@code s2mtls user alter}. */
@Command(name = "alter", sortOptions = false, description = {
        "Replace an account's TLS requirement (ALTER USER ... REQUIRE ...): exactly one of --from-cert, "
                + "--subject, --x509 or --ssl, checked as for 'user create'. Grants are left as they are."},
        footer = {"", UserCommands.CONNECTION_FOOTER, "", "Examples:",
                "  s2mtls user alter app --from-cert creds/app-2027-cert.pem",
                "  s2mtls user alter batch --x509 --host '10.0.%%' --dry-run"})
public final class UserAlterCommand extends RequirementChange {
    @Inject
    UserAlterCommand(Printer printer, Databases databases, Console console, Provider<UsersUseCase> users) {
        super(printer, console, databases, users);
    }

    @Override
    protected int run() {
        UserAccount account = account();
        TlsRequirement tls = tls();
        UsersUseCase.Change change = useCase().alter(() -> openDirectory(adminConnection), true, account, tls,
                allowUnsafeSubject, databases.changeOptions(dryRun));
        UserViews.print(printer, change);
        return OK;
    }
}
