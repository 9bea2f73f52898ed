package io.s2mtls.cli.command.cert;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.command.CredentialFiles;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Durations;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.cli.support.Progress;
import io.s2mtls.cli.support.Secrets;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.usecase.LifecycleUseCase;
import io.s2mtls.core.usecase.RenewRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code s2mtls cert renew}: renews through the lifecycle use case and writes the renewed files with
 * {@link CredentialFiles}.
 */
@Command(name = "renew", header = "Renew credentials with exactly the same subject (no ALTER USER needed).", description = {
        "Renew credentials: a new key and a certificate with exactly the same subject (the same DER), so",
        "REQUIRE SUBJECT keeps matching and no ALTER USER is needed. The old certificate is marked",
        "superseded and keeps working until it expires or is revoked. --due renews every credential that",
        "expires within the window; --all every current credential (during a CA rotation, after 'ca rotate",
        "switch', this moves every credential to the new CA); --rotation only those a CA rotation still has",
        "to move (signed by the old CA, neither expired nor revoked).",
        "Renewals are signed by the CA that issues now; under an intermediate CA the files carry it after the",
        "certificate.",
        "With --out-dir it writes NAME-key.pem, NAME-cert.pem, NAME.p12 (and NAME.p12.pass) and ca-cert.pem, and",
        "lists them. Files that already exist are never overwritten without --force: the renewal is refused",
        "(exit 2) before anything is renewed, naming the first such file."},
        footer = {"", "Examples:", "  s2mtls cert renew app_reader --out-dir creds-new",
                "  s2mtls cert renew app_reader --out-dir creds --force   # replace the files of the old certificate",
                "  s2mtls cert renew --due --within 30d --out-dir creds   # from cron",
                "  s2mtls cert renew --all --out-dir creds --force        # after 'ca rotate switch'"})
public final class CertRenewCommand extends BaseCommand {
    @Parameters(arity = "0..*", paramLabel = "NAME|SERIAL", description = "Credentials to renew, by name or serial (hex).")
    List<String> references = new ArrayList<>();
    @Option(names = "--due", description = "Renew everything that expires within --within.")
    boolean due;
    @Option(names = "--all", description = "Renew every current credential (not revoked, not superseded, with its key in the store).")
    boolean all;
    @Option(names = "--rotation", description = "Renew every current credential a CA rotation still has to move to the new CA.")
    boolean rotation;
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
    private final Console console;
    private final Secrets secrets;

    @Inject
    CertRenewCommand(Printer printer, Provider<LifecycleUseCase> lifecycle, Console console, Secrets secrets) {
        super(printer);
        this.lifecycle = lifecycle;
        this.console = console;
        this.secrets = secrets;
    }

    /** One renewal; {@code files}: what --out-dir got (null without it). */
    record Renewed(String name, String oldSerial, String newSerial, String subject, String notAfter, CredentialFiles.Written files) {
    }

    /**
     * Before anything is renewed: the directory can be written and no credential file in it is a link; without
     * --force, the check the renewal runs on the names it resolved: none of the files it writes is already there.
     */
    private Optional<LifecycleUseCase.BeforeRenewal> checkOutDir(Optional<char[]> p12) {
        Path directory = console.path(outDir);
        CredentialFiles.checkDirectoryForRewrite(directory);
        if (force) {
            return Optional.empty();
        }
        return Optional.of((names, ca) -> {
            for (String name : names) {
                CredentialFiles.checkWritable(directory, name, true, false, ca.certificate(), p12);
            }
        });
    }

    @Override
    protected int run() {
        int selections = (references.isEmpty() ? 0 : 1) + (due ? 1 : 0) + (all ? 1 : 0) + (rotation ? 1 : 0);
        if (selections != 1) {
            throw S2mtlsException.badInput(selections == 0 ? "name what to renew (NAME or SERIAL), or pass --due, --all or --rotation"
                    : "give one of NAME|SERIAL, --due, --all and --rotation");
        }
        boolean bulk = due || all || rotation;
        Optional<KeySpec> keySpec = Optional.ofNullable(key).map(KeySpec::parse);
        Optional<char[]> p12 = outDir == null ? Optional.empty() : CredentialFiles.p12Password(secrets, p12PasswordFile);
        if (force && outDir == null) {
            throw S2mtlsException.badInput("--force goes with --out-dir (it lets the renewal overwrite files there)");
        }
        Optional<LifecycleUseCase.BeforeRenewal> beforeRenewal = outDir == null ? Optional.empty() : checkOutDir(p12);
        Optional<Duration> window = due ? Optional.of(Durations.parse(within, "--within")) : Optional.empty();
        int threads = Runtime.getRuntime().availableProcessors();
        List<LifecycleUseCase.Renewal> renewals;
        try (Progress progress = bulk || references.size() > 1 ? Progress.of(console, "renewed", bulk ? 0 : references.size()) : Progress.none()) {
            Optional<Integer> validity = Optional.ofNullable(days);
            RenewRequest request = all ? RenewRequest.all(keySpec, validity, threads, progress::update)
                    : rotation ? RenewRequest.rotation(keySpec, validity, threads, progress::update)
                    : new RenewRequest(references, window, keySpec, validity, threads, progress::update);
            renewals = lifecycle.get().renew(request, beforeRenewal);
        }
        List<CredentialFiles.Written> written = new ArrayList<>();
        if (outDir != null && !renewals.isEmpty()) {
            Path directory = console.path(outDir);
            for (LifecycleUseCase.Renewal renewal : renewals) {
                written.add(CredentialFiles.write(directory, renewal.renewed().name(), renewal.renewed().certificate(), renewal.renewed().privateKey(),
                        true, renewal.renewed().caCertificate(), p12, force));
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
                printer.line("Nothing to renew" + (due ? " within " + within : rotation ? ": no credential is still signed by the old CA" : "") + ".");
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
