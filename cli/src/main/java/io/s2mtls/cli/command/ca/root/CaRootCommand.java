package io.s2mtls.cli.command.ca.root;

import picocli.CommandLine.Command;

/** {@code s2mtls ca root}: the root above an intermediate CA. Lists its subcommands, one class each. */
@Command(name = "root", header = "Take the root CA's key offline: export it, then remove it from the store.", description = {
        "The root above an intermediate CA (made with 'ca create --intermediate') signs only intermediates, so its",
        "key need not live where the daily signing happens: export it to a PKCS#12 file kept offline, then remove",
        "it from the store. The root certificate stays in the chain. 'ca rotate begin --root-file FILE' brings",
        "it back for one command, to sign the next intermediate."},
        subcommands = {
                RootExportCommand.class,
                RootRemoveCommand.class})
public final class CaRootCommand {
}
