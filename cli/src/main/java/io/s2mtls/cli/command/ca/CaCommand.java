package io.s2mtls.cli.command.ca;

import io.s2mtls.cli.command.ca.root.CaRootCommand;
import io.s2mtls.cli.command.ca.rotate.CaRotateCommand;
import picocli.CommandLine.Command;

/** {@code s2mtls ca}: the certificate authority. Lists its subcommands, one class each. */
@Command(name = "ca", description = "Create, import, show, export and rotate the certificate authority that signs client certificates.",
        subcommands = {
                CaCreateCommand.class,
                CaImportCommand.class,
                CaShowCommand.class,
                CaExportCommand.class,
                CaCrlCommand.class,
                CaRootCommand.class,
                CaRotateCommand.class})
public final class CaCommand {
}
