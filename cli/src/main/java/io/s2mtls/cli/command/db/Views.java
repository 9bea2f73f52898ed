package io.s2mtls.cli.command.db;

import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;

import java.util.List;
import java.util.Optional;

/** The small records that --output json writes for the database commands. */
final class Views {
    private Views() {
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

    /** {@code connect}. */
    record LoginView(String server, String user, String currentUser, String tlsVersion, String cipher) {
    }
}
