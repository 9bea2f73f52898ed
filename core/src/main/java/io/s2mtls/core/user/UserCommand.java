package io.s2mtls.core.user;

import io.s2mtls.core.port.UserDirectory;

import io.s2mtls.core.error.S2mtlsException;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One change to the accounts of a server. Each command validates itself when constructed; a
 * {@link UserDirectory} turns it into SQL for its dialect ({@link UserDirectory#plannedSql}) and runs
 * exactly that SQL ({@link UserDirectory#execute}).
 */
public sealed interface UserCommand {

    /** The account the command changes. */
    UserAccount account();

    /**
     * {@code CREATE USER ... REQUIRE ...} followed by one {@code GRANT} per grant of the policy.
     *
     * @param force create even when the subject was flagged ambiguous
     */
    record CreateUser(UserPolicy policy, boolean force) implements UserCommand {
        public CreateUser {
            requireNonNull(policy, "policy is null");
            checkAmbiguity(policy.requirement(), force);
        }

        @Override
        public UserAccount account() {
            return policy.account();
        }
    }

    /** {@code ALTER USER ... REQUIRE ...}: replaces the account's TLS requirement. */
    record AlterUser(UserAccount account, TlsRequirement requirement, boolean force) implements UserCommand {
        public AlterUser {
            requireNonNull(account, "account is null");
            requireNonNull(requirement, "requirement is null");
            checkAmbiguity(requirement, force);
        }
    }

    /** {@code DROP USER [IF EXISTS] ...}. Open sessions of the account stay open on SingleStore. */
    record DropUser(UserAccount account, boolean ifExists) implements UserCommand {
        public DropUser {
            requireNonNull(account, "account is null");
        }
    }

    /**
     * {@code ALTER USER ... ACCOUNT LOCK} (or {@code UNLOCK}): a locked account cannot log in, whatever
     * certificate it presents. Open sessions stay open; see {@link UserDirectory#killSessions}.
     */
    record SetAccountLock(UserAccount account, boolean locked) implements UserCommand {
        public SetAccountLock {
            requireNonNull(account, "account is null");
        }
    }

    /** {@code GRANT privs ON level TO account}. */
    record Grant(UserAccount account, PrivilegeGrant grant) implements UserCommand {
        public Grant {
            requireNonNull(account, "account is null");
            requireNonNull(grant, "grant is null");
        }
    }

    /** {@code REVOKE privs ON level FROM account}. */
    record Revoke(UserAccount account, PrivilegeGrant grant) implements UserCommand {
        public Revoke {
            requireNonNull(account, "account is null");
            requireNonNull(grant, "grant is null");
        }
    }

    /** Convenience: a create command without force. */
    static CreateUser create(UserAccount account, TlsRequirement requirement, List<PrivilegeGrant> grants) {
        return new CreateUser(new UserPolicy(account, requirement, grants), false);
    }

    private static void checkAmbiguity(TlsRequirement requirement, boolean force) {
        TlsRequirement.Subject subject = requirement instanceof TlsRequirement.Subject s ? s
                : requirement instanceof TlsRequirement.Issuer i ? i.subject().orElse(null) : null;
        if (subject != null && subject.ambiguous() && !force) {
            throw S2mtlsException.badInput("subject: '" + subject.oneline() + "' is ambiguous (another certificate"
                    + " can print the same string, e.g. through a backslash); REQUIRE SUBJECT would admit both."
                    + " Change the subject, or force it knowingly");
        }
    }
}
