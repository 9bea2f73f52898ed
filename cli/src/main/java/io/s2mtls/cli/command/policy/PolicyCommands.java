package io.s2mtls.cli.command.policy;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.command.db.AdminOptions;
import io.s2mtls.cli.command.db.ConnectionOptions;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.cli.support.Progress;
import io.s2mtls.cli.support.Session;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.policy.Plan;
import io.s2mtls.core.policy.Planner;
import io.s2mtls.core.policy.Policy;
import io.s2mtls.core.policy.PolicyApply;
import io.s2mtls.core.port.StoreSnapshot;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.ServerDescription;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.port.UserDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code s2mtls plan} and {@code s2mtls apply}: certificate-bound users described in a file. */
public final class PolicyCommands {
    static final int OK = 0;
    static final int CHANGES = 1;

    private PolicyCommands() {
    }

    /** What plan and apply share: the policy file, the connection, and reading the current state. */
    abstract static class PolicyCommand implements Callable<Integer> {
        @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", order = 0, description = "The policy file (YAML).")
        String file;
        @Mixin
        ConnectionOptions connection;
        @Mixin
        AdminOptions admin;
        @Spec
        CommandSpec spec;

        protected final Printer printer;
        protected final Console console;
        protected final Databases databases;
        protected final Provider<Session> session;

        PolicyCommand(Printer printer, Console console, Databases databases, Provider<Session> session) {
            this.printer = printer;
            this.console = console;
            this.databases = databases;
            this.session = session;
        }

        Policy policy() {
            Path path = console.path(file);
            return PolicyFile.parse(new String(Files2.read(path, "-f", Files2.MAX_LIST_BYTES), java.nio.charset.StandardCharsets.UTF_8), file);
        }

        /** Reads the store and the server, then plans. */
        Plan plan(Policy policy, UserDirectory directory) {
            StoreSnapshot store = session.get().store().read();
            store.requireAuthority();
            Map<UserAccount, Optional<DatabaseUser>> observed = observe(directory, Planner.accountsToInspect(policy, store));
            ServerDescription server = directory.server();
            return new Planner(directory::plannedSql, Planner.admin(directory.adminAccount(), adminUserName()))
                    .plan(policy, store, server.dialect() + " " + server.version(), observed, Instant.now());
        }

        /** The admin user name the connection logs in with (as the database options choose it). */
        Optional<String> adminUserName() {
            picocli.CommandLine.Model.OptionSpec option = spec.findOption("--admin-user");
            return Optional.ofNullable(option == null ? null : (String) option.getValue()).or(() -> console.env(Databases.ADMIN_USER_ENV)).or(() -> Optional.of("root"));
        }

        @Override
        public final Integer call() {
            return run();
        }

        abstract int run();
    }

    /**
     * One {@code list()} to see which accounts exist, then {@code show()} for those only. When the
     * server refuses the listing (no access to its user table, or a dialect forced onto another server),
     * every account is shown instead.
     */
    static Map<UserAccount, Optional<DatabaseUser>> observe(UserDirectory directory, List<UserAccount> accounts) {
        Optional<Set<String>> existing;
        try {
            Set<String> listed = new HashSet<>();
            for (UserAccount account : directory.list()) {
                listed.add(account.name() + "\0" + account.host().toLowerCase(Locale.ROOT));
            }
            existing = Optional.of(listed);
        } catch (S2mtlsException e) {
            existing = Optional.empty();
        }
        Map<UserAccount, Optional<DatabaseUser>> observed = new LinkedHashMap<>();
        for (UserAccount account : accounts) {
            boolean exists = existing.map(set -> set.contains(account.name() + "\0" + account.host().toLowerCase(Locale.ROOT))).orElse(true);
            observed.put(account, exists ? directory.show(account) : Optional.empty());
        }
        return observed;
    }

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
    public static final class PlanCommand extends PolicyCommand {
        @Inject
        PlanCommand(Printer printer, Console console, Databases databases, Provider<Session> session) {
            super(printer, console, databases, session);
        }

        @Override
        int run() {
            Policy policy = policy();
            try (UserDirectory directory = databases.openDirectory(connection, admin)) {
                Plan plan = plan(policy, directory);
                PlanView.print(printer, plan, file);
                return plan.isEmpty() ? OK : CHANGES;
            }
        }
    }

    @Command(name = "apply", header = "Make the store and the server match a policy file (what plan shows).", sortOptions = false, description = {
            "Do what 'plan' shows: issue the certificates in parallel (one atomic store update), run the account "
                    + "changes in batches, then record the managed users and the audit events in the store. Asks for "
                    + "confirmation on a terminal; scripts pass --yes. Killed half-way, the next apply finishes the job: "
                    + "it plans again from what the store and the server hold. A second apply is a no-op. Each credential "
                    + "is stored under the user's name (or 'credential:'): 's2mtls cert export NAME --out-dir DIR' writes "
                    + "the files to log in with."},
            footer = {"", "Exit codes: 0 applied (or nothing to do), 2 bad policy or no confirmation, 3 the server failed.",
                    "", "Examples:",
                    "  s2mtls apply -f policy.yaml --yes",
                    "  s2mtls cert export app_reader --out-dir creds"})
    public static final class ApplyCommand extends PolicyCommand {
        @Option(names = {"-y", "--yes"}, order = 1, description = "Apply without asking.")
        boolean yes;
        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "500", order = 2,
                description = "Account commands per batch (default: ${DEFAULT-VALUE}).")
        int batchSize;
        @Option(names = {"--threads", "--parallelism"}, paramLabel = "N", order = 3,
                description = "Issuance threads, 1 to " + PolicyApply.MAX_PARALLELISM + " (default: all cores, at most " + PolicyApply.MAX_PARALLELISM + ").")
        Integer threads;

        private final Provider<PolicyApply> apply;

        @Inject
        ApplyCommand(Printer printer, Console console, Databases databases, Provider<Session> session, Provider<PolicyApply> apply) {
            super(printer, console, databases, session);
            this.apply = apply;
        }

        @Override
        int run() {
            if (batchSize < 1) {
                throw S2mtlsException.badInput("--batch-size: must be at least 1");
            }
            int parallelism = threads != null ? PolicyApply.checkParallelism(threads, "--threads/--parallelism")
                    : Math.min(PolicyApply.MAX_PARALLELISM, Runtime.getRuntime().availableProcessors());
            Policy policy = policy();
            try (UserDirectory directory = databases.openDirectory(connection, admin)) {
                Plan plan = plan(policy, directory);
                if (plan.isEmpty()) {
                    PlanView.print(printer, plan, file);
                    return OK;
                }
                if (!printer.json()) {
                    PlanView.print(printer, plan, file);
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
                long start = System.nanoTime();
                PolicyApply.Result result;
                try (Progress progress = Progress.phases(console)) {
                    result = apply.get().apply(plan, directory, parallelism, batchSize, progress::update);
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                PlanView.Applied view = new PlanView.Applied(result.issued().size(), result.executedSql().size(), result.recorded(), millis);
                printer.data(new PlanView.ApplyJson(PlanView.json(plan, file), view), () -> printer.line("Applied: " + view.certificatesIssued() + " certificate(s) issued, "
                        + view.statementsExecuted() + " statement(s) executed, " + view.usersRecorded() + " user record(s) written in "
                        + millis + " ms."));
                return OK;
            }
        }
    }
}
