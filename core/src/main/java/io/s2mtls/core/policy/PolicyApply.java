package io.s2mtls.core.policy;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.policy.Plan.CertificateAction;
import io.s2mtls.core.policy.Plan.UserAction;
import io.s2mtls.core.policy.Plan.UserChange;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.usecase.IssuanceUseCase;
import io.s2mtls.core.usecase.IssueCommand;
import io.s2mtls.core.usecase.ManagedUsers;
import io.s2mtls.core.user.UserCommand;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Carries out a {@link Plan}, in an order that survives being killed at any point:
 * <ol>
 *   <li>the certificates are issued through the issuance use case's bulk path, in chunks of at most
 *       {@link #ISSUE_CHUNK}: each chunk is signed in parallel and stored in one atomic batch (killed between
 *       chunks, the stored ones exist and the next plan no longer asks for them); in phase switched of a CA
 *       rotation, the credentials still on the old CA are then reissued under the new one the same way, as
 *       renewals that keep each subject's DER;</li>
 *   <li>the accounts about to be created are recorded as this policy's, so that an account created just
 *       before a kill is still known as its own;</li>
 *   <li>the account changes run in batches; every statement is idempotent in effect, and the next plan
 *       reads the server again, so a batch cut short is finished by the next apply;</li>
 *   <li>the records of managed users and their audit events are stored. An adopted account whose record was
 *       not written is adopted again by the next apply.</li>
 * </ol>
 * Records are written in batches of compare-and-set writes ({@link CredentialStore#commit}), each at least as
 * large as all the records written before it (and at least {@link #MIN_RECORD_CHUNK}), so that the stores' copy
 * per batch adds up to a linear cost however many accounts there are. Nothing is kept per account beyond the
 * plan itself: certificates, statements and events are counted, not collected.
 */
public final class PolicyApply {
    /** Told how far apply has come; called from worker threads during issuance. */
    public interface Progress {
        void update(String phase, int done, int total);

        Progress NONE = (phase, done, total) -> { };
    }

    /** What apply did: how many certificates it issued, statements it ran, and user records it wrote or forgot. */
    public record Result(int issued, int executed, int recorded) {
    }

    /** The most issuance threads apply runs. */
    public static final int MAX_PARALLELISM = 64;
    /** The most certificates issued (and held in memory with their keys) before they are stored. */
    public static final int ISSUE_CHUNK = 4_096;
    /** The fewest records a store batch carries when there are that many to write. */
    public static final int MIN_RECORD_CHUNK = 1_024;

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
        int issued = issue(plan, parallelism, progress);

        // Accounts about to be created are recorded as this policy's first: killed after a CREATE ran, the next
        // plan still knows the account as its own (and not as one made by hand, which it would leave alone).
        Map<String, PolicyUser> byKey = new HashMap<>();
        plan.policy().users().forEach(u -> byKey.put(Policy.key(u), u));
        Records records = new Records(store.index());
        Instant before = clock.instant();
        for (UserAction action : plan.users()) {
            if (action.change() == UserChange.CREATE) {
                PolicyUser user = byKey.get(ManagedUsers.key(action.account()));
                if (user != null) {
                    records.put(Policy.key(user), Optional.of(Planner.record(user, before, plan.policy().name())));
                    records.flushIfLarge();
                }
            }
        }
        records.flush();

        int executed = 0;
        int totalCommands = 0;
        for (UserAction action : plan.users()) {
            totalCommands += action.commands().size();
        }
        List<UserCommand> batch = new ArrayList<>();
        int done = 0;
        for (UserAction action : plan.users()) {
            batch.addAll(action.commands());
            if (batch.size() >= batchSize) {
                executed += directory.execute(batch).size();
                done += batch.size();
                progress.update("accounts", done, totalCommands);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            executed += directory.execute(batch).size();
            done += batch.size();
            progress.update("accounts", done, totalCommands);
        }

        Instant now = clock.instant();
        int recorded = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (UserAction action : plan.users()) {
            String key = ManagedUsers.key(action.account());
            PolicyUser user = byKey.get(key);
            if (seen.add(key)) {
                if (action.change() == UserChange.DROP || action.change() == UserChange.FORGET) {
                    records.put(key, Optional.empty());
                    recorded++;
                } else if (user != null) {
                    records.put(key, Optional.of(Planner.record(user, now, plan.policy().name())));
                    recorded++;
                }
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
                records.audit(new AuditEvent(now, actor, auditAction, Optional.empty(), subject, Optional.of(action.account().toString()),
                        Optional.of("policy apply: " + action.change().name().toLowerCase(Locale.ROOT) + ": " + action.reason())));
            }
            records.flushIfLarge();
        }
        records.flush();
        return new Result(issued, executed, recorded);
    }

    /**
     * Issues the plan's certificates through the bulk path, {@value #ISSUE_CHUNK} at a time, then (in phase switched
     * of a CA rotation) reissues the credentials still on the old CA under the new one, as a renewal does (the
     * subject's DER kept, the policy's key type and validity), {@value #ISSUE_CHUNK} at a time; returns how many.
     */
    private int issue(Plan plan, int parallelism, Progress progress) {
        List<CertificateAction> certificates = plan.certificates();
        List<Plan.RotationReissue> reissues = plan.reissuesNow();
        int total = certificates.size() + reissues.size();
        int issued = 0;
        for (int from = 0; from < certificates.size(); from += ISSUE_CHUNK) {
            List<IssueCommand> chunk = new ArrayList<>();
            for (CertificateAction action : certificates.subList(from, Math.min(certificates.size(), from + ISSUE_CHUNK))) {
                chunk.add(Planner.issueCommand(plan.policy(), action));
            }
            int base = issued;
            issued += issuance.issueAll(chunk, parallelism, done -> progress.update("certificates", base + done, total), true).size();
        }
        for (int from = 0; from < reissues.size(); from += ISSUE_CHUNK) {
            List<String> names = reissues.subList(from, Math.min(reissues.size(), from + ISSUE_CHUNK)).stream()
                    .map(Plan.RotationReissue::credential).toList();
            int base = issued;
            issued += issuance.reissueOnOldCa(names, Optional.of(plan.policy().defaults().key()), Optional.of(plan.policy().defaults().days()),
                    parallelism, done -> progress.update("certificates", base + done, total)).size();
        }
        return issued;
    }

    /**
     * Managed-user writes and audit events gathered into store batches: each write expects what the index read
     * at the start held, or what an earlier write of this apply put there; a batch is committed once it holds at
     * least as many writes as were committed before it (and {@link #MIN_RECORD_CHUNK}).
     */
    private final class Records {
        private final StoreIndex index;
        private final Map<String, Optional<ManagedUser>> written = new HashMap<>();
        private final List<StoreWrite> writes = new ArrayList<>();
        private final List<AuditEvent> events = new ArrayList<>();
        private long committed;

        Records(StoreIndex index) {
            this.index = index;
        }

        void put(String key, Optional<ManagedUser> user) {
            Optional<ManagedUser> expected = written.containsKey(key) ? written.get(key) : Optional.ofNullable(index.managedUsers().get(key));
            if (expected.equals(user)) {
                return;
            }
            writes.add(new StoreWrite.PutManagedUser(key, user, expected));
            written.put(key, user);
        }

        void audit(AuditEvent event) {
            events.add(event);
        }

        /** Commits what is gathered once it is at least as large as everything committed before (geometric growth). */
        void flushIfLarge() {
            if (writes.size() + events.size() >= Math.max(MIN_RECORD_CHUNK, committed)) {
                flush();
            }
        }

        void flush() {
            if (writes.isEmpty() && events.isEmpty()) {
                return;
            }
            store.commit(new StoreBatch(writes, events));
            committed += writes.size() + events.size();
            writes.clear();
            events.clear();
        }
    }
}
