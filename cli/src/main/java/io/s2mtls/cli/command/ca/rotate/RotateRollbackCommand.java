package io.s2mtls.cli.command.ca.rotate;

import io.s2mtls.cli.command.BaseCommand;
import picocli.CommandLine.Command;

/** {@code s2mtls ca rotate rollback}: undo the last phase of a rotation. */
@Command(name = "rollback", header = "Undo the last phase of a CA rotation.", description = {
        "Undo the last phase: after switch, the old CA issues again (both stay trusted); after begin, the new CA",
        "is forgotten (refused while a valid credential it signed exists: revoke or reissue it first).",
        "A rotation interrupted at any point is resumed with the next phase's command or undone with this one."},
        footer = {"", "Example:", "  s2mtls ca rotate rollback"})
public final class RotateRollbackCommand extends BaseCommand {
    @Override
    protected int run() {
        RotationView.print(printer, "rollback", "Rolled back the last phase of the CA rotation.", core().rotation().rollback());
        return OK;
    }
}
