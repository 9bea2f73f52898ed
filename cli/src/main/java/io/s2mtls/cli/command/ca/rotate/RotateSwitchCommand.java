package io.s2mtls.cli.command.ca.rotate;

import io.s2mtls.cli.command.BaseCommand;
import picocli.CommandLine.Command;

/** {@code s2mtls ca rotate switch}: the next CA issues from now on. */
@Command(name = "switch", header = "The new CA issues from now on; the old one stays trusted.", description = {
        "Make the new CA of a begun rotation the one that issues. The old CA stays trusted, so every",
        "credential it signed keeps logging in. Run it once every server trusts both CAs ('ca rotate status",
        "--bundle FILE' says so for the bundle files you give).",
        "Then 'cert renew --all' (or 'apply') reissues every credential under the new CA with exactly the same",
        "subject (REQUIRE SUBJECT needs no change); deploy the new files to the clients, then 'ca rotate finish'.",
        "Refused (exit 2) unless a rotation has begun; 'ca rotate rollback' undoes it."},
        footer = {"", "Example:", "  s2mtls ca rotate switch && s2mtls cert renew --all --out-dir creds --force"})
public final class RotateSwitchCommand extends BaseCommand {
    @Override
    protected int run() {
        RotationView.print(printer, "switch", "Switched: the new CA issues; the old CA stays trusted until finish.",
                core().rotation().switchOver());
        return OK;
    }
}
