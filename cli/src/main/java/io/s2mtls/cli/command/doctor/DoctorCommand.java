package io.s2mtls.cli.command.doctor;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.command.db.AdminOptions;
import io.s2mtls.cli.command.db.ConnectionOptions;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.cli.support.Secrets;
import io.s2mtls.core.doctor.CheckResult;
import io.s2mtls.core.doctor.DoctorReport;
import io.s2mtls.core.doctor.PresentedCredential;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.usecase.DoctorUseCase;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.port.UserDirectory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code s2mtls doctor}: why can't this user log in? */
@Command(name = "doctor", header = "Why can't this user log in? Nine checks in order, each with its fix.", sortOptions = false, description = {
        "Why can't this user log in? Runs the troubleshooting steps in order and prints each as PASS, FAIL or SKIP "
                + "with the fix: 1 the certificate file parses; 2 the key matches it; 3 validity dates (clock skew "
                + "noted) and revocation (a certificate the store's inventory records as revoked); 4 signature algorithm strength (no SHA-1/MD5); 5 clientAuth extended key usage; 6 the chain "
                + "to the client CA (the server's own bundle when its file is readable here, else the store's CA; --ca or "
                + "S2MTLS_CA names the server certificate's CA, which is never taken for the client CA); 7 the subject against the account's REQUIRE SUBJECT (read back from the server, else the store's "
                + "record), with the first differing byte and the likely cause; 8 the account exists for that host "
                + "and is not locked; "
                + "9 a live TLS handshake and login. Steps that cannot run after a failure are skipped. Exit 0 when the "
                + "login works, 1 with the failing step otherwise. Steps 7 and 8 need the administrative login of the "
                + "user commands; without it they rely on the store or are skipped."},
        footer = {"", "Examples:",
                "  s2mtls doctor --user app --credential app",
                "  s2mtls doctor --user app --host '10.0.%%' --cert app.pem --key app-key.pem --ca ca.pem",
                "  s2mtls doctor --user app --credential app --output json"})
public final class DoctorCommand implements Callable<Integer> {
    static final int LOGIN_WORKS = 0;
    static final int PROBLEM_FOUND = 1;

    @Option(names = "--user", required = true, paramLabel = "NAME", order = 0, description = "The account that cannot log in.")
    String user;

    @Option(names = "--host", paramLabel = "PATTERN", defaultValue = UserAccount.ANY_HOST, order = 1,
            description = "The account's host pattern (default: ${DEFAULT-VALUE}).")
    String host;

    @ArgGroup(exclusive = true, multiplicity = "1", order = 2)
    Presented presented;

    static final class Presented {
        @Option(names = "--credential", paramLabel = "NAME", required = true, description = "A credential in the store (certificate and key).")
        String credential;
        @ArgGroup(exclusive = false)
        FileCredential files;
    }

    static final class FileCredential {
        @Option(names = "--cert", paramLabel = "FILE", required = true, description = "The client certificate (PEM or DER; intermediates may follow).")
        String cert;
        @Option(names = "--key", paramLabel = "FILE", description = "Its private key (PEM); without it steps 2 and 9 are skipped.")
        String key;
        @Option(names = "--key-password-file", paramLabel = "FILE", description = "The password of an encrypted --key.")
        String keyPasswordFile;
    }

    @Mixin
    ConnectionOptions connection;

    @Mixin
    AdminOptions admin;

    private final Printer printer;
    private final Databases databases;
    private final Provider<DoctorUseCase> doctor;
    private final Console console;
    private final Secrets secrets;

    @Inject
    DoctorCommand(Printer printer, Databases databases, Provider<DoctorUseCase> doctor, Console console, Secrets secrets) {
        this.printer = printer;
        this.databases = databases;
        this.doctor = doctor;
        this.console = console;
        this.secrets = secrets;
    }

    @Override
    public Integer call() {
        UserAccount account = new UserAccount(user, host);
        String url = databases.jdbcUrl(connection);
        DoctorUseCase.Request request = presented.credential != null ? DoctorUseCase.Request.stored(account, presented.credential)
                : DoctorUseCase.Request.files(account, files(presented.files));
        List<UserDirectory> opened = new ArrayList<>();
        try {
            DoctorUseCase.Diagnosis diagnosis = doctor.get().diagnose(request, () -> server(url, opened));
            print(diagnosis.report(), diagnosis.presented());
            return diagnosis.report().loginWorks() ? LOGIN_WORKS : PROBLEM_FOUND;
        } finally {
            opened.forEach(UserDirectory::close);
        }
    }

    private PresentedCredential.Files files(FileCredential files) {
        Path cert = console.path(files.cert);
        byte[] certificate = Files2.read(cert, "--cert");
        Optional<byte[]> key = Optional.ofNullable(files.key).map(k -> Files2.read(console.path(k), "--key"));
        Optional<char[]> password = files.keyPasswordFile == null ? Optional.empty()
                : Optional.of(secrets.readFile(files.keyPasswordFile, "--key-password-file"));
        return new PresentedCredential.Files(cert.toString(), certificate, Optional.ofNullable(files.key).map(k -> console.path(k).toString()),
                key, password);
    }

    /** The server as the doctor sees it: the administrative connection when it opens (else why not), and logins. */
    private CliDoctorServer server(String url, List<UserDirectory> opened) {
        List<X509Certificate> serverCas = databases.serverCas(connection);
        Optional<UserDirectory> directory = Optional.empty();
        Optional<String> adminUnavailable = Optional.empty();
        try {
            directory = Optional.of(databases.openDirectory(connection, admin));
            opened.add(directory.get());
        } catch (S2mtlsException e) {
            adminUnavailable = Optional.of(e.getMessage());
        }
        return new CliDoctorServer(databases, connection, serverCas, directory, adminUnavailable, where(url));
    }

    private static String where(String url) {
        String rest = url.substring(url.indexOf("//") + 2);
        int end = rest.indexOf('/');
        return end < 0 ? rest : rest.substring(0, end);
    }

    record CheckView(int step, String name, String status, String summary, String fix, List<String> details) {
    }

    record ReportView(String user, String host, String presented, boolean loginWorks, Integer failedStep, List<CheckView> checks) {
    }

    private void print(DoctorReport report, String source) {
        List<CheckView> checks = report.checks().stream().map(c -> new CheckView(c.step().number(), c.step().title(),
                label(c.status()), c.summary(), c.fix().orElse(null), c.details())).toList();
        Integer failed = report.firstFailure().map(c -> c.step().number()).orElse(null);
        ReportView view = new ReportView(report.account().name(), report.account().host(), source, report.loginWorks(), failed, checks);
        printer.data(view, () -> {
            printer.line("doctor: " + report.account() + " with " + source);
            for (CheckView check : checks) {
                printer.line(String.format("%d %-4s %s: %s", check.step(), check.status(), check.name(), check.summary()));
                check.details().forEach(d -> printer.line("         " + d));
                if (check.fix() != null) {
                    printer.line("         fix: " + check.fix());
                }
            }
            printer.line(report.loginWorks() ? "Result: the login works."
                    : report.firstFailure().map(c -> "Result: step " + c.step().number() + " failed (" + c.step().title() + ").")
                    .orElse("Result: the login was not proven (see the skipped steps)."));
        });
    }

    private static String label(CheckResult.Status status) {
        return status == CheckResult.Status.SKIPPED ? "SKIP" : status.name().toUpperCase(Locale.ROOT);
    }
}
