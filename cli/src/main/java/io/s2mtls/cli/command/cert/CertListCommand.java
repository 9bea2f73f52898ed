package io.s2mtls.cli.command.cert;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.command.Views;
import io.s2mtls.cli.support.Durations;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.usecase.InventoryUseCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code s2mtls cert list}: the inventory, filtered. */
@Command(name = "list", header = "The inventory of certificates issued from this store.", description = {
        "The inventory: every certificate issued or signed from this store, with status and expiry.",
        "Status: valid, expired (valid but past its end date), superseded (replaced by a renewal) or revoked.",
        "The filters narrow the list, all of them together: --name (a glob: * any run, ? one character),",
        "--status, --profile and --expiring-within.",
        "With --expiring-within, only valid ones that expire inside the window (or have expired), and exit 1 when",
        "any are listed (for cron and monitoring)."},
        footer = {"", "Examples:", "  s2mtls cert list", "  s2mtls cert list --expiring-within 30d --output json",
                "  s2mtls cert list --name 'app_*' --status valid,expired --profile client"})
public final class CertListCommand extends BaseCommand {
    @Option(names = "--expiring-within", paramLabel = "DURATION", description = "e.g. 30d, 12h, 2w.")
    String expiringWithin;
    @Option(names = "--name", paramLabel = "GLOB", description = "Only credentials whose name matches: exact, or with * and ?.")
    String name;
    @Option(names = "--status", paramLabel = "STATUS", split = ",", description = "Only these: valid, expired, superseded, revoked (comma-separated or repeated).")
    List<String> statuses = new ArrayList<>();
    @Option(names = "--profile", paramLabel = "PROFILE", split = ",", description = "Only these: client, server, ca (comma-separated or repeated).")
    List<String> profiles = new ArrayList<>();

    @Override
    protected int run() {
        java.util.Set<InventoryUseCase.Standing> standings = new java.util.HashSet<>();
        for (String status : statuses) {
            standings.add(java.util.Arrays.stream(InventoryUseCase.Standing.values()).filter(s -> s.word().equals(status.strip().toLowerCase(java.util.Locale.ROOT)))
                    .findFirst().orElseThrow(() -> S2mtlsException.badInput("--status: '" + status + "' is not one of valid, expired, superseded, revoked")));
        }
        java.util.Set<CertificateProfile> kinds = new java.util.HashSet<>();
        for (String profile : profiles) {
            kinds.add(java.util.Arrays.stream(CertificateProfile.values()).filter(p -> p.name().equalsIgnoreCase(profile.strip()))
                    .findFirst().orElseThrow(() -> S2mtlsException.badInput("--profile: '" + profile + "' is not one of client, server, ca")));
        }
        List<InventoryUseCase.Row> found = core().inventory().rows(new InventoryUseCase.Query(Optional.ofNullable(name), standings, kinds,
                Optional.ofNullable(expiringWithin).map(w -> Durations.parse(w, "--expiring-within"))));
        List<Views.EntryView> views = found.stream().map(row -> Views.EntryView.of(row.entry(), row.standing().word())).toList();
        boolean filtered = name != null || !standings.isEmpty() || !kinds.isEmpty();
        printer.data(views, () -> {
            if (views.isEmpty()) {
                printer.line(expiringWithin != null ? "Nothing expires within " + expiringWithin + (filtered ? " among the certificates that match." : ".")
                        : filtered ? "No certificates match." : "No certificates recorded.");
                return;
            }
            List<List<String>> rows = views.stream().map(v -> List.of(v.name(), v.serial(), v.profile(), v.status(), v.notAfter(), v.subject())).toList();
            Views.table(List.of("NAME", "SERIAL", "PROFILE", "STATUS", "NOT AFTER", "SUBJECT"), rows).forEach(printer::line);
        });
        return expiringWithin != null && !views.isEmpty() ? CHECK_FAILED : OK;
    }
}
