package io.s2mtls.cli.command.violationfixture;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.usecase.IssueCommand;
import io.s2mtls.core.usecase.IssuedCertificate;
import picocli.CommandLine.Command;

/**
 * A command as it should be: one use-case method (called twice, through the facade's accessor), plus
 * values of the use-case package; only RulesCanFailTest looks at it.
 */
@Command(name = "one")
public final class OneUseCaseCommand implements Runnable {
    private final S2mtls s2mtls;
    private String serials;

    public OneUseCaseCommand(S2mtls s2mtls) {
        this.s2mtls = s2mtls;
    }

    @Override
    public void run() {
        IssuedCertificate first = s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/CN=a")));
        IssuedCertificate second = s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/CN=b")));
        serials = first.certificate().getSerialNumber() + " " + second.certificate().getSerialNumber();
    }
}
