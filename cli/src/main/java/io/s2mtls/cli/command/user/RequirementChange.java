package io.s2mtls.cli.command.user;

import com.google.inject.Provider;
import io.s2mtls.cli.command.db.AdminConnectionOptions;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.cli.command.db.UserDirectoryCommand;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.usecase.UsersUseCase;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What 'user create' and 'user alter' both take: the account, its TLS requirement, and the connection. */
abstract class RequirementChange extends UserDirectoryCommand<UsersUseCase> {
    @Parameters(paramLabel = "NAME", description = "The account's user name.")
    String name;
    @ArgGroup(exclusive = true, multiplicity = "1", order = 1)
    RequirementOptions requirement;
    @Option(names = "--host", paramLabel = "PATTERN", defaultValue = UserAccount.ANY_HOST, order = 30,
            description = "The account's host pattern (default: ${DEFAULT-VALUE}, any host).")
    String host;
    @Option(names = "--dry-run", order = 32, description = "Print the SQL that would run, change nothing.")
    boolean dryRun;
    @Option(names = "--allow-unsafe-subject", order = 33,
            description = "Bind even a subject another certificate could also match (a backslash in a value).")
    boolean allowUnsafeSubject;
    @Mixin
    AdminConnectionOptions adminConnection;

    RequirementChange(Printer printer, Console console, Databases databases, Provider<UsersUseCase> users) {
        super(printer, console, databases, users);
    }

    UserAccount account() {
        return new UserAccount(name, host);
    }

    TlsRequirement tls() {
        return requirement.requirement(console, printer, allowUnsafeSubject);
    }
}
