package io.s2mtls.cli.command.cert;

import picocli.CommandLine.Command;

/** {@code s2mtls cert}: issuing, signing, checking and listing certificates. Lists its subcommands, one class each. */
@Command(name = "cert", description = "Issue, sign, verify, show, list and export certificates.",
        subcommands = {
                CertIssueCommand.class,
                CertSignCommand.class,
                CertVerifyCommand.class,
                CertShowCommand.class,
                CertListCommand.class,
                CertExportCommand.class,
                CertRenewCommand.class,
                CertRevokeCommand.class})
public final class CertCommand {
}
