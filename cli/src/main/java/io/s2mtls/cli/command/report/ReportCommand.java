package io.s2mtls.cli.command.report;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.command.db.AdminConnectionOptions;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.cli.command.db.UserDirectoryCommand;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Durations;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.usecase.Overview;
import io.s2mtls.core.usecase.OverviewUseCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/** {@code s2mtls report}: one self-contained HTML page about the store (and, with a server, its users). */
@Command(name = "report", sortOptions = false, header = "One self-contained HTML page: CAs, an expiry timeline, users, drift, audit.",
        description = {
                "Write one HTML file that needs nothing else (inline styles and drawings, no script, no link to anything",
                "outside it): the CAs and the rotation phase, an expiry timeline of every credential coloured and labelled by",
                "status (valid, expiring within --within, expired, revoked), the database users bound to each credential,",
                "and the last audit events. With --jdbc-url (or env S2MTLS_JDBC_URL) it also reads every recorded user's",
                "requirement from the server and shows where the server differs from the record (drift).",
                "The file is written atomically with mode 0644; it holds names, subjects and dates, no key or password."},
        footer = {"", "Examples:", "  s2mtls report --html report.html",
                "  s2mtls report --html report.html --within 14d --force",
                "  s2mtls report --html report.html --jdbc-url jdbc:singlestore://db.example.com:3306/"})
public final class ReportCommand extends UserDirectoryCommand<OverviewUseCase> {
    @Option(names = "--html", required = true, paramLabel = "FILE", order = 0, description = "Where to write the page.")
    String html;
    @Option(names = "--within", paramLabel = "DURATION", defaultValue = "30d", order = 0,
            description = "A valid certificate ending within this window counts as expiring (default: 30d; e.g. 14d, 12h, 2w).")
    String within;
    @Option(names = "--audit", paramLabel = "N", defaultValue = "50", order = 0, description = "How many of the last audit events to show (default: 50).")
    int auditEvents;
    @Option(names = "--force", order = 0, description = "Overwrite FILE if it exists.")
    boolean force;
    @Mixin
    AdminConnectionOptions adminConnection;

    @Inject
    ReportCommand(Printer printer, Console console, Databases databases, Provider<OverviewUseCase> overviews) {
        super(printer, console, databases, overviews);
    }

    @Override
    protected int run() {
        Path file = console.path(html);
        Files2.refuseOverwrite(file, force);
        Duration window = Durations.parse(within, "--within");
        if (auditEvents < 0 || auditEvents > 100_000) {
            throw S2mtlsException.badInput("--audit: " + auditEvents + " is not between 0 and 100000");
        }
        boolean withServer = adminConnection.connection().jdbcUrl() != null || console.env(Databases.JDBC_URL_ENV).filter(v -> !v.isBlank()).isPresent();
        Overview overview;
        if (withServer) {
            try (UserDirectory directory = openDirectory(adminConnection)) {
                overview = useCase().overview(auditEvents, directory);
            }
        } else {
            overview = useCase().overview(auditEvents);
        }
        Files2.writePublic(file, HtmlReport.render(overview, window), force);
        record Written(String file, int credentials, int users, boolean server) {
        }
        Written written = new Written(file.toString(), overview.credentials().size(), overview.managedUsers().size(), withServer);
        printer.data(written, () -> printer.line("Wrote " + file + " (" + count(written.credentials(), "credential") + ", "
                + count(written.users(), "recorded user") + (withServer ? ", compared with the server" : "") + ")"));
        return OK;
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
