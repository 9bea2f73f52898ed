package io.s2mtls.cli.command.agent;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoredCredential;
import io.s2mtls.core.usecase.AgentPlan;
import io.s2mtls.core.usecase.InventoryUseCase;
import io.s2mtls.core.usecase.LifecycleUseCase;
import io.s2mtls.core.usecase.OverviewUseCase;
import io.s2mtls.core.usecase.RenewRequest;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * The renewal agent's loop, kept out of the command so that the command calls it once. Each cycle takes the lock of
 * every configured credential it can, reads the store's index (no key is decrypted to decide), renews the credentials
 * that are due in one renewal of their names (recording an {@code agent.renew} audit event for each), writes the files
 * of those renewed and of those whose directory does not hold the current certificate ({@link CredentialDirectory}),
 * then runs the commands of renewals whose command has not run successfully yet.
 *
 * <p>Between cycles it sleeps until the earliest renewal time, failed credential's retry or pending command's retry,
 * but never longer than {@link #MAX_SLEEP}, so a credential renewed elsewhere or a clock that jumps is noticed soon.
 * Failures (the store unreachable, a renewal refused, a directory not writable) are retried with exponential backoff
 * from {@link #FIRST_BACKOFF} up to {@link #MAX_BACKOFF}; the files in use are never removed. A command that fails is
 * retried the same way, without renewing the credential again.
 */
public final class RenewalAgent {
    static final Duration MAX_SLEEP = Duration.ofMinutes(1);
    static final Duration MIN_SLEEP = Duration.ofSeconds(1);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    /** How the loop waits between cycles; {@link #wake()} ends a wait early (stopping). */
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;

        void wake();
    }

    /** Waits on a monitor: {@link #wake()} from a signal handler ends the wait at once. */
    public static final class MonitorSleeper implements Sleeper {
        private boolean woken;

        @Override
        public synchronized void sleep(Duration duration) throws InterruptedException {
            long end = System.nanoTime() + duration.toNanos();
            for (long left = duration.toNanos(); left > 0 && !woken; left = end - System.nanoTime()) {
                wait(Math.max(1, left / 1_000_000));
            }
        }

        @Override
        public synchronized void wake() {
            woken = true;
            notifyAll();
        }
    }

    /** What one cycle did, and when the next one is due. */
    public record Cycle(int renewed, int written, int failed, boolean externalFailure, Instant next) {
    }

    /** The agent's memory of one credential between cycles: its failures and its command's. */
    private static final class State {
        int failures;
        Instant retryAt;
        int hookFailures;
        Instant hookRetryAt;
        boolean lockedOut;
    }

    private final AgentConfig config;
    private final S2mtls core;
    private final CredentialStore store;
    private final Clock clock;
    private final Function<AgentConfig.Credential, Optional<char[]>> p12Passwords;
    private final AgentLog log;
    private final HookRunner hooks;
    private final Sleeper sleeper;
    private final Map<String, State> states = new HashMap<>();
    /** Credentials of this cycle whose renewal failed because another agent renewed them first: their files are written. */
    private final List<String> renewedElsewhere = new ArrayList<>();
    private volatile boolean stopping;

    /**
     * @param core         the use cases over {@code store}, built with {@code clock}
     * @param store        the same store, read for its index (which credentials are due, which another agent renewed)
     * @param p12Passwords the password of a credential's NAME.p12 (empty: a random one in NAME.p12.pass)
     */
    RenewalAgent(AgentConfig config, S2mtls core, CredentialStore store, Clock clock,
                 Function<AgentConfig.Credential, Optional<char[]>> p12Passwords, AgentLog log, HookRunner hooks, Sleeper sleeper) {
        this.config = requireNonNull(config, "config is null");
        this.core = requireNonNull(core, "core is null");
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.p12Passwords = requireNonNull(p12Passwords, "p12Passwords is null");
        this.log = requireNonNull(log, "log is null");
        this.hooks = requireNonNull(hooks, "hooks is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
    }

    /**
     * An agent over {@code core} (built with {@code clock} over {@code store}) that logs to {@code log}, waits with
     * {@code sleeper}, and protects each NAME.p12 with {@code p12Password} (empty: a random password per file).
     */
    public static RenewalAgent create(AgentConfig config, S2mtls core, CredentialStore store, Clock clock,
                                      Optional<char[]> p12Password, java.io.PrintWriter log, Sleeper sleeper) {
        return new RenewalAgent(config, core, store, clock, credential -> p12Password.map(char[]::clone), new AgentLog(log),
                new HookRunner(), sleeper);
    }

    /** Asks the loop to stop: the current cycle finishes the write it is doing, then {@link #run()} returns. */
    public void stop() {
        stopping = true;
        sleeper.wake();
    }

    /** One cycle, for {@code --once}: 0 when every credential is fine, 3 when something external failed, else 1. */
    public int once() {
        Cycle cycle = cycle();
        return cycle.failed() == 0 ? 0 : cycle.externalFailure() ? ErrorKind.EXTERNAL.exitCode() : 1;
    }

    /** Cycles until {@link #stop()}; returns 0. */
    public int run() {
        log.event("started: " + config.credentials().size() + " credential(s) from " + config.file() + ", store " + store.describe());
        int unexpected = 0;
        while (!stopping) {
            Instant wake;
            try {
                wake = cycle().next();
                unexpected = 0;
            } catch (RuntimeException e) {
                // a fault of the agent itself: logged, and the loop goes on after a backoff rather than leave the files unattended
                Duration wait = backoff(++unexpected);
                log.event("error: " + message(e) + "; the next cycle in " + seconds(wait));
                wake = clock.instant().plus(wait);
            }
            if (stopping) {
                break;
            }
            Duration sleep = Duration.between(clock.instant(), wake);
            sleep = sleep.compareTo(MIN_SLEEP) < 0 ? MIN_SLEEP : sleep.compareTo(MAX_SLEEP) > 0 ? MAX_SLEEP : sleep;
            try {
                sleeper.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        log.event("stopped");
        return 0;
    }

    private State state(String name) {
        return states.computeIfAbsent(name, n -> new State());
    }

    /** A credential whose lock this cycle holds. */
    private record Held(AgentConfig.Credential config, CredentialDirectory directory, CredentialDirectory.Lock lock) {
    }

    /** One cycle: lock, decide, renew, write, run commands, unlock. */
    public Cycle cycle() {
        Instant now = clock.instant();
        Instant next = now.plus(MAX_SLEEP);
        List<Held> held = new ArrayList<>();
        Tally tally = new Tally();
        try {
            for (AgentConfig.Credential credential : config.credentials()) {
                State state = state(credential.name());
                if (state.retryAt != null && now.isBefore(state.retryAt)) {
                    next = earlier(next, state.retryAt);
                    tally.failed++;
                    continue;
                }
                CredentialDirectory directory = new CredentialDirectory(credential);
                Optional<CredentialDirectory.Lock> lock;
                try {
                    lock = directory.tryLock();
                } catch (RuntimeException e) {
                    next = earlier(next, fail(credential, "cannot lock", e, tally));
                    continue;
                }
                if (lock.isEmpty()) {
                    if (!state.lockedOut) {
                        log.event("skipped " + credential.name() + ": another agent holds " + directory.stateDirectory().resolve("agent.lock")
                                + "; it keeps this credential fresh");
                    }
                    state.lockedOut = true;
                    continue;
                }
                state.lockedOut = false;
                held.add(new Held(credential, directory, lock.get()));
            }
            if (!held.isEmpty()) {
                next = earlier(next, work(held, now, tally));
            }
        } finally {
            held.forEach(h -> h.lock().close());
        }
        return new Cycle(tally.renewed, tally.written, tally.failed, tally.external, next);
    }

    private static final class Tally {
        int renewed;
        int written;
        int failed;
        boolean external;
    }

    /** The work of a cycle on the locked credentials; returns when the next cycle is due. */
    private Instant work(List<Held> held, Instant now, Tally tally) {
        Instant next = now.plus(MAX_SLEEP);
        StoreIndex index;
        try {
            index = store.index();
        } catch (RuntimeException e) {
            for (Held h : held) {
                next = earlier(next, fail(h.config(), "cannot read the store", e, tally));
            }
            return next;
        }
        Map<String, Optional<BigInteger>> onDisk = new LinkedHashMap<>();
        List<AgentPlan.Target> targets = new ArrayList<>();
        for (Held h : held) {
            Optional<BigInteger> serial = h.directory().serialOnDisk();
            onDisk.put(h.config().name(), serial);
            targets.add(new AgentPlan.Target(h.config().name(), h.config().window(), serial));
        }
        List<AgentPlan.Decision> decisions = AgentPlan.decide(index, targets, now);
        List<String> due = new ArrayList<>();
        for (AgentPlan.Decision decision : decisions) {
            switch (decision.action()) {
                case FAIL -> next = earlier(next, fail(config(held, decision.name()), decision.reason(), tally));
                case RENEW -> due.add(decision.name());
                default -> {
                }
            }
        }
        next = earlier(next, AgentPlan.nextRenewal(decisions).orElse(next));
        if (stopping) {
            return next;
        }
        Map<String, LifecycleUseCase.Renewal> renewed = renew(due, decisions, index, held, tally);
        for (Held h : held) {
            String name = h.config().name();
            AgentPlan.Decision decision = decisions.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
            boolean write = decision.action() == AgentPlan.Action.WRITE || renewed.containsKey(name)
                    || decision.action() == AgentPlan.Action.RENEW && renewedElsewhere.contains(name);
            if (!write) {
                tidy(h);
                continue;
            }
            boolean afterRenewal = renewed.containsKey(name) || onDisk.get(name).isPresent();
            try {
                InventoryEntry installed = install(h, index, afterRenewal);
                tally.written++;
                AgentPlan.Window window = h.config().window();
                next = earlier(next, window.renewAt(installed.notBefore(), installed.notAfter()));
                state(name).failures = 0;
                state(name).retryAt = null;
            } catch (RuntimeException e) {
                next = earlier(next, fail(h.config(), "cannot write its files", e, tally));
            }
        }
        renewedElsewhere.clear();
        for (Held h : held) {
            try {
                next = earlier(next, runPendingHook(h, now, tally));
            } catch (RuntimeException e) {
                next = earlier(next, fail(h.config(), "cannot run its command", e, tally));
            }
        }
        for (AgentPlan.Decision decision : decisions) {
            if (decision.action() == AgentPlan.Action.KEEP) {
                State state = state(decision.name());
                state.failures = 0;
                state.retryAt = null;
            }
        }
        return next;
    }

    /**
     * Renews {@code due} in one renewal of their names; when that fails and there are several, each on its own, so
     * one that cannot be renewed does not hold back the others.
     */
    private Map<String, LifecycleUseCase.Renewal> renew(List<String> due, List<AgentPlan.Decision> decisions, StoreIndex index,
                                                        List<Held> held, Tally tally) {
        Map<String, LifecycleUseCase.Renewal> renewed = new LinkedHashMap<>();
        if (due.isEmpty()) {
            return renewed;
        }
        for (String name : due) {
            AgentPlan.Decision decision = decisions.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
            log.event("renewing " + name + ": serial " + decision.current().map(InventoryEntry::serialHex).orElse("?") + " " + decision.reason());
        }
        try {
            recordRenewals(renewBatch(due), renewed, tally);
        } catch (RuntimeException batchFailure) {
            for (String name : due) {
                RuntimeException failure = batchFailure;
                if (due.size() > 1) {
                    try {
                        recordRenewals(renewBatch(List.of(name)), renewed, tally);
                        continue;
                    } catch (RuntimeException e) {
                        failure = e;
                    }
                }
                BigInteger planned = decisions.stream().filter(d -> d.name().equals(name)).findFirst()
                        .flatMap(AgentPlan.Decision::current).map(InventoryEntry::serial).orElse(null);
                if (renewedMeanwhile(name, planned)) {
                    log.event("renewal of " + name + " not needed: another agent renewed it meanwhile; writing the files of its new certificate");
                    renewedElsewhere.add(name);
                } else {
                    fail(config(held, name), "renewal failed", failure, tally);
                }
            }
        }
        return renewed;
    }

    private List<LifecycleUseCase.Renewal> renewBatch(List<String> names) {
        return core.lifecycle().renew(RenewRequest.named(names, Optional.empty(), Optional.empty(), 1, done -> { })
                .alsoAuditedAs(OverviewUseCase.AGENT_RENEW), Optional.empty());
    }

    /** Logs each renewal (the renewal itself recorded its {@code agent.renew} audit event, in the same commit). */
    private void recordRenewals(List<LifecycleUseCase.Renewal> renewals, Map<String, LifecycleUseCase.Renewal> renewed, Tally tally) {
        for (LifecycleUseCase.Renewal renewal : renewals) {
            InventoryEntry entry = renewal.renewed().entry();
            renewed.put(entry.name(), renewal);
            tally.renewed++;
            log.event("renewed " + entry.name() + ": serial " + renewal.replaced().serialHex() + " -> " + entry.serialHex()
                    + ", until " + entry.notAfter());
        }
    }

    /** Removes the generations a killed agent left beside files that need no write; a failure is only logged. */
    private void tidy(Held h) {
        try {
            h.directory().tidy();
        } catch (RuntimeException e) {
            log.event("warning: " + message(e));
        }
    }

    /** Whether the store's current certificate of {@code name} is no longer {@code planned}: someone else renewed it. */
    private boolean renewedMeanwhile(String name, BigInteger planned) {
        try {
            return planned != null && store.index().credential(name).map(StoredCredential::serial).map(s -> !s.equals(planned)).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Writes the store's current certificate of the credential (read now, with its key) into its directory; with
     * {@code afterRenewal} and a command configured, the command is marked due first (so a crash right after the
     * switch still runs it on the next start).
     */
    private InventoryEntry install(Held h, StoreIndex index, boolean afterRenewal) {
        String name = h.config().name();
        InventoryUseCase.CredentialExport export = core.inventory().export(name);
        X509Certificate certificate = export.credential().certificate();
        PrivateKey key = export.credential().privateKey().orElseThrow(() -> S2mtlsException.badInput(
                "credential '" + name + "' has no private key in the store"));
        Optional<Authorities> authorities = index.authorities();
        List<X509Certificate> bundle = authorities.map(Authorities::trustBundle).orElse(export.caBundle());
        String serial = certificate.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
        if (afterRenewal && h.config().exec().isPresent()) {
            h.directory().markHookPending(serial);
        }
        h.directory().install(certificate, key, bundle, p12Passwords.apply(h.config()));
        log.event("wrote " + name + " (serial " + serial + ") in " + h.config().outDir());
        return index.entry(certificate.getSerialNumber()).orElseGet(() -> core.inventory().list().stream()
                .filter(e -> e.serial().equals(certificate.getSerialNumber())).findFirst()
                .orElseThrow(() -> S2mtlsException.badInput("serial " + serial + " of '" + name + "' has no inventory entry")));
    }

    /** Runs the credential's command when a renewal's run is pending and its retry time has come; returns its retry time. */
    private Instant runPendingHook(Held h, Instant now, Tally tally) {
        Instant never = Instant.MAX;
        Optional<String> exec = h.config().exec();
        if (exec.isEmpty() || !h.directory().hookPending()) {
            return never;
        }
        State state = state(h.config().name());
        if (state.hookRetryAt != null && now.isBefore(state.hookRetryAt)) {
            tally.failed++;
            return state.hookRetryAt;
        }
        if (stopping) {
            log.event("command for " + h.config().name() + " not run: stopping; it runs on the next start");
            return never;
        }
        String serial = h.directory().serialOnDisk().map(s -> s.toString(16).toUpperCase(java.util.Locale.ROOT)).orElse("");
        HookRunner.Result result = hooks.run(exec.get(), h.config().name(), h.config().outDir(), serial);
        if (result.ok()) {
            h.directory().clearHookPending();
            state.hookFailures = 0;
            state.hookRetryAt = null;
            log.event("command for " + h.config().name() + " done (" + result.outcome() + ")");
            return never;
        }
        state.hookFailures++;
        Duration wait = backoff(state.hookFailures);
        state.hookRetryAt = clock.instant().plus(wait);
        tally.failed++;
        log.event("command for " + h.config().name() + " failed (" + result.outcome() + ")"
                + (result.output().isEmpty() ? "" : "; output: " + String.join(" | ", result.output()))
                + "; retrying in " + seconds(wait) + " (the credential is not renewed again)");
        return state.hookRetryAt;
    }

    private Instant fail(AgentConfig.Credential credential, String what, RuntimeException e, Tally tally) {
        if (e instanceof S2mtlsException known && known.kind() == ErrorKind.EXTERNAL) {
            tally.external = true;
        }
        return fail(credential, what + ": " + message(e), tally);
    }

    /** Records a failure of {@code credential}: logged, counted, retried after the next backoff. */
    private Instant fail(AgentConfig.Credential credential, String why, Tally tally) {
        State state = state(credential.name());
        state.failures++;
        Duration wait = backoff(state.failures);
        state.retryAt = clock.instant().plus(wait);
        tally.failed++;
        log.event("failed " + credential.name() + ": " + why + "; the files in " + credential.outDir() + " are left as they are;"
                + " retrying in " + seconds(wait));
        return state.retryAt;
    }

    static Duration backoff(int failures) {
        Duration wait = FIRST_BACKOFF;
        for (int i = 1; i < failures && wait.compareTo(MAX_BACKOFF) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    private static String seconds(Duration duration) {
        return duration.toSeconds() + "s";
    }

    private static String message(RuntimeException e) {
        String message = e.getMessage();
        return e instanceof S2mtlsException ? message : e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static AgentConfig.Credential config(List<Held> held, String name) {
        return held.stream().filter(h -> h.config().name().equals(name)).findFirst().orElseThrow().config();
    }

    private static Instant earlier(Instant a, Instant b) {
        return b.isBefore(a) ? b : a;
    }
}
