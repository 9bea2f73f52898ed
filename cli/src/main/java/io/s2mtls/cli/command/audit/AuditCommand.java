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
        events.forEach(e -> printer.line(jsonLine(e)));
        printer.out().flush();
        return OK;
    }

    /** One event as one line of JSON, absent fields left out. */
    static String jsonLine(AuditEvent e) {
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("time", e.time().toString());
        fields.put("actor", e.actor());
        fields.put("action", e.action());
        e.serial().ifPresent(v -> fields.put("serial", v));
        e.subject().ifPresent(v -> fields.put("subject", v));
        e.user().ifPresent(v -> fields.put("user", v));
        e.detail().ifPresent(v -> fields.put("detail", v));
        try {
            return LINE.writeValueAsString(fields);
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException("cannot write an audit event as JSON", ex);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper LINE = new com.fasterxml.jackson.databind.ObjectMapper();
}
