package io.s2mtls.cli.command.policy;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.cli.command.db.UserDirectoryCommand;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.cli.support.Progress;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.policy.Plan;
import io.s2mtls.core.policy.Policy;
import io.s2mtls.core.policy.PolicyApply;
import io.s2mtls.core.policy.PolicyUseCase;
import io.s2mtls.core.port.UserDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Optional;

/** {@code s2mtls apply}: does what plan shows, after confirmation. */
@Command(name = "apply", header = "Make the store and the server match a policy file (what plan shows).", sortOptions = false, description = {
        "Do what 'plan' shows: issue the certificates in parallel (stored in large batches), run the account "
                + "changes in batches, then record the managed users and the audit events in the store. Asks for "
                + "confirmation on a terminal; scripts pass --yes. Killed half-way, the next apply finishes the job: "
                + "it plans again from what the store and the server hold. A second apply is a no-op. Each credential "
                + "is stored under the user's name (or 'credential:'): 's2mtls cert export NAME --out-dir DIR' writes "
                + "the files to log in with."},
        footer = {"", "Exit codes: 0 applied (or nothing to do), 2 bad policy or no confirmation, 3 the server failed.",
                "", "Examples:",
                "  s2mtls apply -f policy.yaml --yes",
                "  s2mtls cert export app_reader --out-dir creds"})
public final class ApplyCommand extends UserDirectoryCommand<PolicyUseCase> {
    @Mixin
    PolicyInput input;
    @Option(names = {"-y", "--yes"}, order = 1, description = "Apply without asking.")
    boolean yes;
    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "500", order = 2,
            description = "Account commands per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = {"--threads", "--parallelism"}, paramLabel = "N", order = 3,
            description = "Issuance threads, 1 to " + PolicyApply.MAX_PARALLELISM + " (default: all cores, at most " + PolicyApply.MAX_PARALLELISM + ").")
    Integer threads;

    @Inject
    ApplyCommand(Printer printer, Console console, Databases databases, Provider<PolicyUseCase> policies) {
        super(printer, console, databases, policies);
    }

    @Override
    protected int run() {
        if (batchSize < 1) {
            throw S2mtlsException.badInput("--batch-size: must be at least 1");
        }
        int parallelism = threads != null ? PolicyApply.checkParallelism(threads, "--threads/--parallelism")
                : Math.min(PolicyApply.MAX_PARALLELISM, Runtime.getRuntime().availableProcessors());
        Policy policy = input.policy(console);
        Progress[] progress = {null};
        try (UserDirectory directory = openDirectory(input.adminConnection)) {
            PolicyUseCase.Applied applied = useCase().apply(policy, directory, input.adminUserName(console),
                    new PolicyUseCase.ApplyOptions(parallelism, batchSize), plan -> {
                        confirm(plan);
                        progress[0] = Progress.phases(console);
                        return Optional.of(progress[0]::update);
                    });
            if (progress[0] != null) {
                progress[0].close();
                progress[0] = null;
            }
            Plan plan = applied.plan();
            if (applied.result().isEmpty()) {
                PlanView.print(printer, plan, input.file);
                return PolicyInput.OK;
            }
            PolicyApply.Result result = applied.result().get();
            long millis = applied.elapsed().toMillis();
            PlanView.Applied view = new PlanView.Applied(result.issued(), result.executed(), result.recorded(), millis);
            printer.data(new PlanView.ApplyJson(PlanView.json(plan, input.file), view), () -> printer.line("Applied: " + view.certificatesIssued()
                    + " certificate(s) issued, " + view.statementsExecuted() + " statement(s) executed, " + view.usersRecorded()
                    + " user record(s) written in " + millis + " ms."));
            return PolicyInput.OK;
        } finally {
            if (progress[0] != null) {
                progress[0].close();
            }
        }
    }

    /** Prints the plan (text output) and asks for 'yes' on a terminal unless --yes; refuses otherwise. */
    private void confirm(Plan plan) {
        if (!printer.json()) {
            PlanView.print(printer, plan, input.file);
        }
        if (!yes) {
            if (console.terminal().isEmpty()) {
                throw S2mtlsException.badInput("apply: not applied; no terminal to confirm on: pass --yes to apply without asking");
            }
            String answer = console.terminal().get().readLine("Apply these changes? Type 'yes' to go on: ");
            if (answer == null || !answer.strip().equalsIgnoreCase("yes")) {
                throw S2mtlsException.badInput("apply: not applied; the answer was not 'yes'");
            }
        }
    }
}
