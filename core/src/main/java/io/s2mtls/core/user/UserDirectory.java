package io.s2mtls.core.user;

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

    /** Closes the administrative connection. */
    @Override
    void close();
}
