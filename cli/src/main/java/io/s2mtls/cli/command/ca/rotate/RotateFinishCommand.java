package io.s2mtls.cli.command.ca.rotate;

import io.s2mtls.cli.command.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code s2mtls ca rotate finish}: the old CA is retired. */
@Command(name = "finish", header = "Retire the old CA once no valid credential it signed is left.", description = {
        "Retire the old CA of a switched rotation: the store forgets it, and 'ca export --bundle' holds the new",
        "CA only. Deploy that bundle to every server; from then on certificates of the old CA are refused.",
        "Refused (exit 2, nothing changed) while credentials that are neither expired nor revoked are still",
        "signed by the old CA ('ca rotate status' lists them; 'cert renew --all' reissues them), unless --force."},
        footer = {"", "Example:", "  s2mtls ca rotate finish && s2mtls ca export --bundle --out ca-bundle.pem --force"})
public final class RotateFinishCommand extends BaseCommand {
    @Option(names = "--force", description = "Retire the old CA even though valid credentials it signed remain: they stop logging in"
            + " once the servers get the new bundle.")
    boolean force;

    @Override
    protected int run() {
        RotationView.print(printer, "finish", "Finished: the old CA is retired; only the new CA is trusted and issues.",
                core().rotation().finish(force));
        return OK;
    }
}
