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

    record UserView(String user, String change, boolean destructive, String reason, String source, List<String> sql) {
    }

    /** An account left alone: {@code kind} is {@code exists-not-managed} or {@code admin}. */
    record UntouchedView(String user, String kind, String reason, String fix) {
    }

    /**
     * @param policy             the policy file
     * @param name               the policy's {@code name:}
     * @param destructiveChanges how many of {@code users} drop an account or revoke privileges
     * @param notManaged         accounts apply leaves alone
     */
    /**
     * A credential of the policy still signed by the CA a rotation retires. {@code afterSwitch}: the rotation is only
     * begun, apply leaves it until {@code ca rotate switch}; otherwise apply reissues it under the new CA.
     */
    record RotationReissueView(String credential, String user, String serial, boolean afterSwitch, String action, String reason) {
    }

    /**
     * @param rotationReissues during a CA rotation, the credentials of the policy still signed by the old CA
     */
    record PlanJson(String policy, String name, String server, boolean changes, List<CertificateView> certificates, List<UserView> users,
                    int destructiveChanges, List<UntouchedView> notManaged, List<String> warnings, List<RotationReissueView> rotationReissues) {
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
        return new PlanJson(file, plan.policy().name(), plan.server(), !plan.isEmpty(),
                plan.certificates().stream().map(c -> new CertificateView(c.credential(), c.account().toString(), c.subject().oneline(),
                        lower(c.reason()), c.detail(), c.replacesSerial().orElse(null), key, days)).toList(),
                plan.users().stream().map(u -> new UserView(u.account().toString(), lower(u.change()), u.change().destructive(), u.reason(),
                        u.source().orElse(null), u.sql())).toList(),
                plan.destructive().size(),
                plan.untouched().stream().map(u -> new UntouchedView(u.account().toString(), lower(u.kind()), u.reason(), u.fix())).toList(),
                plan.warnings(),
                plan.rotationReissues().stream().map(r -> new RotationReissueView(r.credential(), r.account().toString(), r.serial(),
                        r.afterSwitch(), r.action(), r.reason())).toList());
    }

    static void print(Printer printer, Plan plan, String file) {
        printer.data(json(plan, file), () -> {
            printer.line("Policy '" + plan.policy().name() + "' in " + file + " (" + plan.policy().users().size() + " users) against "
                    + plan.server() + ":");
            if (plan.isEmpty()) {
                printer.line(plan.untouched().isEmpty() ? "No changes: the store and the server match the policy."
                        : "No changes to make; " + plan.untouched().size() + " account(s) of the policy are left alone (below).");
                untouched(printer, plan);
                rotation(printer, plan);
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
            List<Plan.UserAction> destructive = plan.destructive();
            List<Plan.UserAction> other = plan.users().stream().filter(u -> !u.change().destructive()).toList();
            if (!destructive.isEmpty()) {
                printer.line("");
                printer.line("Destructive changes (" + destructive.size() + "): accounts dropped or privileges revoked");
                destructive.forEach(u -> userAction(printer, u));
            }
            if (!other.isEmpty()) {
                printer.line("");
                printer.line("Account changes (" + other.size() + "):");
                other.forEach(u -> userAction(printer, u));
            }
            untouched(printer, plan);
            rotation(printer, plan);
            plan.warnings().forEach(w -> printer.line("warning: " + w));
            printer.line("");
            printer.line("Plan: " + plan.certificates().size() + " certificate(s) to issue, "
                    + (plan.reissuesNow().isEmpty() ? "" : plan.reissuesNow().size() + " to reissue for the CA rotation, ") + plan.users().size()
                    + " account change(s) (" + destructive.size() + " destructive), " + plan.sql().size() + " SQL statement(s)"
                    + (plan.untouched().isEmpty() ? "" : ", " + plan.untouched().size() + " account(s) left alone") + ".");
        });
    }

    private static void userAction(Printer printer, Plan.UserAction u) {
        printer.line("  " + symbol(u.change()) + " " + lower(u.change()) + " " + u.account()
                + u.source().map(s -> " [source: " + s + "]").orElse("") + ": " + u.reason());
        u.sql().forEach(sql -> printer.line("      " + sql + ";"));
    }

    /** The rotation reissues: what apply does now (switched), or what waits for the switch (begun). */
    private static void rotation(Printer printer, Plan plan) {
        if (plan.rotationReissues().isEmpty()) {
            return;
        }
        List<Plan.RotationReissue> now = plan.reissuesNow();
        printer.line("");
        printer.line(now.isEmpty() ? "CA rotation (" + plan.rotationReissues().size() + "): still signed by the old CA; apply reissues them"
                + " after 's2mtls ca rotate switch'" : "CA rotation: certificates to reissue under the new CA (" + now.size() + "), same subject");
        for (Plan.RotationReissue r : plan.rotationReissues()) {
            printer.line("  ~ " + r.credential() + "  serial " + r.serial() + "  " + r.account() + "  (" + r.action() + ": " + r.reason() + ")");
        }
    }

    private static void untouched(Printer printer, Plan plan) {
        if (plan.untouched().isEmpty()) {
            return;
        }
        printer.line("");
        printer.line("Not managed (" + plan.untouched().size() + "): left alone by apply");
        for (Plan.Untouched u : plan.untouched()) {
            printer.line("  ! " + u.account() + ": " + u.reason());
            printer.line("      fix: " + u.fix());
        }
    }

    private static String symbol(Plan.UserChange change) {
        return switch (change) {
            case CREATE, GRANT, ADOPT -> "+";
            case DROP, REVOKE, FORGET -> "-";
            default -> "~";
        };
    }
}
