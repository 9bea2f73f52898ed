package io.s2mtls.core.usecase;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.ServerDescription;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import io.s2mtls.core.user.UserPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Certificate-bound database accounts: create, alter and drop them on a server through a {@link UserDirectory}
 * the caller opened (and closes), each real change recorded in the store (the managed-user record and an
 * audit event, in one commit); show and list what the server holds.
 */
public final class UsersUseCase {
    private final Environment environment;
    private final UserRecords records;

    UsersUseCase(Environment environment) {
        this.environment = environment;
        this.records = new UserRecords(environment);
    }

    /** How a change is recorded in the store. */
    public enum Recording {
        /**
         * The store must be readable before the server is changed (a wrong store password fails while the
         * server is still unchanged); the change is then recorded.
         */
        REQUIRED,
        /**
         * There may be no store (the change is then made and said not recorded); no check before the change.
         */
        IF_PRESENT
    }

    /**
     * What to change and how: {@code dryRun} plans the SQL and changes nothing (not even the store).
     */
    public record Options(boolean dryRun, Recording recording) {
        public Options {
            requireNonNull(recording, "recording is null");
        }

        /** A real change, recorded in a store that must be readable. */
        public static Options recorded() {
            return new Options(false, Recording.REQUIRED);
        }
    }

    /**
     * A change planned or made on the server.
     *
     * @param sql         the statements executed (or, for a dry run, that would be)
     * @param notRecorded why the change was not recorded in the store, when it was not (a dry run is never recorded and says nothing here)
     */
    public record Change(UserEvent event, UserAccount account, Optional<TlsRequirement> requirement, List<PrivilegeGrant> grants,
                         List<String> sql, boolean dryRun, ServerDescription server, Optional<String> notRecorded) {
        public Change {
            grants = List.copyOf(grants);
            sql = List.copyOf(sql);
        }
    }

    /** Creates the account of {@code policy} with its grants on the server of {@code directory} (left open), and records it. */
    public Change create(UserDirectory directory, UserPolicy policy) {
        return create(() -> directory, false, policy, false, Options.recorded());
    }

    /**
     * Creates the account of {@code policy} (CREATE USER ... REQUIRE ..., then its grants).
     *
     * @param opener             opens the administrative connection, after the store was found readable
     * @param close              whether to close the directory afterwards
     * @param allowUnsafeSubject bind even a subject another certificate could also match
     */
    public Change create(Supplier<? extends UserDirectory> opener, boolean close, UserPolicy policy, boolean allowUnsafeSubject,
                         Options options) {
        UserCommand.CreateUser command = new UserCommand.CreateUser(policy, allowUnsafeSubject);
        return change(opener, close, UserEvent.CREATE, policy.account(), Optional.of(policy.requirement()), policy.grants(), command, options);
    }

    /** Replaces the account's TLS requirement (grants stay as they are), and records it. */
    public Change alter(UserDirectory directory, UserAccount account, TlsRequirement requirement) {
        return alter(() -> directory, false, account, requirement, false, Options.recorded());
    }

    /** See {@link #create(Supplier, boolean, UserPolicy, boolean, Options)}. */
    public Change alter(Supplier<? extends UserDirectory> opener, boolean close, UserAccount account, TlsRequirement requirement,
                        boolean allowUnsafeSubject, Options options) {
        UserCommand.AlterUser command = new UserCommand.AlterUser(account, requirement, allowUnsafeSubject);
        return change(opener, close, UserEvent.ALTER, account, Optional.of(requirement), List.of(), command, options);
    }

    /** Drops the account and forgets its record. */
    public Change drop(UserDirectory directory, UserAccount account) {
        return drop(() -> directory, false, account, false, Options.recorded());
    }

    /** See {@link #create(Supplier, boolean, UserPolicy, boolean, Options)}; {@code ifExists}: no error when there is no such account. */
    public Change drop(Supplier<? extends UserDirectory> opener, boolean close, UserAccount account, boolean ifExists, Options options) {
        return change(opener, close, UserEvent.DROP, account, Optional.empty(), List.of(), new UserCommand.DropUser(account, ifExists), options);
    }

    private Change change(Supplier<? extends UserDirectory> opener, boolean close, UserEvent event, UserAccount account,
                          Optional<TlsRequirement> requirement, List<PrivilegeGrant> grants, UserCommand command, Options options) {
        requireNonNull(opener, "opener is null");
        if (!options.dryRun() && options.recording() == Recording.REQUIRED) {
            requireReadableStore();
        }
        UserDirectory directory = requireNonNull(opener.get(), "the opener gave no directory");
        try {
            ServerDescription server = directory.server();
            List<String> sql = options.dryRun() ? directory.plannedSql(List.of(command)) : directory.execute(List.of(command));
            Optional<String> notRecorded = options.dryRun() ? Optional.empty() : record(event, account, requirement, grants, sql);
            return new Change(event, account, requirement, grants, sql, options.dryRun(), server, notRecorded);
        } finally {
            if (close) {
                directory.close();
            }
        }
    }

    /**
     * Before a change on the server that will be recorded: a store that cannot be read (a wrong store
     * password, say) fails now, while the server is still unchanged, instead of after the change.
     */
    private void requireReadableStore() {
        try {
            environment.store().index();
        } catch (S2mtlsException e) {
            throw new S2mtlsException(e.kind(), e.getMessage()
                    + " (nothing was changed on the server: the change is recorded in that store)", e);
        }
    }

    /** Records a change made on the server; when there is no store with a CA, nothing is recorded and the reason returned. */
    private Optional<String> record(UserEvent event, UserAccount account, Optional<TlsRequirement> requirement,
                                    List<PrivilegeGrant> grants, List<String> sql) {
        try {
            if (environment.store().index().authority().isEmpty()) {
                return Optional.of("Not recorded: " + environment.store().describe()
                        + " holds no CA, so there is no s2mtls store to record the change in.");
            }
        } catch (S2mtlsException e) {
            return Optional.of("Not recorded in a store (" + e.getMessage() + ").");
        }
        records.record(event, account, requirement, grants, Optional.empty(), String.join("; ", sql));
        return Optional.empty();
    }

    /** What the server holds for an account, and which server it is. */
    public record Shown(ServerDescription server, Optional<DatabaseUser> user) {
    }

    /** What the server holds for {@code account}: its requirement as read back, its grants and warnings. */
    public Shown show(UserDirectory directory, UserAccount account) {
        Optional<DatabaseUser> user = directory.show(account);
        return new Shown(directory.server(), user);
    }

    /**
     * One account of the server with what it shows of it; {@code hidden}: the server refused to show it to this
     * admin (MariaDB does for some system accounts even to a full admin), so its requirement is unknown.
     */
    public record Listed(UserAccount account, Optional<DatabaseUser> user, boolean hidden) {
    }

    /** Every account of the server, ordered by name then host, with the TLS requirement each holds as read back. */
    public List<Listed> list(UserDirectory directory) {
        List<Listed> listed = new ArrayList<>();
        for (UserAccount account : directory.list()) {
            try {
                listed.add(new Listed(account, directory.show(account), false));
            } catch (S2mtlsException e) {
                listed.add(new Listed(account, Optional.empty(), true));
            }
        }
        return listed;
    }
}
