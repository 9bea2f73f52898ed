package io.s2mtls.cli.command.ca.rotate;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.core.usecase.RotationStatus;
import io.s2mtls.core.usecase.RotationUseCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code s2mtls ca rotate status}: where a rotation stands and what each part of the fleet still needs. */
@Command(name = "status", header = "Where a CA rotation stands, and what is still to do before the next phase.", description = {
        "Print the phase, both CAs, how many credentials the old CA still signs, and for each --bundle file (a",
        "server's ssl_ca_for_client_cert as deployed) whether it holds every CA certificate the phase needs and",
        "none it must no longer hold. Reads the store only; changes nothing.",
        "Ready for the next phase means: every --bundle file holds what the phase needs (begun: both CAs; after",
        "finish: no retired CA), and once switched no valid credential is still signed by the old CA.",
        "Exit 0; with --check, exit 1 when not ready (for scripts and monitoring)."},
        footer = {"", "Examples:",
                "  s2mtls ca rotate status",
                "  s2mtls ca rotate status --bundle /etc/memsql/ssl/ca-cert.pem --check",
                "  s2mtls ca rotate status --output json"})
public final class RotateStatusCommand extends BaseCommand {
    @Option(names = "--bundle", paramLabel = "FILE", description = "A server's CA bundle file (PEM) to check; repeatable.")
    List<String> bundleFiles = new ArrayList<>();
    @Option(names = "--check", description = "Exit 1 unless the next phase may go ahead (see above).")
    boolean check;

    @Override
    protected int run() {
        List<RotationUseCase.BundleFile> bundles = new ArrayList<>();
        for (String given : bundleFiles) {
            Path file = console().path(given);
            bundles.add(new RotationUseCase.BundleFile(Files2.read(file, "--bundle"), file.toString()));
        }
        RotationStatus status = core().rotation().status(bundles);
        RotationView.Json json = RotationView.json("status", status);
        RotationView.print(printer, "status", status.phase() == io.s2mtls.core.pki.RotationPhase.NONE
                ? "No CA rotation is under way." : "A CA rotation is under way.", status);
        return check && !json.ready() ? CHECK_FAILED : OK;
    }
}
