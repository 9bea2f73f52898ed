package io.s2mtls.cli.command.metrics;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.core.usecase.Overview;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code s2mtls metrics}: the store as Prometheus metrics. */
@Command(name = "metrics", header = "The store as Prometheus metrics (text exposition format).", description = {
        "Print the store's state in the Prometheus text exposition format (version 0.0.4): per credential the expiry",
        "time of its current certificate and whether it is revoked, counts by status, every CA's expiry, the CA",
        "rotation phase, and when the renewal agent last renewed a credential. Reads no private key.",
        "With --out FILE the same text replaces FILE atomically (mode 0644: it holds no secret), for node_exporter's",
        "textfile collector: run it from cron or a systemd timer into the collector's directory.",
        "With --out, nothing is printed (with --output json, the file written); without, --output json prints the samples as JSON."},
        footer = {"", "Examples:", "  s2mtls metrics",
                "  s2mtls metrics --out /var/lib/prometheus/node-exporter/s2mtls.prom"})
public final class MetricsCommand extends BaseCommand {
    @Option(names = "--out", paramLabel = "FILE",
            description = "Write the exposition to FILE (replaced atomically, mode 0644) instead of standard output.")
    String out;

    @Override
    protected int run() {
        Path file = out == null ? null : console().path(out);
        if (file != null) {
            Files2.refuseOverwrite(file, true);
        }
        Overview overview = core().overview().overview(0);
        if (file != null) {
            Files2.writePublic(file, MetricsExposition.text(overview), true);
            record Written(String file) {
            }
            printer.data(new Written(file.toString()), () -> { }); // quiet for cron; JSON says where
        } else if (printer.json()) {
            printer.data(MetricsExposition.families(overview), () -> { });
        } else {
            printer.out().print(MetricsExposition.text(overview));
            printer.out().flush();
        }
        return OK;
    }
}
