package io.s2mtls.cli.command.ca;

import picocli.CommandLine.Command;

/** {@code s2mtls ca}: the certificate authority. Lists its subcommands, one class each. */
@Command(name = "ca", description = "Create, import, show and export the certificate authority that signs client certificates.",
        subcommands = {
                CaCreateCommand.class,
                CaImportCommand.class,
                CaShowCommand.class,
                CaExportCommand.class,
                CaCrlCommand.class})
public final class CaCommand {
}
