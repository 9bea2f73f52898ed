package io.s2mtls.core.policy;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.port.UserDirectory.AccountState;
import io.s2mtls.core.usecase.Environment;
import io.s2mtls.core.usecase.IssuanceUseCase;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.ServerDescription;
import io.s2mtls.core.user.UserAccount;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Plan and apply a {@link Policy}: what {@code s2mtls plan} and {@code s2mtls apply} do, for embedders. The
 * store, the clock and the actor come from the {@link Environment}; the server is the {@link UserDirectory}
 * passed in.
 *
 * <p>The plan reads the store's index (no key is decrypted) and every account of the server in one bulk
 * read ({@link UserDirectory#showAll}, a fixed number of queries); a directory that refuses the bulk read
 * is asked account by account, as before.
 *
 * <pre>{@code
 * S2mtls s2mtls = S2mtls.builder(store).build();
 * try (UserDirectory directory = provider.open(target, context)) {
 *     Plan plan = s2mtls.policy().plan(policy, directory, Optional.empty());
 *     PolicyUseCase.Applied applied = s2mtls.policy().apply(policy, directory, Optional.empty(),
 *             PolicyUseCase.ApplyOptions.defaults(), p -> Optional.of(PolicyApply.Progress.NONE));
 * }
 * }</pre>
 */
public final class PolicyUseCase {
    private final Environment environment;
    private final IssuanceUseCase issuance;

    public PolicyUseCase(Environment environment, IssuanceUseCase issuance) {
        this.environment = requireNonNull(environment, "environment is null");
        this.issuance = requireNonNull(issuance, "issuance is null");
    }

    /** How apply runs: issuance threads (1 to {@value PolicyApply#MAX_PARALLELISM}) and account commands per batch. */
    public record ApplyOptions(int parallelism, int batchSize) {
        public ApplyOptions {
            PolicyApply.checkParallelism(parallelism, "parallelism");
            if (batchSize < 1) {
                throw S2mtlsException.badInput("batch size: must be at least 1");
            }
        }

        /** All cores (at most {@value PolicyApply#MAX_PARALLELISM}) and batches of 500. */
        public static ApplyOptions defaults() {
            return new ApplyOptions(Math.min(PolicyApply.MAX_PARALLELISM, Runtime.getRuntime().availableProcessors()), 500);
        }
    }

    /**
     * Decides, once the plan is known, whether apply goes on: the progress to report to, or empty to stop
     * (it may also throw, e.g. when no one confirmed). It is not asked when the plan is empty.
     */
    public interface Gate {
        Optional<PolicyApply.Progress> proceed(Plan plan);
    }

    /**
     * What apply did.
     *
     * @param plan    the plan it made
     * @param result  what it changed; empty when the plan was empty or the gate stopped it
     * @param elapsed how long the changes took (by the environment's clock), zero when none ran
     */
    public record Applied(Plan plan, Optional<PolicyApply.Result> result, Duration elapsed) {
        public Applied {
            requireNonNull(plan, "plan is null");
            requireNonNull(result, "result is null");
            requireNonNull(elapsed, "elapsed is null");
        }
    }

    /**
     * Compares the policy with the store and the server and lists every change apply would make; changes nothing.
     *
     * @param adminUserName the user name the directory logs in with, when the caller knows it: every account of
     *                      that name is left alone, as is the account the server says the directory is logged in as
     */
    public Plan plan(Policy policy, UserDirectory directory, Optional<String> adminUserName) {
        requireNonNull(policy, "policy is null");
        requireNonNull(directory, "directory is null");
        requireNonNull(adminUserName, "adminUserName is null");
        StoreIndex index = environment.store().index();
        index.requireAuthority();
        Map<UserAccount, Optional<DatabaseUser>> observed = observe(directory, Planner.accountsToInspect(policy, index));
        ServerDescription server = directory.server();
        return new Planner(directory::plannedSql, Planner.admin(directory.adminAccount(), adminUserName))
                .plan(policy, index, server.dialect() + " " + server.version(), observed, environment.clock().instant());
    }

    /** Plans, asks {@code gate}, and when it says go on, makes the store and the server match the policy. */
    public Applied apply(Policy policy, UserDirectory directory, Optional<String> adminUserName, ApplyOptions options, Gate gate) {
        requireNonNull(options, "options is null");
        requireNonNull(gate, "gate is null");
        Plan plan = plan(policy, directory, adminUserName);
        if (plan.isEmpty()) {
            return new Applied(plan, Optional.empty(), Duration.ZERO);
        }
        Optional<PolicyApply.Progress> progress = gate.proceed(plan);
        if (progress.isEmpty()) {
            return new Applied(plan, Optional.empty(), Duration.ZERO);
        }
        Instant start = environment.clock().instant();
        PolicyApply.Result result = new PolicyApply(issuance, environment.store(), environment.clock(), environment.actor())
                .apply(plan, directory, options.parallelism(), options.batchSize(), progress.get());
        return new Applied(plan, Optional.of(result), Duration.between(start, environment.clock().instant()));
    }

    /**
     * What the server shows for each of {@code accounts}: one bulk read of every account, looked up by name
     * and host (hosts compared without regard to case, as the servers match them). When the server refuses
     * the bulk read, one {@code list()} to see which accounts exist and {@code show()} for those only; when
     * it refuses the listing too, every account is shown.
     */
    static Map<UserAccount, Optional<DatabaseUser>> observe(UserDirectory directory, List<UserAccount> accounts) {
        Map<UserAccount, Optional<DatabaseUser>> observed = new LinkedHashMap<>();
        Map<String, DatabaseUser> all;
        try {
            Map<UserAccount, AccountState> states = directory.showAll();
            all = new HashMap<>(states.size() * 2);
            for (AccountState state : states.values()) {
                all.put(key(state.user().account()), state.user());
            }
        } catch (S2mtlsException e) {
            all = null;
        }
        if (all != null) {
            for (UserAccount account : accounts) {
                observed.put(account, Optional.ofNullable(all.get(key(account))));
            }
            return observed;
        }
        Optional<Set<String>> existing;
        try {
            Set<String> listed = new HashSet<>();
            for (UserAccount account : directory.list()) {
                listed.add(key(account));
            }
            existing = Optional.of(listed);
        } catch (S2mtlsException e) {
            existing = Optional.empty();
        }
        for (UserAccount account : accounts) {
            boolean exists = existing.map(set -> set.contains(key(account))).orElse(true);
            observed.put(account, exists ? directory.show(account) : Optional.empty());
        }
        return observed;
    }

    private static String key(UserAccount account) {
        return account.name() + "\0" + account.host().toLowerCase(Locale.ROOT);
    }
}
