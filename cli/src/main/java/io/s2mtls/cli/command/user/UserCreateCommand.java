package io.s2mtls.cli.command.user;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.usecase.UsersUseCase;
import io.s2mtls.core.user.GrantRules;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.UserPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code s2mtls user create}. */
@Command(name = "create", sortOptions = false, description = {
        "Create an account bound to a client certificate, with optional grants. Exactly one of --from-cert, "
                + "--subject, --x509 or --ssl. --from-cert takes the subject from the certificate itself, in the exact "
                + "form the server compares (OpenSSL oneline); empty, ambiguous or unmatchable subjects are refused "
                + "unless --allow-unsafe-subject. The SQL executed is printed on standard output; on MariaDB/MySQL the "
                + "stored requirement is read back and must be the one asked for. --dry-run prints the SQL and changes "
                + "nothing."},
        footer = {"", UserCommands.CONNECTION_FOOTER, "", "Examples:",
                "  export S2MTLS_JDBC_URL=jdbc:singlestore://db.example.com:3306/ S2MTLS_ADMIN_PASSWORD=...",
                "  s2mtls user create app --from-cert creds/app-cert.pem --grant 'SELECT ON *.*' --admin-user admin --ca ca.pem",
                "  s2mtls user create reporter --subject '/O=ExampleOrg/CN=reporter' --grant 'SELECT, SHOW VIEW ON sales.*' --dry-run",
                "  s2mtls user create batch --x509 --host '10.0.%%'"})
public final class UserCreateCommand extends RequirementChange {
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
    UserCreateCommand(Printer printer, Databases databases, Console console, Provider<UsersUseCase> users) {
        super(printer, console, databases, users);
    }

    @Override
    protected int run() {
        GrantRules rules = new GrantRules(grantPatterns, allowAdminPrivileges);
        UserPolicy policy = new UserPolicy(account(), tls(), grantSpecs.stream().map(spec -> PrivilegeGrant.parse(spec, rules)).toList());
        UsersUseCase.Change change = useCase().create(() -> openDirectory(adminConnection), true, policy, allowUnsafeSubject,
                databases.changeOptions(dryRun));
        UserViews.print(printer, change);
        return OK;
    }
}
