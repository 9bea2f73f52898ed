package io.s2mtls.cli.command.audit;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.command.db.DatabaseCommand;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.usecase.AuditUseCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Optional;

/** {@code s2mtls audit}: the audit trail. */
@Command(name = "audit", header = "The audit trail, one JSON object per line.", description = {
        "The audit trail: every CA change, issuance, signing, renewal, revocation and user change, oldest",
        "first, one JSON object per line (time, actor, action, serial, subject, user, detail)."},
        footer = {"", "Examples:", "  s2mtls audit", "  s2mtls audit --action cert.revoke"})
public final class AuditCommand extends DatabaseCommand {
    @Option(names = "--action", paramLabel = "ACTION", description = "Only this action, e.g. cert.issue, cert.renew, cert.revoke, user.create.")
    String action;
    private final Provider<AuditUseCase> audit;

    @Inject
    AuditCommand(Printer printer, Provider<AuditUseCase> audit) {
        super(printer);
        this.audit = audit;
    }

    @Override
    protected int run() {
        List<AuditEvent> events = audit.get().all(Optional.ofNullable(action));
        events.forEach(e -> printer.line(e.toJsonLine()));
        printer.out().flush();
        return OK;
    }
}
