package io.s2mtls.cli.command.store;

import picocli.CommandLine.Command;

/** {@code s2mtls store}: the store itself. Lists its subcommands, one class each. */
@Command(name = "store", description = "Look after the store itself (change its password).",
        subcommands = {
                StorePasswdCommand.class})
public final class StoreCommand {
}
