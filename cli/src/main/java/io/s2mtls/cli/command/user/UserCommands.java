package io.s2mtls.cli.command.user;

import picocli.CommandLine.Command;

/** {@code s2mtls user ...}: certificate-bound database accounts; each subcommand is a class of its own. */
@Command(name = "user", header = "Create, alter, drop, show and list certificate-bound database users.", description = {
        "Create, alter, drop, show and list certificate-bound database accounts (SingleStore, MariaDB, "
                + "MySQL), over an administrative connection: --jdbc-url (or env S2MTLS_JDBC_URL), --admin-user, and "
                + "the admin password from env S2MTLS_ADMIN_PASSWORD or --admin-password-file (never a plain argument),"
                + " or an admin client certificate. The SQL dialect is chosen from the server (@@memsql_version: "
                + "SingleStore)."},
        subcommands = {UserCreateCommand.class, UserAlterCommand.class, UserDropCommand.class,
                UserShowCommand.class, UserListCommand.class})
public final class UserCommands {
    static final String CONNECTION_FOOTER = "The server's certificate is verified against --ca (default: the store's CA).";
}
