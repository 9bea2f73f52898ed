package io.s2mtls.cli.command.user;

import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.usecase.UsersUseCase;

import java.util.List;
import java.util.Optional;

/** The small records that --output json writes for the user commands, and the printing they share. */
final class UserViews {
    private UserViews() {
    }

    /** A requirement as JSON: the keyword, and the subject/issuer strings when there are any. */
    record RequirementView(String require, String subject, String issuer) {
        static RequirementView of(TlsRequirement requirement) {
            if (requirement instanceof TlsRequirement.Subject s) {
                return new RequirementView("SUBJECT", s.oneline(), null);
            }
            if (requirement instanceof TlsRequirement.Issuer i) {
                return new RequirementView("ISSUER", i.subject().map(TlsRequirement.Subject::oneline).orElse(null), i.oneline());
            }
            return new RequirementView(requirement.keyword(), null, null);
        }

        String text() {
            return require + (issuer != null ? " '" + issuer + "'" + (subject != null ? " SUBJECT '" + subject + "'" : "")
                    : subject != null ? " '" + subject + "'" : "");
        }
    }

    static String describe(Optional<TlsRequirement> requirement) {
        return requirement.map(r -> RequirementView.of(r).text()).orElse("(not exposed by the server)");
    }

    /** What {@code user create|alter|drop} did or, with --dry-run, would do. */
    record ChangeView(String action, String user, String host, RequirementView requirement, List<String> grants,
                      List<String> sql, boolean dryRun, String dialect, String serverVersion) {
    }

    /** {@code user show}. */
    record UserView(String user, String host, RequirementView requirement, List<String> grants, String definition,
                    List<String> warnings) {
        static UserView of(DatabaseUser user) {
            return new UserView(user.account().name(), user.account().host(), user.requirement().map(RequirementView::of).orElse(null),
                    user.grants(), user.definition().orElse(null), user.warnings());
        }
    }

    /** One row of {@code user list}. */
    record AccountView(String user, String host, RequirementView requirement) {
        static AccountView of(UserAccount account, Optional<DatabaseUser> shown) {
            return new AccountView(account.name(), account.host(),
                    shown.flatMap(DatabaseUser::requirement).map(RequirementView::of).orElse(null));
        }
    }

    /** Prints a change: stdout gets the SQL, one statement per line; stderr what happened (and whether it was recorded). */
    static void print(Printer printer, UsersUseCase.Change change) {
        change.notRecorded().ifPresent(printer::note);
        String action = change.event().done();
        UserAccount account = change.account();
        Optional<TlsRequirement> requirement = change.requirement();
        List<String> sql = change.sql();
        ChangeView view = new ChangeView(action, account.name(), account.host(),
                requirement.map(RequirementView::of).orElse(null), change.grants().stream().map(PrivilegeGrant::toString).toList(),
                sql, change.dryRun(), change.server().dialect(), change.server().version());
        printer.data(view, () -> sql.forEach(statement -> printer.line(statement + ";")));
        if (!printer.json()) {
            String server = change.server().dialect() + " " + change.server().version();
            printer.note(change.dryRun() ? "Dry run on " + server + ": nothing was changed."
                    : action + " " + account + requirement.map(r -> " REQUIRE " + describe(Optional.of(r))).orElse("")
                    + " on " + server
                    + (requirement.isPresent() && change.server().dialect().equals("singlestore")
                    ? " (SingleStore does not expose the requirement; not read back)" : requirement.isPresent() ? ", read back and checked" : "")
                    + ".");
        }
    }
}
