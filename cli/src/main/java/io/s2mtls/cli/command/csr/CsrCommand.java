package io.s2mtls.cli.command.csr;

import picocli.CommandLine.Command;

/** {@code s2mtls csr}: the client side of certificate requests. Lists its subcommands, one class each. */
@Command(name = "csr", description = "Make certificate signing requests (the client keeps its key; the CA signs with 'cert sign').",
        subcommands = {
                CsrCreateCommand.class})
public final class CsrCommand {
}
