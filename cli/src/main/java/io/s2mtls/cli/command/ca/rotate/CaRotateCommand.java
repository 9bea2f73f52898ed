package io.s2mtls.cli.command.ca.rotate;

import picocli.CommandLine.Command;

/** {@code s2mtls ca rotate}: a staged CA rotation. Lists its subcommands, one class each. */
@Command(name = "rotate", header = "Replace the CA in stages, without a failed login: begin, switch, finish.", description = {
        "Replace the CA (or the intermediate under the same root) without a failed login, in phases:",
        "  begin     make the next CA; servers must now trust both (deploy 'ca export --bundle')",
        "  switch    the next CA issues; 'cert renew --all' (or 'apply') moves every credential to it",
        "  finish    retire the old CA once no valid credential it signed is left; deploy the new bundle",
        "  rollback  undo the last phase;  status  where it stands, and what is still to do",
        "Each phase is one store change, recorded in the audit trail, and prints the steps the servers need.",
        "The runbook: docs/guides/rotation.md."},
        subcommands = {
                RotateBeginCommand.class,
                RotateStatusCommand.class,
                RotateSwitchCommand.class,
                RotateFinishCommand.class,
                RotateRollbackCommand.class})
public final class CaRotateCommand {
}
