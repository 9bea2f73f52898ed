package io.s2mtls.cli.command.policy;

import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.policy.Plan;

import java.util.List;
import java.util.Locale;

/** How a plan is printed: text for people, JSON (these records) for scripts. */
final class PlanView {
    private PlanView() {
    }

    record CertificateView(String credential, String user, String subject, String reason, String detail, String replacesSerial,
                           String key, int days) {
    }

    record UserView(String user, String change, String reason, String source, List<String> sql) {
    }

    record PlanJson(String policy, String server, boolean changes, List<CertificateView> certificates, List<UserView> users,
                    List<String> warnings) {
    }

    record Applied(int certificatesIssued, int statementsExecuted, int usersRecorded, long millis) {
    }

    /** {@code apply --output json}: the plan that was carried out, and what it took. */
    record ApplyJson(PlanJson plan, Applied applied) {
    }

    static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static PlanJson json(Plan plan, String file) {
        String key = plan.policy().defaults().key().label();
        int days = plan.policy().defaults().days();
        return new PlanJson(file, plan.server(), !plan.isEmpty(),
                plan.certificates().stream().map(c -> new CertificateView(c.credential(), c.account().toString(), c.subject().oneline(),
                        lower(c.reason()), c.detail(), c.replacesSerial().orElse(null), key, days)).toList(),
                plan.users().stream().map(u -> new UserView(u.account().toString(), lower(u.change()), u.reason(), u.source().orElse(null),
                        u.sql())).toList(),
                plan.warnings());
    }

    static void print(Printer printer, Plan plan, String file) {
        printer.data(json(plan, file), () -> {
            printer.line("Policy " + file + " (" + plan.policy().users().size() + " users) against " + plan.server() + ":");
            if (plan.isEmpty()) {
                printer.line("No changes: the store and the server match the policy.");
                plan.warnings().forEach(w -> printer.line("warning: " + w));
                return;
            }
            String key = plan.policy().defaults().key().label();
            int days = plan.policy().defaults().days();
            if (!plan.certificates().isEmpty()) {
                printer.line("");
                printer.line("Certificates to issue (" + plan.certificates().size() + "):");
                for (Plan.CertificateAction c : plan.certificates()) {
                    printer.line("  + " + c.credential() + "  " + c.subject().oneline() + "  " + key + ", " + days + " days  ("
                            + lower(c.reason()) + ": " + c.detail() + ")");
                }
            }
            if (!plan.users().isEmpty()) {
                printer.line("");
                printer.line("Account changes (" + plan.users().size() + "):");
                for (Plan.UserAction u : plan.users()) {
                    printer.line("  " + symbol(u.change()) + " " + lower(u.change()) + " " + u.account()
                            + u.source().map(s -> " [source: " + s + "]").orElse("") + ": " + u.reason());
                    u.sql().forEach(sql -> printer.line("      " + sql + ";"));
                }
            }
            plan.warnings().forEach(w -> printer.line("warning: " + w));
            printer.line("");
            printer.line("Plan: " + plan.certificates().size() + " certificate(s) to issue, " + plan.users().size()
                    + " account change(s), " + plan.sql().size() + " SQL statement(s).");
        });
    }

    private static String symbol(Plan.UserChange change) {
        return switch (change) {
            case CREATE, GRANT -> "+";
            case DROP, REVOKE, FORGET -> "-";
            default -> "~";
        };
    }
}
