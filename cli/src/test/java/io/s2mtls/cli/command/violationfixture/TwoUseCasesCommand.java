package io.s2mtls.cli.command.violationfixture;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.usecase.IssueCommand;
import picocli.CommandLine.Command;

/** A command that assembles a workflow from two use-case calls; only RulesCanFailTest looks at it. */
@Command(name = "two")
public final class TwoUseCasesCommand implements Runnable {
    private final S2mtls s2mtls;

    public TwoUseCasesCommand(S2mtls s2mtls) {
        this.s2mtls = s2mtls;
    }

    @Override
    public void run() {
        s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/CN=a")));
        s2mtls.inventory().list();
    }
}
