package io.s2mtls.core.port;

import io.s2mtls.core.spi.UserDirectoryProvider;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.ServerDescription;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import io.s2mtls.core.user.UserPolicy;
import io.s2mtls.core.user.UserSession;

import java.util.List;
import java.util.Optional;

/**
 * The accounts of one database server, managed over one administrative connection.
 *
 * <p>Obtain one from {@link UserDirectoryProvider#open}. Not safe for concurrent use; close it when done.
 * Every method that fails because of the server throws an {@link io.s2mtls.core.error.S2mtlsException}
 * of kind {@code EXTERNAL}; a command the server's dialect cannot express (an ISSUER on SingleStore, a
 * subject longer than the server can store, REQUIRE X509 on SingleStore before 9.0.1) is refused with
 * kind {@code BAD_INPUT} before anything is sent.
 *
 * <p>Integrators: {@link #plannedSql} is the dry run. {@link #execute} runs exactly those statements, in
 * that order, and then reads the account back where the server allows it, failing loudly when the
 * stored requirement differs from the one asked for.
 */
public interface UserDirectory extends AutoCloseable {

    /** What the server is, e.g. {@code MariaDB 10.11.19} with dialect {@code mariadb}. */
    ServerDescription server();

    /** The exact statements {@link #execute} would run for {@code commands}, in order, touching nothing. */
    List<String> plannedSql(List<? extends UserCommand> commands);

    /**
     * Runs {@code commands} (batched on one connection), then verifies every created or altered account.
     *
     * @return the statements executed, equal to {@link #plannedSql} for the same commands
     */
    List<String> execute(List<? extends UserCommand> commands);

    /** Accounts on the server, ordered by name then host. */
    List<UserAccount> list();

    /** What the server exposes about {@code account}, or empty when there is no such account. */
    Optional<DatabaseUser> show(UserAccount account);

    /**
     * What the server shows about one account in a bulk read: the account as {@link #show} describes it
     * (requirement, grant lines, warnings; the {@code definition} may be empty) and whether it is locked,
     * when the server says.
     */
    record AccountState(DatabaseUser user, Optional<Boolean> locked) {
        public AccountState {
            java.util.Objects.requireNonNull(user, "user is null");
            java.util.Objects.requireNonNull(locked, "locked is null");
        }
    }

    /**
     * Every account on the server that s2mtls can name, with its requirement, lock state and grants, read in a
     * fixed number of queries however many accounts there are (a directory that cannot, like this default,
     * lists and then shows each account). Keyed by the account as the server stores it; the requirement and
     * grants equal what {@link #show} reads for that account. Roles and the anonymous account are left out.
     *
     * @throws io.s2mtls.core.error.S2mtlsException when the server refuses the reads (e.g. no access to its
     *                                              account tables): callers fall back to {@link #show}
     */
    default java.util.Map<UserAccount, AccountState> showAll() {
        java.util.Map<UserAccount, AccountState> all = new java.util.LinkedHashMap<>();
        for (UserAccount account : list()) {
            show(account).ifPresent(user -> all.put(user.account(), new AccountState(user, Optional.empty())));
        }
        return all;
    }

    default List<String> plannedSql(UserCommand command) {
        return plannedSql(List.of(command));
    }

    default List<String> execute(UserCommand command) {
        return execute(List.of(command));
    }

    default List<String> create(UserPolicy policy) {
        return execute(new UserCommand.CreateUser(policy, false));
    }

    default List<String> alter(UserAccount account, TlsRequirement requirement) {
        return execute(new UserCommand.AlterUser(account, requirement, false));
    }

    default List<String> drop(UserAccount account) {
        return execute(new UserCommand.DropUser(account, false));
    }

    default List<String> grant(UserAccount account, PrivilegeGrant grant) {
        return execute(new UserCommand.Grant(account, grant));
    }

    default List<String> revoke(UserAccount account, PrivilegeGrant grant) {
        return execute(new UserCommand.Revoke(account, grant));
    }

    /** {@code ALTER USER ... ACCOUNT LOCK}: the account can no longer log in; its open sessions stay open. */
    default List<String> lock(UserAccount account) {
        return execute(new UserCommand.SetAccountLock(account, true));
    }

    /** {@code ALTER USER ... ACCOUNT UNLOCK}. */
    default List<String> unlock(UserAccount account) {
        return execute(new UserCommand.SetAccountLock(account, false));
    }

    /**
     * The open sessions that certainly logged in as {@code account}: the user name matches, the client host
     * matches the account's host pattern, and no other account (of that name, or anonymous) could have been
     * the one the server chose for that login. The administrative session itself is never listed.
     */
    default List<UserSession> sessions(UserAccount account) {
        throw io.s2mtls.core.error.S2mtlsException.badInput("this database plugin cannot list sessions");
    }

    /**
     * Ends every session of {@link #sessions(UserAccount)} ({@code KILL CONNECTION id}), never one of another
     * account; sessions that may be the account's but cannot be told apart from another's are left open and
     * named in an {@code EXTERNAL} error after the certain ones are ended. The admin's own account is refused.
     *
     * @return the sessions ended; a session that ended by itself meanwhile is left out
     */
    default List<UserSession> killSessions(UserAccount account) {
        throw io.s2mtls.core.error.S2mtlsException.badInput("this database plugin cannot end sessions");
    }

    /**
     * Where the server reads the CA bundle it verifies client certificates with, as the server names it
     * ({@code ssl_ca_for_client_cert} on SingleStore, {@code ssl_ca} on MySQL/MariaDB), when it says.
     * The path is on the server's machine; it may or may not be readable here.
     */
    default Optional<String> clientCaFile() {
        return Optional.empty();
    }

    /** The account this directory is logged in as (the admin), when the server says. */
    default java.util.Optional<UserAccount> adminAccount() {
        return java.util.Optional.empty();
    }

    /** Closes the administrative connection. */
    @Override
    void close();
}
