package io.s2mtls.core.policy;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.policy.Plan.UserAction;
import io.s2mtls.core.policy.Plan.UserChange;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreSnapshot;
import io.s2mtls.core.usecase.IssuanceUseCase;
import io.s2mtls.core.usecase.IssuedCertificate;
import io.s2mtls.core.usecase.ManagedUsers;
import io.s2mtls.core.user.UserCommand;
import io.s2mtls.core.port.UserDirectory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Carries out a {@link Plan}, in an order that survives being killed at any point:
 * <ol>
 *   <li>all certificates are issued in parallel and stored in one atomic update (before it: nothing
 *       changed; after it: the credentials exist and the next plan no longer asks for them);</li>
 *   <li>the accounts about to be created are recorded as this policy's, so that an account created just
 *       before a kill is still known as its own;</li>
 *   <li>the account changes run in batches; every statement is idempotent in effect, and the next plan
 *       reads the server again, so a batch cut short is finished by the next apply;</li>
 *   <li>the record of managed users and the audit events are stored in one atomic update. An adopted
 *       account whose record was not written is adopted again by the next apply.</li>
 * </ol>
 */
public final class PolicyApply {
    /** Told how far apply has come; called from worker threads during issuance. */
    public interface Progress {
        void update(String phase, int done, int total);

        Progress NONE = (phase, done, total) -> { };
    }

    /** What apply did. */
    public record Result(List<IssuedCertificate> issued, List<String> executedSql, int recorded) {
        public Result {
            issued = List.copyOf(issued);
            executedSql = List.copyOf(executedSql);
        }
    }

    /** The most issuance threads apply runs. */
    public static final int MAX_PARALLELISM = 64;

    /** Refuses a thread count outside 1 to {@value #MAX_PARALLELISM}; {@code option} names it in the message. */
    public static int checkParallelism(int parallelism, String option) {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw S2mtlsException.badInput(option + ": " + parallelism + " is out of range; use 1 to " + MAX_PARALLELISM);
        }
        return parallelism;
    }

    private final IssuanceUseCase issuance;
    private final CredentialStore store;
    private final Clock clock;
    private final String actor;

    public PolicyApply(IssuanceUseCase issuance, CredentialStore store, Clock clock, String actor) {
        this.issuance = requireNonNull(issuance, "issuance is null");
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.actor = requireNonNull(actor, "actor is null");
    }

    /**
     * @param parallelism issuance threads, 1 to {@value #MAX_PARALLELISM}
     * @param batchSize   account commands per {@link UserDirectory#execute} call
     */
    public Result apply(Plan plan, UserDirectory directory, int parallelism, int batchSize, Progress progress) {
        requireNonNull(plan, "plan is null");
        checkParallelism(parallelism, "parallelism");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize < 1");
        }
        List<IssuedCertificate> issued = List.of();
        if (!plan.certificates().isEmpty()) {
            int total = plan.certificates().size();
            issued = issuance.issueAll(plan.certificates().stream().map(c -> Planner.issueCommand(plan.policy(), c)).toList(),
                    parallelism, done -> progress.update("certificates", done, total), true);
        }

        // Accounts about to be created are recorded as this policy's first: killed after a CREATE ran, the next
        // plan still knows the account as its own (and not as one made by hand, which it would leave alone).
        Instant before = clock.instant();
        Map<String, PolicyUser> byKey = new HashMap<>();
        plan.policy().users().forEach(u -> byKey.put(Policy.key(u), u));
        List<ManagedUser> creating = plan.users().stream().filter(u -> u.change() == UserChange.CREATE)
                .map(u -> byKey.get(ManagedUsers.key(u.account()))).filter(java.util.Objects::nonNull)
                .map(u -> Planner.record(u, before, plan.policy().name())).toList();
        if (!creating.isEmpty()) {
            store.update(current -> {
                StoreSnapshot next = current;
                for (ManagedUser record : creating) {
                    next = next.withManagedUser(record.key(), Optional.of(record));
                }
                return next;
            });
        }

        List<String> executed = new ArrayList<>();
        int totalCommands = plan.users().stream().mapToInt(u -> u.commands().size()).sum();
        List<UserCommand> batch = new ArrayList<>();
        int done = 0;
        for (UserAction action : plan.users()) {
            batch.addAll(action.commands());
            if (batch.size() >= batchSize) {
                executed.addAll(directory.execute(batch));
                done += batch.size();
                progress.update("accounts", done, totalCommands);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            executed.addAll(directory.execute(batch));
            done += batch.size();
            progress.update("accounts", done, totalCommands);
        }

        Instant now = clock.instant();
        List<AuditEvent> events = new ArrayList<>();
        Map<String, Optional<ManagedUser>> records = new java.util.LinkedHashMap<>();
        for (UserAction action : plan.users()) {
            String key = action.account().name() + "@" + action.account().host();
            PolicyUser user = byKey.get(key);
            if (action.change() == UserChange.DROP || action.change() == UserChange.FORGET) {
                records.put(key, Optional.empty());
            } else if (user != null) {
                records.put(key, Optional.of(Planner.record(user, now, plan.policy().name())));
            }
            String auditAction = switch (action.change()) {
                case CREATE -> "user.create";
                case ADOPT -> "user.adopt";
                case DROP -> "user.drop";
                case FORGET -> null;
                default -> "user.alter";
            };
            if (auditAction != null) {
                Optional<String> subject = user != null && user.require() == PolicyUser.Requirement.SUBJECT
                        ? Optional.of(user.subject().oneline()) : Optional.empty();
                events.add(new AuditEvent(now, actor, auditAction, Optional.empty(), subject, Optional.of(action.account().toString()),
                        Optional.of("policy apply: " + action.change().name().toLowerCase(java.util.Locale.ROOT) + ": " + action.reason())));
            }
        }
        if (!records.isEmpty()) {
            store.update(current -> {
                StoreSnapshot next = current;
                for (Map.Entry<String, Optional<ManagedUser>> record : records.entrySet()) {
                    next = next.withManagedUser(record.getKey(), record.getValue());
                }
                return next.withAudit(events);
            });
        }
        return new Result(issued, executed, records.size());
    }
}
