package io.s2mtls.cli.command.db;

import com.google.inject.Inject;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.usecase.LifecycleUseCase;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.GrantRules;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.ServerDescription;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.user.UserPolicy;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code s2mtls user ...}: certificate-bound database accounts. */
@Command(name = "user", header = "Create, alter, drop, show and list certificate-bound database users.", description = {
        "Create, alter, drop, show and list certificate-bound database accounts (SingleStore, MariaDB, "
                + "MySQL), over an administrative connection: --jdbc-url (or env S2MTLS_JDBC_URL), --admin-user, and "
                + "the admin password from env S2MTLS_ADMIN_PASSWORD or --admin-password-file (never a plain argument),"
                + " or an admin client certificate. The SQL dialect is chosen from the server (@@memsql_version: "
                + "SingleStore)."},
        subcommands = {UserCommands.Create.class, UserCommands.Alter.class, UserCommands.Drop.class,
                UserCommands.Show.class, UserCommands.ListCommand.class})
public final class UserCommands {

    static final String CONNECTION_FOOTER = "The server's certificate is verified against --ca (default: the store's CA).";

    /**
     * Plans (dry run) or executes {@code commands}; stdout gets the SQL either way, one statement per line.
     * A real run is recorded in the store (audit trail and managed-user record) when there is one.
     */
    static int apply(Databases databases, Printer printer, ConnectionOptions connection, AdminOptions admin, LifecycleUseCase.UserEvent event,
                     UserAccount account, Optional<TlsRequirement> requirement, List<PrivilegeGrant> grants,
                     List<? extends UserCommand> commands, boolean dryRun) {
        if (!dryRun) {
            databases.requireReadableStore();
        }
        try (UserDirectory directory = databases.openDirectory(connection, admin)) {
            ServerDescription server = directory.server();
            List<String> sql = dryRun ? directory.plannedSql(commands) : directory.execute(commands);
            if (!dryRun) {
                databases.recordUserChange(event, account, requirement, grants, sql);
            }
            String action = switch (event) {
                case CREATE -> "Created";
                case ALTER -> "Altered";
                case DROP -> "Dropped";
                case LOCK -> "Locked";
            };
            Views.ChangeView view = new Views.ChangeView(action, account.name(), account.host(),
                    requirement.map(Views.RequirementView::of).orElse(null), grants.stream().map(PrivilegeGrant::toString).toList(),
                    sql, dryRun, server.dialect(), server.version());
            printer.data(view, () -> sql.forEach(statement -> printer.line(statement + ";")));
            if (!printer.json()) {
                printer.note(dryRun ? "Dry run on " + server.dialect() + " " + server.version() + ": nothing was changed."
                        : action + " " + account + requirement.map(r -> " REQUIRE " + Views.describe(Optional.of(r))).orElse("")
                        + " on " + server.dialect() + " " + server.version()
                        + (requirement.isPresent() && server.dialect().equals("singlestore")
                        ? " (SingleStore does not expose the requirement; not read back)" : requirement.isPresent() ? ", read back and checked" : "")
                        + ".");
            }
            return DatabaseCommand.OK;
        }
    }

    @Command(name = "create", sortOptions = false, description = {
            "Create an account bound to a client certificate, with optional grants. Exactly one of --from-cert, "
                    + "--subject, --x509 or --ssl. --from-cert takes the subject from the certificate itself, in the exact "
                    + "form the server compares (OpenSSL oneline); empty, ambiguous or unmatchable subjects are refused "
                    + "unless --allow-unsafe-subject. The SQL executed is printed on standard output; on MariaDB/MySQL the "
                    + "stored requirement is read back and must be the one asked for. --dry-run prints the SQL and changes "
                    + "nothing."},
            footer = {"", CONNECTION_FOOTER, "", "Examples:",
                    "  export S2MTLS_JDBC_URL=jdbc:singlestore://db.example.com:3306/ S2MTLS_ADMIN_PASSWORD=...",
                    "  s2mtls user create app --from-cert creds/app-cert.pem --grant 'SELECT ON *.*' --admin-user admin --ca ca.pem",
                    "  s2mtls user create reporter --subject '/O=ExampleOrg/CN=reporter' --grant 'SELECT, SHOW VIEW ON sales.*' --dry-run",
                    "  s2mtls user create batch --x509 --host '10.0.%%'"})
    public static final class Create extends RequirementChange {
        @Option(names = "--grant", paramLabel = "\"PRIVS ON LEVEL\"", order = 31,
                description = "A grant, repeatable: e.g. \"SELECT, INSERT ON db.*\", \"SELECT ON *.*\".")
        List<String> grantSpecs = new ArrayList<>();

        @Option(names = "--grant-patterns", order = 32,
                description = "Read the database name of each db.* --grant as a server pattern ('_' any one character, '%%'"
                        + " any characters, '\\' escapes). Without it a name is literal and reaches that database only.")
        boolean grantPatterns;

        @Option(names = "--allow-admin-privileges", order = 33,
                description = "Allow grants that let the account manage other accounts or the grant tables (GRANT OPTION,"
                        + " CREATE USER, SUPER, PROXY, FILE, ALL ON *.*, writes on the mysql database, ...); refused without it.")
        boolean allowAdminPrivileges;

        @Inject
        Create(Printer printer, Databases databases, Console console) {
            super(printer, databases, console);
        }

        @Override
        protected int run() {
            UserAccount account = account();
            TlsRequirement tls = tls();
            GrantRules rules = new GrantRules(grantPatterns, allowAdminPrivileges);
            List<PrivilegeGrant> grants = grantSpecs.stream().map(spec -> PrivilegeGrant.parse(spec, rules)).toList();
            UserCommand.CreateUser command = new UserCommand.CreateUser(new UserPolicy(account, tls, grants), allowUnsafeSubject);
            return apply(databases, printer, connection, admin, LifecycleUseCase.UserEvent.CREATE, account, Optional.of(tls), grants,
                    List.of(command), dryRun);
        }
    }

    @Command(name = "alter", sortOptions = false, description = {
            "Replace an account's TLS requirement (ALTER USER ... REQUIRE ...): exactly one of --from-cert, "
                    + "--subject, --x509 or --ssl, checked as for 'user create'. Grants are left as they are."},
            footer = {"", CONNECTION_FOOTER, "", "Examples:",
                    "  s2mtls user alter app --from-cert creds/app-2027-cert.pem",
                    "  s2mtls user alter batch --x509 --host '10.0.%%' --dry-run"})
    public static final class Alter extends RequirementChange {
        @Inject
        Alter(Printer printer, Databases databases, Console console) {
            super(printer, databases, console);
        }

        @Override
        protected int run() {
            UserAccount account = account();
            TlsRequirement tls = tls();
            UserCommand.AlterUser command = new UserCommand.AlterUser(account, tls, allowUnsafeSubject);
            return apply(databases, printer, connection, admin, LifecycleUseCase.UserEvent.ALTER, account, Optional.of(tls), List.of(),
                    List.of(command), dryRun);
        }
    }

    /** What 'user create' and 'user alter' both take: the account, its TLS requirement, and the connection. */
    abstract static class RequirementChange extends DatabaseCommand {
        @Parameters(paramLabel = "NAME", description = "The account's user name.")
        String name;
        @ArgGroup(exclusive = true, multiplicity = "1", order = 1)
        RequirementOptions requirement;
        @Option(names = "--host", paramLabel = "PATTERN", defaultValue = UserAccount.ANY_HOST, order = 30,
                description = "The account's host pattern (default: ${DEFAULT-VALUE}, any host).")
        String host;
        @Option(names = "--dry-run", order = 32, description = "Print the SQL that would run, change nothing.")
        boolean dryRun;
        @Option(names = "--allow-unsafe-subject", order = 33,
                description = "Bind even a subject another certificate could also match (a backslash in a value).")
        boolean allowUnsafeSubject;
        @Mixin
        ConnectionOptions connection;
        @Mixin
        AdminOptions admin;

        final Databases databases;
        final Console console;

        RequirementChange(Printer printer, Databases databases, Console console) {
            super(printer);
            this.databases = databases;
            this.console = console;
        }

        UserAccount account() {
            return new UserAccount(name, host);
        }

        TlsRequirement tls() {
            return requirement.requirement(console, printer, allowUnsafeSubject);
        }
    }

    @Command(name = "drop", sortOptions = false, description = {
            "Drop an account. On SingleStore its open sessions stay open until killed (KILL CONNECTION)."},
            footer = {"", CONNECTION_FOOTER, "", "Examples:", "  s2mtls user drop app", "  s2mtls user drop app --if-exists --dry-run"})
    public static final class Drop extends DatabaseCommand {
        @Parameters(paramLabel = "NAME", description = "The account's user name.")
        String name;
        @Option(names = "--host", paramLabel = "PATTERN", defaultValue = UserAccount.ANY_HOST, order = 30,
                description = "The account's host pattern (default: ${DEFAULT-VALUE}).")
        String host;
        @Option(names = "--if-exists", order = 31, description = "No error when there is no such account.")
        boolean ifExists;
        @Option(names = "--dry-run", order = 32, description = "Print the SQL that would run, change nothing.")
        boolean dryRun;
        @Mixin
        ConnectionOptions connection;
        @Mixin
        AdminOptions admin;

        private final Databases databases;

        @Inject
        Drop(Printer printer, Databases databases) {
            super(printer);
            this.databases = databases;
        }

        @Override
        protected int run() {
            UserAccount account = new UserAccount(name, host);
            return apply(databases, printer, connection, admin, LifecycleUseCase.UserEvent.DROP, account, Optional.empty(), List.of(),
                    List.of(new UserCommand.DropUser(account, ifExists)), dryRun);
        }
    }

    @Command(name = "show", sortOptions = false, description = {
            "Show what the server holds for an account: its TLS requirement as read back (MariaDB/MySQL: from "
                    + "SHOW CREATE USER, checked against mysql.global_priv on MariaDB; SingleStore exposes none), its "
                    + "grants, and warnings. Exit 1 when there is no such account."},
            footer = {"", CONNECTION_FOOTER, "", "Examples:", "  s2mtls user show app", "  s2mtls user show app --host '10.0.%%' --output json"})
    public static final class Show extends DatabaseCommand {
        @Parameters(paramLabel = "NAME", description = "The account's user name.")
        String name;
        @Option(names = "--host", paramLabel = "PATTERN", defaultValue = UserAccount.ANY_HOST, order = 30,
                description = "The account's host pattern (default: ${DEFAULT-VALUE}).")
        String host;
        @Mixin
        ConnectionOptions connection;
        @Mixin
        AdminOptions admin;

        private final Databases databases;

        @Inject
        Show(Printer printer, Databases databases) {
            super(printer);
            this.databases = databases;
        }

        @Override
        protected int run() {
            UserAccount account = new UserAccount(name, host);
            try (UserDirectory directory = databases.openDirectory(connection, admin)) {
                Optional<DatabaseUser> shown = directory.show(account);
                if (shown.isEmpty()) {
                    printer.note("No account " + account + " on " + directory.server().dialect() + " " + directory.server().version() + ".");
                    return CHECK_FAILED;
                }
                DatabaseUser user = shown.get();
                Views.UserView view = Views.UserView.of(user);
                printer.data(view, () -> {
                    printer.line("account:     " + user.account());
                    printer.line("requirement: " + Views.describe(user.requirement()));
                    user.definition().ifPresent(d -> printer.line("definition:  " + d));
                    if (user.grants().isEmpty()) {
                        printer.line("grants:      (none)");
                    }
                    for (int i = 0; i < user.grants().size(); i++) {
                        printer.line((i == 0 ? "grants:      " : "             ") + user.grants().get(i));
                    }
                    user.warnings().forEach(w -> printer.note("warning: " + w));
                });
                return OK;
            }
        }
    }

    @Command(name = "list", sortOptions = false, description = {
            "List the server's accounts with the TLS requirement each holds, as read back from the server "
                    + "(SingleStore exposes no requirement: shown as '-')."},
            footer = {"", CONNECTION_FOOTER, "", "Examples:", "  s2mtls user list", "  s2mtls user list --output json"})
    public static final class ListCommand extends DatabaseCommand {
        @Mixin
        ConnectionOptions connection;
        @Mixin
        AdminOptions admin;

        private final Databases databases;

        @Inject
        ListCommand(Printer printer, Databases databases) {
            super(printer);
            this.databases = databases;
        }

        @Override
        protected int run() {
            try (UserDirectory directory = databases.openDirectory(connection, admin)) {
                List<Views.AccountView> views = new ArrayList<>();
                for (UserAccount account : directory.list()) {
                    Optional<DatabaseUser> shown;
                    try {
                        shown = directory.show(account);
                    } catch (S2mtlsException e) {
                        // e.g. MariaDB refuses SHOW CREATE USER on some system accounts even to a full admin
                        printer.note("warning: the server does not show " + account + " to this admin; its requirement is listed as unknown");
                        shown = Optional.empty();
                    }
                    views.add(Views.AccountView.of(account, shown));
                }
                printer.data(views, () -> {
                    printer.line(String.format("%-24s %-20s %s", "USER", "HOST", "REQUIRE"));
                    for (Views.AccountView view : views) {
                        printer.line(String.format("%-24s %-20s %s", view.user(), view.host(),
                                view.requirement() == null ? "-" : view.requirement().text()));
                    }
                });
                return OK;
            }
        }
    }
}
