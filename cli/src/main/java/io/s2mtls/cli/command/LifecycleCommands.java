package io.s2mtls.cli.command;

import io.s2mtls.core.port.UserDirectory;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Durations;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.cli.support.Progress;
import io.s2mtls.cli.support.Secrets;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.usecase.LifecycleUseCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Renewal, revocation, the CRL and the audit trail. */
public final class LifecycleCommands {
    private LifecycleCommands() {
    }

    @Command(name = "renew", header = "Renew credentials with exactly the same subject (no ALTER USER needed).", description = {
            "Renew credentials: a new key and a certificate with exactly the same subject (the same DER), so",
            "REQUIRE SUBJECT keeps matching and no ALTER USER is needed. The old certificate is marked",
            "superseded and keeps working until it expires or is revoked. --due renews every credential that",
            "expires within the window.",
            "With --out-dir it writes NAME-key.pem, NAME-cert.pem, NAME.p12 (and NAME.p12.pass) and ca-cert.pem, and",
            "lists them. Files that already exist are never overwritten without --force: the renewal is refused",
            "(exit 2) before anything is renewed, naming the first such file."},
            footer = {"", "Examples:", "  s2mtls cert renew app_reader --out-dir creds-new",
                    "  s2mtls cert renew app_reader --out-dir creds --force   # replace the files of the old certificate",
                    "  s2mtls cert renew --due --within 30d --out-dir creds   # from cron"})
    public static final class Renew extends BaseCommand {
        @Parameters(arity = "0..*", paramLabel = "NAME|SERIAL", description = "Credentials to renew, by name or serial (hex).")
        List<String> references = new ArrayList<>();
        @Option(names = "--due", description = "Renew everything that expires within --within.")
        boolean due;
        @Option(names = "--within", defaultValue = "30d", paramLabel = "DURATION", description = "The renewal window for --due (default: ${DEFAULT-VALUE}).")
        String within;
        @Option(names = "--key", paramLabel = "TYPE", description = "A different key type for the new keys (default: the same as before).")
        String key;
        @Option(names = "--days", paramLabel = "N", description = "Validity of the new certificates (default: the same length as before).")
        Integer days;
        @Option(names = "--out-dir", paramLabel = "DIR", description = "Also write the renewed credentials' files here (existing ones only with --force).")
        String outDir;
        @Option(names = "--force", description = "With --out-dir: overwrite the files that are already there (the old certificate's).")
        boolean force;
        @Option(names = "--p12-password-file", paramLabel = "FILE", description = "Protect NAME.p12 with this password (default: S2MTLS_P12_PASSWORD, else a random one in NAME.p12.pass).")
        String p12PasswordFile;

        private final Provider<LifecycleUseCase> lifecycle;
        private final Provider<io.s2mtls.core.usecase.InventoryUseCase> inventory;
        private final Provider<io.s2mtls.core.usecase.AuthorityUseCase> authority;
        private final Console console;
        private final Secrets secrets;

        @Inject
        Renew(Printer printer, Provider<LifecycleUseCase> lifecycle, Provider<io.s2mtls.core.usecase.InventoryUseCase> inventory,
              Provider<io.s2mtls.core.usecase.AuthorityUseCase> authority, Console console, Secrets secrets) {
            super(printer);
            this.lifecycle = lifecycle;
            this.inventory = inventory;
            this.authority = authority;
            this.console = console;
            this.secrets = secrets;
        }

        /** One renewal; {@code files}: what --out-dir got (null without it). */
        record Renewed(String name, String oldSerial, String newSerial, String subject, String notAfter, CredentialFiles.Written files) {
        }

        /**
         * Before anything is renewed: the directory can be written, no credential file in it is a link, and
         * (without --force) none of the files the renewal writes is already there.
         */
        private void checkOutDir(Optional<char[]> p12) {
            Path directory = console.path(outDir);
            CredentialFiles.checkDirectoryForRewrite(directory);
            if (force) {
                return;
            }
            List<String> names = due ? inventory.get().dueForRenewal(Durations.parse(within, "--within"))
                    : inventory.get().renewalNames(references);
            if (names.isEmpty()) {
                return;
            }
            java.security.cert.X509Certificate ca = authority.get().show().certificate();
            for (String name : names) {
                CredentialFiles.checkWritable(directory, name, true, false, ca, p12);
            }
        }

        @Override
        protected int run() {
            if (due != references.isEmpty()) {
                throw S2mtlsException.badInput(due ? "give either NAME|SERIAL or --due, not both" : "name what to renew (NAME or SERIAL), or pass --due");
            }
            Optional<KeySpec> keySpec = Optional.ofNullable(key).map(KeySpec::parse);
            Optional<char[]> p12 = outDir == null ? Optional.empty() : CredentialFiles.p12Password(secrets, p12PasswordFile);
            if (force && outDir == null) {
                throw S2mtlsException.badInput("--force goes with --out-dir (it lets the renewal overwrite files there)");
            }
            if (outDir != null) {
                checkOutDir(p12);
            }
            int threads = Runtime.getRuntime().availableProcessors();
            List<LifecycleUseCase.Renewal> renewals;
            try (Progress progress = due || references.size() > 1 ? Progress.of(console, "renewed", due ? 0 : references.size()) : Progress.none()) {
                renewals = due
                        ? lifecycle.get().renewDue(Durations.parse(within, "--within"), keySpec, Optional.ofNullable(days), threads, progress::update)
                        : lifecycle.get().renew(references, keySpec, Optional.ofNullable(days), threads, progress::update);
            }
            List<CredentialFiles.Written> written = new ArrayList<>();
            if (outDir != null && !renewals.isEmpty()) {
                Path directory = console.path(outDir);
                for (LifecycleUseCase.Renewal renewal : renewals) {
                    written.add(CredentialFiles.write(directory, renewal.renewed().name(), renewal.renewed().certificate(), renewal.renewed().privateKey(),
                            renewal.renewed().caCertificate(), p12, force));
                }
            }
            List<Renewed> views = new ArrayList<>();
            for (int i = 0; i < renewals.size(); i++) {
                LifecycleUseCase.Renewal r = renewals.get(i);
                views.add(new Renewed(r.renewed().name(), r.replaced().serialHex(), r.renewed().entry().serialHex(),
                        r.renewed().entry().subject(), r.renewed().entry().notAfter().toString(), written.isEmpty() ? null : written.get(i)));
            }
            printer.data(views, () -> {
                if (views.isEmpty()) {
                    printer.line("Nothing to renew" + (due ? " within " + within : "") + ".");
                }
                views.forEach(v -> {
                    printer.line("Renewed " + v.name() + ": serial " + v.oldSerial() + " -> " + v.newSerial()
                            + ", until " + v.notAfter() + ", subject unchanged " + v.subject());
                    if (v.files() != null) {
                        printer.line("  wrote in " + console.path(outDir) + ": " + String.join(", ", v.files().fileNames()));
                    }
                });
            });
            CredentialFiles.noteP12Passwords(printer, written);
            return OK;
        }
    }

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
    public static final class Revoke extends BaseCommand {
        @Parameters(arity = "0..1", paramLabel = "NAME|SERIAL",
                description = "The credential name (all its unexpired certificates) or one serial (hex).")
        String reference;
        @Option(names = "--serial", paramLabel = "SERIAL", description = "Revoke only this certificate (hex, as 'cert list' prints it).")
        String serial;
        @Option(names = "--reason", defaultValue = "", paramLabel = "TEXT", description = "Why, for the audit trail.")
        String reason;
        @Option(names = "--crl-out", paramLabel = "FILE", description = "Write the updated CRL here (overwrites).")
        String crlOut;
        @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "0..1")
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

        @picocli.CommandLine.Mixin
        io.s2mtls.cli.command.db.ConnectionOptions connection;
        @picocli.CommandLine.Mixin
        io.s2mtls.cli.command.db.AdminOptions admin;

        private final Provider<LifecycleUseCase> lifecycle;
        private final Console console;
        private final io.s2mtls.cli.command.db.Databases databases;
        private final io.s2mtls.cli.support.Session session;

        @Inject
        Revoke(Printer printer, Provider<LifecycleUseCase> lifecycle, Console console, io.s2mtls.cli.command.db.Databases databases,
               io.s2mtls.cli.support.Session session) {
            super(printer);
            this.lifecycle = lifecycle;
            this.console = console;
            this.databases = databases;
            this.session = session;
        }

        record Revoked(String name, String serial, String subject, List<String> serials, String crl, String database, String account,
                       List<String> accounts, List<String> sql, List<Long> killedSessions) {
        }

        /** {@code app}, {@code app@%}, {@code 'app'@'10.0.%'}. */
        static io.s2mtls.core.user.UserAccount account(String text) {
            int at = text.lastIndexOf('@');
            String name = at < 0 ? text : text.substring(0, at);
            String host = at < 0 ? io.s2mtls.core.user.UserAccount.ANY_HOST : text.substring(at + 1);
            return new io.s2mtls.core.user.UserAccount(unquote(name), unquote(host));
        }

        private static String unquote(String part) {
            return part.length() >= 2 && (part.startsWith("'") && part.endsWith("'") || part.startsWith("`") && part.endsWith("`"))
                    ? part.substring(1, part.length() - 1) : part;
        }

        /** The accounts to lock or drop: the one given, checked against the store's record, or those the store records. */
        private List<io.s2mtls.core.user.UserAccount> accounts(boolean drop, List<io.s2mtls.core.pki.InventoryEntry> targets) {
            if (action == null) {
                return List.of();
            }
            String option = drop ? "--drop-user" : "--lock-user";
            String given = drop ? action.drop : action.lock;
            String name = targets.get(0).name();
            List<io.s2mtls.core.user.UserAccount> recorded = lifecycle.get().recordedAccounts(name, targets);
            if (given.isBlank()) {
                if (recorded.isEmpty()) {
                    throw S2mtlsException.badInput(option + ": the store records no database account that logs in with '" + name
                            + "'; name the account: " + option + " USER[@HOST] (nothing was revoked)");
                }
                return recorded;
            }
            io.s2mtls.core.user.UserAccount account = account(given);
            Optional<String> elsewhere = lifecycle.get().boundElsewhere(account, name, targets);
            if (elsewhere.isPresent()) {
                throw S2mtlsException.badInput(option + ": " + elsewhere.get() + "; nothing was revoked or changed. Give the account"
                        + " that uses '" + name + "'" + (recorded.isEmpty() ? "" : " (the store records "
                        + String.join(", ", recorded.stream().map(Object::toString).toList()) + ")") + ", or " + option
                        + " without a value for the accounts the store records");
            }
            return List.of(account);
        }

        @Override
        protected int run() {
            boolean drop = action != null && action.drop != null;
            // what is revoked, and which accounts change, are settled before anything changes
            List<io.s2mtls.core.pki.InventoryEntry> targets = lifecycle.get().revocationTargets(reference, Optional.ofNullable(serial));
            List<io.s2mtls.core.user.UserAccount> accounts = accounts(drop, targets);
            // the administrative connection first: a wrong password must not leave the certificate revoked but the user open
            Optional<io.s2mtls.core.port.UserDirectory> directory = accounts.isEmpty() ? Optional.empty()
                    : Optional.of(databases.openDirectory(connection, admin));
            try {
                // refusals the database plugin makes before sending anything (the admin's own account) come before the revocation
                directory.ifPresent(d -> accounts.forEach(a -> d.plannedSql(drop ? new io.s2mtls.core.user.UserCommand.DropUser(a, false)
                        : new io.s2mtls.core.user.UserCommand.SetAccountLock(a, true))));
                LifecycleUseCase.Revocation revocation = lifecycle.get().revoke(reference, Optional.ofNullable(serial), reason);
                String crlFile = null;
                if (crlOut != null) {
                    Path path = console.path(crlOut);
                    Files2.writePublic(path, revocation.crlPem(), true);
                    crlFile = path.toString();
                }
                List<String> sql = new ArrayList<>();
                List<Long> killed = new ArrayList<>();
                List<String> done = new ArrayList<>();
                for (io.s2mtls.core.user.UserAccount account : accounts) {
                    done.add(changeDatabase(directory.orElseThrow(), account, drop, revocation, sql, killed, done));
                }
                String database = done.isEmpty() ? "database not changed" : String.join("; ", done);
                io.s2mtls.core.pki.InventoryEntry first = revocation.entry();
                Revoked view = new Revoked(first.name(), first.serialHex(), first.subject(),
                        revocation.entries().stream().map(io.s2mtls.core.pki.InventoryEntry::serialHex).toList(), crlFile, database,
                        accounts.isEmpty() ? null : accounts.get(0).toString(), accounts.stream().map(Object::toString).toList(), sql, killed);
                printer.data(view, () -> {
                    for (io.s2mtls.core.pki.InventoryEntry target : targets) {
                        printer.line("Revoked " + target.name() + " (serial " + target.serialHex()
                                + (target.status() == io.s2mtls.core.pki.CertificateStatus.SUPERSEDED ? ", superseded by a renewal" : "")
                                + ") " + target.subject());
                    }
                    printer.line(view.crl() == null ? "CRL: not written (pass --crl-out FILE, or run 's2mtls ca crl --out FILE')" : "CRL: " + view.crl());
                    printer.line(directory.isPresent() ? "Database: " + database : "Database: not changed (pass --lock-user [USER[@HOST]] or"
                            + " --drop-user [USER[@HOST]] to lock or drop the account and kill its sessions; SingleStore does not check"
                            + " CRLs for client certificates, so the account still logs in)");
                });
                return OK;
            } finally {
                directory.ifPresent(io.s2mtls.core.port.UserDirectory::close);
            }
        }

        private String changeDatabase(io.s2mtls.core.port.UserDirectory directory, io.s2mtls.core.user.UserAccount account, boolean drop,
                                      LifecycleUseCase.Revocation revocation, List<String> allSql, List<Long> allKilled, List<String> before) {
            String done = "";
            List<String> sql = new ArrayList<>();
            List<Long> killed = new ArrayList<>();
            try {
                sql.addAll(drop ? directory.drop(account) : directory.lock(account));
                done = (drop ? "dropped " : "locked ") + account + " (" + sql.get(0) + ")";
                List<io.s2mtls.core.user.UserSession> sessions = directory.killSessions(account);
                sessions.forEach(s -> killed.add(s.id()));
                done += sessions.isEmpty() ? "; no open sessions to kill"
                        : "; killed " + sessions.size() + " open session(s) with KILL CONNECTION: " + killed;
            } catch (io.s2mtls.core.error.S2mtlsException e) {
                audit(account, drop, revocation, sql, killed, "failed: " + e.getMessage());
                List<String> happened = new ArrayList<>(before);
                if (!done.isEmpty()) {
                    happened.add(done);
                }
                throw new io.s2mtls.core.error.S2mtlsException(e.kind(), "the certificate is revoked and the CRL written, but "
                        + (happened.isEmpty() ? "the database was not changed" : "only this happened: " + String.join("; ", happened))
                        + ": " + e.getMessage(), e);
            }
            audit(account, drop, revocation, sql, killed, "");
            allSql.addAll(sql);
            allKilled.addAll(killed);
            return done;
        }

        private void audit(io.s2mtls.core.user.UserAccount account, boolean drop, LifecycleUseCase.Revocation revocation,
                           List<String> sql, List<Long> killed, String failure) {
            if (sql.isEmpty()) {
                return;
            }
            lifecycle.get().recordUserChange(drop ? LifecycleUseCase.UserEvent.DROP : LifecycleUseCase.UserEvent.LOCK,
                    account, Optional.empty(), List.of(), Optional.of(revocation.entry()),
                    "cert revoke: " + sql.get(0) + "; killed sessions " + killed + (failure.isEmpty() ? "" : "; " + failure));
        }
    }

    @Command(name = "crl", description = "Write the CA's certificate revocation list (PEM), valid for 7 days.",
            footer = {"", "Example:", "  s2mtls ca crl --out crl.pem"})
    public static final class Crl extends BaseCommand {
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the CRL (overwrites).")
        String out;
        private final Provider<LifecycleUseCase> lifecycle;
        private final Console console;

        @Inject
        Crl(Printer printer, Provider<LifecycleUseCase> lifecycle, Console console) {
            super(printer);
            this.lifecycle = lifecycle;
            this.console = console;
        }

        @Override
        protected int run() {
            Path path = console.path(out);
            Files2.writePublic(path, lifecycle.get().crl(), true);
            record Written(String file) {
            }
            printer.data(new Written(path.toString()), () -> printer.line("Wrote " + path));
            return OK;
        }
    }

    @Command(name = "audit", header = "The audit trail, one JSON object per line.", description = {
            "The audit trail: every CA change, issuance, signing, renewal, revocation and user change, oldest",
            "first, one JSON object per line (time, actor, action, serial, subject, user, detail)."},
            footer = {"", "Examples:", "  s2mtls audit", "  s2mtls audit --action cert.revoke"})
    public static final class Audit extends BaseCommand {
        @Option(names = "--action", paramLabel = "ACTION", description = "Only this action, e.g. cert.issue, cert.renew, cert.revoke, user.create.")
        String action;
        private final Provider<LifecycleUseCase> lifecycle;

        @Inject
        Audit(Printer printer, Provider<LifecycleUseCase> lifecycle) {
            super(printer);
            this.lifecycle = lifecycle;
        }

        @Override
        protected int run() {
            List<AuditEvent> events = lifecycle.get().audit().stream().filter(e -> action == null || e.action().equals(action)).toList();
            events.forEach(e -> printer.line(jsonLine(e)));
            printer.out().flush();
            return OK;
        }

        /** One event as one line of JSON, absent fields left out. */
        static String jsonLine(AuditEvent e) {
            java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
            fields.put("time", e.time().toString());
            fields.put("actor", e.actor());
            fields.put("action", e.action());
            e.serial().ifPresent(v -> fields.put("serial", v));
            e.subject().ifPresent(v -> fields.put("subject", v));
            e.user().ifPresent(v -> fields.put("user", v));
            e.detail().ifPresent(v -> fields.put("detail", v));
            try {
                return LINE.writeValueAsString(fields);
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                throw new IllegalStateException("cannot write an audit event as JSON", ex);
            }
        }

        private static final com.fasterxml.jackson.databind.ObjectMapper LINE = new com.fasterxml.jackson.databind.ObjectMapper();
    }
}
