package io.s2mtls.core.usecase;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import io.s2mtls.core.user.UserSession;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Revocation with its database effects. SingleStore reads no CRL for client certificates, so revoking
 * at the database is explicit: the accounts that log in with the credential are locked (or dropped) and
 * every open session of theirs is ended. What is revoked and which accounts change are settled, and every
 * refusal made, before anything changes.
 */
public final class RevocationUseCase {
    private final Environment environment;
    private final LifecycleUseCase lifecycle;
    private final UserRecords records;

    RevocationUseCase(Environment environment, LifecycleUseCase lifecycle) {
        this.environment = environment;
        this.lifecycle = lifecycle;
        this.records = new UserRecords(environment);
    }

    /** What to do at the database besides revoking: nothing, lock the accounts, or drop them. */
    public enum DatabaseAction {
        NONE, LOCK, DROP
    }

    /**
     * A revocation.
     *
     * @param reference the credential name (all its unexpired certificates) or one serial (hex); may be null with {@code serial}
     * @param serial    revoke only this certificate (hex)
     * @param reason    why, for the audit trail (blank: unspecified)
     * @param action    what to do at the database
     * @param account   with LOCK or DROP: the account ({@code USER[@HOST]}, host default %); empty: every account the
     *                  store records as logging in with the credential
     */
    public record Request(String reference, Optional<String> serial, String reason, DatabaseAction action, Optional<UserAccount> account) {
        public Request {
            requireNonNull(serial, "serial is null");
            requireNonNull(reason, "reason is null");
            requireNonNull(action, "action is null");
            requireNonNull(account, "account is null");
            if (action == DatabaseAction.NONE && account.isPresent()) {
                throw new IllegalArgumentException("an account goes with LOCK or DROP");
            }
        }

        /** Revokes {@code nameOrSerial} without touching the database. */
        public static Request of(String nameOrSerial, String reason) {
            return new Request(nameOrSerial, Optional.empty(), reason, DatabaseAction.NONE, Optional.empty());
        }

        /** Revokes {@code nameOrSerial} and locks the accounts the store records for it, ending their sessions. */
        public static Request lockingRecordedAccounts(String nameOrSerial, String reason) {
            return new Request(nameOrSerial, Optional.empty(), reason, DatabaseAction.LOCK, Optional.empty());
        }

        /** This request acting on {@code account} only. */
        public Request on(UserAccount account) {
            return new Request(reference, serial, reason, action, Optional.of(account));
        }
    }

    /**
     * What happened.
     *
     * @param targets    the certificates revoked as they were before (most recent first; a SUPERSEDED one was renewed)
     * @param revocation the revoked entries and the new CRL
     * @param accounts   the database accounts changed
     * @param sql        the statements run on the server
     * @param killed     the ids of the sessions ended
     * @param done       one sentence per account saying what was done to it
     */
    public record Result(List<InventoryEntry> targets, LifecycleUseCase.Revocation revocation, DatabaseAction action,
                         List<UserAccount> accounts, List<String> sql, List<Long> killed, List<String> done) {
        public Result {
            targets = List.copyOf(targets);
            accounts = List.copyOf(accounts);
            sql = List.copyOf(sql);
            killed = List.copyOf(killed);
            done = List.copyOf(done);
        }

        /** Whether the database was asked to change at all. */
        public boolean databaseChanged() {
            return !accounts.isEmpty();
        }
    }

    /** Revokes without touching the database; the result's accounts are empty. */
    public Result revoke(Request request) {
        if (request.action() != DatabaseAction.NONE) {
            throw new IllegalArgumentException("a revocation that locks or drops accounts needs a directory");
        }
        return revoke(request, () -> {
            throw new IllegalStateException("no directory");
        }, true, revocation -> {
        });
    }

    /**
     * Revokes and applies {@code request.action()} on the server of {@code directory}, which the caller opened
     * and closes; see {@link #revoke(Request, Supplier, Consumer)}.
     */
    public Result revoke(Request request, UserDirectory directory) {
        requireNonNull(directory, "directory is null");
        return revoke(request, () -> directory, false, revocation -> {
        });
    }

    /**
     * Revokes and applies {@code request.action()} to the accounts. In order: the certificates to revoke and
     * the accounts to change are settled (an account the store records for another credential is refused);
     * the administrative connection is opened (so a wrong admin password leaves nothing revoked); the
     * refusals the database plugin makes before sending anything (the admin's own account) are made; the
     * certificates are revoked and {@code whenRevoked} is told (to publish the CRL, say); then each account is
     * locked or dropped and its sessions killed, each change added to the audit trail.
     *
     * @param opener      opens the administrative connection; called only when an account changes, and closed here
     * @param whenRevoked called once the certificates are revoked, before the database is changed
     * @throws S2mtlsException when the database change fails after the revocation, saying exactly what happened
     */
    public Result revoke(Request request, Supplier<? extends UserDirectory> opener, Consumer<LifecycleUseCase.Revocation> whenRevoked) {
        return revoke(request, opener, true, whenRevoked);
    }

    private Result revoke(Request request, Supplier<? extends UserDirectory> opener, boolean close,
                          Consumer<LifecycleUseCase.Revocation> whenRevoked) {
        requireNonNull(request, "request is null");
        requireNonNull(opener, "opener is null");
        requireNonNull(whenRevoked, "whenRevoked is null");
        boolean drop = request.action() == DatabaseAction.DROP;
        List<InventoryEntry> targets = lifecycle.revocationTargets(request.reference(), request.serial());
        List<UserAccount> accounts = accounts(request, targets);
        Optional<UserDirectory> directory = accounts.isEmpty() ? Optional.empty()
                : Optional.of(requireNonNull(opener.get(), "the opener gave no directory"));
        try {
            directory.ifPresent(d -> accounts.forEach(a -> d.plannedSql(drop ? new UserCommand.DropUser(a, false)
                    : new UserCommand.SetAccountLock(a, true))));
            LifecycleUseCase.Revocation revocation = lifecycle.revoke(request.reference(), request.serial(), request.reason());
            whenRevoked.accept(revocation);
            List<String> sql = new ArrayList<>();
            List<Long> killed = new ArrayList<>();
            List<String> done = new ArrayList<>();
            for (UserAccount account : accounts) {
                done.add(changeDatabase(directory.orElseThrow(), account, drop, revocation, sql, killed, done));
            }
            return new Result(targets, revocation, request.action(), accounts, sql, killed, done);
        } finally {
            if (close) {
                directory.ifPresent(UserDirectory::close);
            }
        }
    }

    /** The accounts to lock or drop: the one given, checked against the store's record, or those the store records. */
    private List<UserAccount> accounts(Request request, List<InventoryEntry> targets) {
        if (request.action() == DatabaseAction.NONE) {
            return List.of();
        }
        String option = request.action() == DatabaseAction.DROP ? "--drop-user" : "--lock-user";
        String name = targets.get(0).name();
        StoreIndex index = environment.store().index();
        List<UserAccount> recorded = recordedAccounts(index, name, targets);
        if (request.account().isEmpty()) {
            if (recorded.isEmpty()) {
                throw S2mtlsException.badInput(option + ": the store records no database account that logs in with '" + name
                        + "'; name the account: " + option + " USER[@HOST] (nothing was revoked)");
            }
            return recorded;
        }
        UserAccount account = request.account().get();
        Optional<String> elsewhere = boundElsewhere(index, account, name, targets);
        if (elsewhere.isPresent()) {
            throw S2mtlsException.badInput(option + ": " + elsewhere.get() + "; nothing was revoked or changed. Give the account"
                    + " that uses '" + name + "'" + (recorded.isEmpty() ? "" : " (the store records "
                    + String.join(", ", recorded.stream().map(Object::toString).toList()) + ")") + ", or " + option
                    + " without a value for the accounts the store records");
        }
        return List.of(account);
    }

    /**
     * The database accounts the store records as logging in with credential {@code name}: managed-user
     * records that name the credential, and records without one whose REQUIRE SUBJECT is the subject of
     * one of {@code certificates}.
     */
    static List<UserAccount> recordedAccounts(StoreIndex index, String name, List<InventoryEntry> certificates) {
        Set<String> subjects = new HashSet<>();
        certificates.forEach(c -> subjects.add(c.subject()));
        return index.managedUsers().values().stream()
                .filter(u -> u.credential().map(name::equals)
                        .orElse(u.requirement().equalsIgnoreCase("SUBJECT") && u.subject().map(subjects::contains).orElse(false)))
                .map(u -> new UserAccount(u.name(), u.host()))
                .toList();
    }

    /**
     * Why the store says {@code account} does not log in with credential {@code name} (another recorded
     * credential, or a REQUIRE SUBJECT none of {@code certificates} has), or empty when it agrees or has no record.
     */
    static Optional<String> boundElsewhere(StoreIndex index, UserAccount account, String name, List<InventoryEntry> certificates) {
        ManagedUser record = index.managedUsers().get(ManagedUsers.key(account));
        if (record == null) {
            return Optional.empty();
        }
        if (record.credential().isPresent()) {
            return record.credential().get().equals(name) ? Optional.empty()
                    : Optional.of("the store records that " + account + " logs in with credential '" + record.credential().get()
                    + "', not '" + name + "'");
        }
        if (record.requirement().equalsIgnoreCase("SUBJECT") && record.subject().isPresent()
                && certificates.stream().noneMatch(c -> c.subject().equals(record.subject().get()))) {
            return Optional.of("the store records that " + account + " requires the subject '" + record.subject().get()
                    + "', which no revoked certificate of '" + name + "' has");
        }
        return Optional.empty();
    }

    private String changeDatabase(UserDirectory directory, UserAccount account, boolean drop, LifecycleUseCase.Revocation revocation,
                                  List<String> allSql, List<Long> allKilled, List<String> before) {
        String done = "";
        List<String> sql = new ArrayList<>();
        List<Long> killed = new ArrayList<>();
        try {
            sql.addAll(drop ? directory.drop(account) : directory.lock(account));
            done = (drop ? "dropped " : "locked ") + account + " (" + sql.get(0) + ")";
            List<UserSession> sessions = directory.killSessions(account);
            sessions.forEach(s -> killed.add(s.id()));
            done += sessions.isEmpty() ? "; no open sessions to kill"
                    : "; killed " + sessions.size() + " open session(s) with KILL CONNECTION: " + killed;
        } catch (S2mtlsException e) {
            audit(account, drop, revocation, sql, killed, "failed: " + e.getMessage());
            List<String> happened = new ArrayList<>(before);
            if (!done.isEmpty()) {
                happened.add(done);
            }
            throw new S2mtlsException(e.kind(), "the certificate is revoked and the CRL written, but "
                    + (happened.isEmpty() ? "the database was not changed" : "only this happened: " + String.join("; ", happened))
                    + ": " + e.getMessage(), e);
        }
        audit(account, drop, revocation, sql, killed, "");
        allSql.addAll(sql);
        allKilled.addAll(killed);
        return done;
    }

    private void audit(UserAccount account, boolean drop, LifecycleUseCase.Revocation revocation, List<String> sql, List<Long> killed,
                       String failure) {
        if (sql.isEmpty()) {
            return;
        }
        records.record(drop ? UserEvent.DROP : UserEvent.LOCK, account, Optional.empty(), List.of(), Optional.of(revocation.entry()),
                "cert revoke: " + sql.get(0) + "; killed sessions " + killed + (failure.isEmpty() ? "" : "; " + failure));
    }
}
