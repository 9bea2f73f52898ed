package io.s2mtls.cli.command.cert;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.command.db.AdminConnectionOptions;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.cli.command.db.UserDirectoryCommand;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.usecase.RevocationUseCase;
import io.s2mtls.core.user.UserAccount;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@code s2mtls cert revoke}: the inventory, the CRL, and optionally the database accounts. */
@Command(name = "revoke", header = "Revoke a credential's certificates: inventory, CRL, and optionally the database user.", sortOptions = false, description = {
        "Revoke a credential: mark every unexpired certificate issued under NAME revoked in the inventory (the current one "
                + "and those a renewal superseded, which still log in until they expire), or only one with --serial, and write "
                + "the CA's CRL (PEM) for servers that read one. "
                + "SingleStore documents no CRL for client certificates, so revoking at the database is explicit: "
                + "--lock-user locks the account (ALTER USER ... ACCOUNT LOCK) or --drop-user drops it, and then every "
                + "open session of that account is ended (KILL CONNECTION). Without an account, they act on every account "
                + "the store records as logging in with NAME (created by a policy, or with 'user create --from-cert' on its "
                + "subject); an account the store records for another credential is refused. The output says exactly which "
                + "of these happened, or that the database was not changed. Each database change is added to the audit trail "
                + "(user.lock, user.drop). The database options are those of the user commands."},
        footer = {"", "Examples:", "  s2mtls cert revoke app_reader --reason 'left the company' --crl-out crl.pem",
                "  s2mtls cert revoke app_reader --serial 5F3A...   # only that certificate",
                "  s2mtls cert revoke app_reader --lock-user --jdbc-url jdbc:singlestore://db:3306/ --admin-user admin",
                "  s2mtls cert revoke app_reader --lock-user app_reader --jdbc-url jdbc:singlestore://db:3306/ --admin-user admin",
                "  s2mtls cert revoke 5F3A... --drop-user 'batch@10.0.%%'"})
public final class CertRevokeCommand extends UserDirectoryCommand<RevocationUseCase> {
    @Parameters(arity = "0..1", paramLabel = "NAME|SERIAL",
            description = "The credential name (all its unexpired certificates) or one serial (hex).")
    String reference;
    @Option(names = "--serial", paramLabel = "SERIAL", description = "Revoke only this certificate (hex, as 'cert list' prints it).")
    String serial;
    @Option(names = "--reason", defaultValue = "", paramLabel = "TEXT", description = "Why, for the audit trail.")
    String reason;
    @Option(names = "--crl-out", paramLabel = "FILE", description = "Write the updated CRL here (overwrites).")
    String crlOut;
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    DatabaseAction action;

    static final class DatabaseAction {
        @Option(names = "--lock-user", paramLabel = "USER[@HOST]", arity = "0..1", fallbackValue = "",
                description = "Also lock this database account (host default %%) and end its open sessions; without a value,"
                        + " every account the store records for the credential.")
        String lock;
        @Option(names = "--drop-user", paramLabel = "USER[@HOST]", arity = "0..1", fallbackValue = "",
                description = "Also drop this database account (host default %%) and end its open sessions; without a value,"
                        + " every account the store records for the credential.")
        String drop;
    }

    @Mixin
    AdminConnectionOptions adminConnection;

    @Inject
    CertRevokeCommand(Printer printer, Provider<RevocationUseCase> revocation, Console console, Databases databases) {
        super(printer, console, databases, revocation);
    }

    record Revoked(String name, String serial, String subject, List<String> serials, String crl, String database, String account,
                   List<String> accounts, List<String> sql, List<Long> killedSessions) {
    }

    /** {@code app}, {@code app@%}, {@code 'app'@'10.0.%'}. */
    static UserAccount account(String text) {
        int at = text.lastIndexOf('@');
        String name = at < 0 ? text : text.substring(0, at);
        String host = at < 0 ? UserAccount.ANY_HOST : text.substring(at + 1);
        return new UserAccount(unquote(name), unquote(host));
    }

    private static String unquote(String part) {
        return part.length() >= 2 && (part.startsWith("'") && part.endsWith("'") || part.startsWith("`") && part.endsWith("`"))
                ? part.substring(1, part.length() - 1) : part;
    }

    private RevocationUseCase.Request request() {
        if (action == null) {
            return new RevocationUseCase.Request(reference, Optional.ofNullable(serial), reason, RevocationUseCase.DatabaseAction.NONE,
                    Optional.empty());
        }
        boolean drop = action.drop != null;
        String given = drop ? action.drop : action.lock;
        return new RevocationUseCase.Request(reference, Optional.ofNullable(serial), reason,
                drop ? RevocationUseCase.DatabaseAction.DROP : RevocationUseCase.DatabaseAction.LOCK,
                given.isBlank() ? Optional.empty() : Optional.of(account(given)));
    }

    @Override
    protected int run() {
        String[] crlFile = {null};
        RevocationUseCase.Result result = useCase().revoke(request(), () -> openDirectory(adminConnection), revoked -> {
            if (crlOut != null) {
                Path path = console.path(crlOut);
                Files2.writePublic(path, revoked.crlPem(), true);
                crlFile[0] = path.toString();
            }
        });
        String database = result.done().isEmpty() ? "database not changed" : String.join("; ", result.done());
        InventoryEntry first = result.revocation().entry();
        List<UserAccount> accounts = result.accounts();
        Revoked view = new Revoked(first.name(), first.serialHex(), first.subject(),
                result.revocation().entries().stream().map(InventoryEntry::serialHex).toList(), crlFile[0], database,
                accounts.isEmpty() ? null : accounts.get(0).toString(), accounts.stream().map(Object::toString).toList(), result.sql(),
                result.killed());
        printer.data(view, () -> {
            for (InventoryEntry target : result.targets()) {
                printer.line("Revoked " + target.name() + " (serial " + target.serialHex()
                        + (target.status() == CertificateStatus.SUPERSEDED ? ", superseded by a renewal" : "")
                        + ") " + target.subject());
            }
            printer.line(view.crl() == null ? "CRL: not written (pass --crl-out FILE, or run 's2mtls ca crl --out FILE')" : "CRL: " + view.crl());
            printer.line(result.databaseChanged() ? "Database: " + database : "Database: not changed (pass --lock-user [USER[@HOST]] or"
                    + " --drop-user [USER[@HOST]] to lock or drop the account and kill its sessions; SingleStore does not check"
                    + " CRLs for client certificates, so the account still logs in)");
        });
        return OK;
    }
}
