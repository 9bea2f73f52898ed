package io.s2mtls.cli.command.policy;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.cli.command.db.UserDirectoryCommand;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.policy.Plan;
import io.s2mtls.core.policy.Policy;
import io.s2mtls.core.policy.PolicyUseCase;
import io.s2mtls.core.port.UserDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code s2mtls plan}: what apply would change, with its SQL; changes nothing. */
@Command(name = "plan", header = "Compare a policy file with the store and the server; print every change and its SQL.", sortOptions = false, description = {
        "Compare a policy file with the store and the server and print every difference: certificates to issue "
                + "(missing, expiring within renew-within, revoked, or with another subject) and account changes "
                + "(missing, created by this policy but no longer in it, wrong requirement, wrong grants) with the exact SQL. "
                + "A policy changes only the accounts it created (recorded with its 'name:') or adopts ('adopt: true' on "
                + "the user); another account it names that exists is shown as 'exists, not managed' and left alone, and "
                + "the account s2mtls logs in with is never altered or dropped. Drops and revokes are listed apart, under "
                + "'Destructive changes'. "
                + "Where the server exposes a user's requirement (MariaDB, MySQL) it is compared with the certificate's "
                + "subject byte for byte (source: server); where it does not (SingleStore), with what s2mtls recorded "
                + "(source: recorded). Changes nothing."},
        footer = {"", "Exit codes: 0 nothing would change, 1 something would (like terraform plan -detailed-exitcode), "
                + "2 bad policy or usage, 3 the server failed.", "", "Examples:",
                "  s2mtls plan -f policy.yaml --jdbc-url jdbc:singlestore://db.example.com:3306/ --admin-user admin --ca server-ca.pem",
                "  s2mtls plan -f policy.yaml --output json"})
public final class PlanCommand extends UserDirectoryCommand<PolicyUseCase> {
    @Mixin
    PolicyInput input;

    @Inject
    PlanCommand(Printer printer, Console console, Databases databases, Provider<PolicyUseCase> policies) {
        super(printer, console, databases, policies);
    }

    @Override
    protected int run() {
        Policy policy = input.policy(console);
        try (UserDirectory directory = openDirectory(input.adminConnection)) {
            Plan plan = useCase().plan(policy, directory, input.adminUserName(console));
            PlanView.print(printer, plan, input.file);
            return plan.isEmpty() ? PolicyInput.OK : PolicyInput.CHANGES;
        }
    }
}
