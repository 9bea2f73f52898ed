package io.s2mtls.core.policy;

import io.s2mtls.core.port.UserDirectory;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What {@code apply} would do to make the store and the server match a policy: certificates to issue
 * and account changes, each with its reason and, for the server, the exact SQL; during a CA rotation, the
 * credentials still signed by the CA the rotation retires.
 *
 * @param policy           the policy planned for
 * @param server           the server, e.g. {@code mariadb 10.11.19}
 * @param certificates     certificates to issue (new or replacing the current one)
 * @param users            account changes, in the order apply runs them
 * @param untouched        accounts the policy names (or once created) that apply leaves alone: not created by
 *                         this policy, or the admin account
 * @param warnings         things noticed but not acted on
 * @param rotationReissues the policy's credentials still signed by the CA a rotation retires (valid, unexpired):
 *                         in phase switched apply reissues them under the new CA, keeping each subject's DER; in
 *                         phase begun they are only listed ({@link RotationReissue#afterSwitch()}); none outside a
 *                         rotation
 */
public record Plan(Policy policy, String server, List<CertificateAction> certificates, List<UserAction> users,
                   List<Untouched> untouched, List<String> warnings, List<RotationReissue> rotationReissues) {
    public Plan {
        requireNonNull(policy, "policy is null");
        requireNonNull(server, "server is null");
        certificates = List.copyOf(certificates);
        users = List.copyOf(users);
        untouched = List.copyOf(untouched);
        warnings = List.copyOf(warnings);
        rotationReissues = List.copyOf(rotationReissues);
    }

    /** A plan outside a CA rotation. */
    public Plan(Policy policy, String server, List<CertificateAction> certificates, List<UserAction> users,
                List<Untouched> untouched, List<String> warnings) {
        this(policy, server, certificates, users, untouched, warnings, List.of());
    }

    /**
     * True when apply would change nothing. Accounts left alone ({@link #untouched}) are no change, and neither are
     * rotation reissues that wait for {@code ca rotate switch}.
     */
    public boolean isEmpty() {
        return certificates.isEmpty() && users.isEmpty() && reissuesNow().isEmpty();
    }

    /** The rotation reissues apply performs now (phase switched). */
    public List<RotationReissue> reissuesNow() {
        return rotationReissues.stream().filter(r -> !r.afterSwitch()).toList();
    }

    /**
     * A credential of the policy still signed by the CA a rotation retires: {@code reissue (CA rotation)}.
     *
     * @param credential  the credential's name in the store
     * @param serial      the serial (hex) of its current certificate
     * @param account     the account that logs in with it
     * @param afterSwitch true in phase begun: it needs reissue after {@code ca rotate switch}, and apply does not act
     *                    on it yet; false in phase switched: apply reissues it under the new CA
     * @param reason      why, in words (which CA signed it)
     */
    public record RotationReissue(String credential, String serial, UserAccount account, boolean afterSwitch, String reason) {
        public RotationReissue {
            requireNonNull(credential, "credential is null");
            requireNonNull(serial, "serial is null");
            requireNonNull(account, "account is null");
            requireNonNull(reason, "reason is null");
        }

        /** The key of the account's record in the store ({@code name@host}). */
        public String userKey() {
            return io.s2mtls.core.usecase.ManagedUsers.key(account);
        }

        /** {@code reissue (CA rotation)}, or in phase begun {@code needs reissue after 'ca rotate switch'}. */
        public String action() {
            return afterSwitch ? "needs reissue after 'ca rotate switch'" : "reissue (CA rotation)";
        }
    }

    /** The changes that drop an account or take privileges away: DROP and REVOKE, in the order apply runs them. */
    public List<UserAction> destructive() {
        return users.stream().filter(u -> u.change().destructive()).toList();
    }

    /** Why an account is left alone. */
    public enum UntouchedReason {
        /** The account exists but this policy did not create it (by hand, {@code user create}, another policy). */
        EXISTS_NOT_MANAGED,
        /** The account s2mtls logs in with: never altered, locked or dropped by plan/apply. */
        ADMIN
    }

    /**
     * An account that apply leaves alone: no SQL, no record, no certificate.
     *
     * @param reason what it is ({@code exists, not managed: made by hand ...})
     * @param fix    how to have it managed, or why it cannot be
     */
    public record Untouched(UserAccount account, UntouchedReason kind, String reason, String fix) {
        public Untouched {
            requireNonNull(account, "account is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(reason, "reason is null");
            requireNonNull(fix, "fix is null");
        }
    }

    /** Every SQL statement apply would run, in order. */
    public List<String> sql() {
        return users.stream().flatMap(u -> u.sql().stream()).toList();
    }

    /** Why a certificate is issued. */
    public enum CertificateReason {
        /** The store holds no credential of that name. */
        MISSING,
        /** The current certificate expires within the renewal window. */
        EXPIRING,
        /** The current certificate is revoked. */
        REVOKED,
        /** The current certificate's subject is not the one the policy gives. */
        SUBJECT_DIFFERS,
        /** The store has the certificate but not its private key. */
        NO_PRIVATE_KEY
    }

    /**
     * A certificate to issue for {@code account}, stored under {@code credential}.
     *
     * @param replacesSerial the serial (hex) of the credential's current certificate, when there is one
     */
    public record CertificateAction(String credential, UserAccount account, DistinguishedName subject, CertificateReason reason,
                                    String detail, Optional<String> replacesSerial) {
        public CertificateAction {
            requireNonNull(credential, "credential is null");
            requireNonNull(account, "account is null");
            requireNonNull(subject, "subject is null");
            requireNonNull(reason, "reason is null");
            requireNonNull(detail, "detail is null");
            requireNonNull(replacesSerial, "replacesSerial is null");
        }
    }

    /** The kind of an account change. */
    public enum UserChange {
        /** CREATE USER with its grants. */
        CREATE,
        /** ALTER USER ... REQUIRE: the requirement differs or is unknown. */
        ALTER,
        /** GRANT missing privileges. */
        GRANT,
        /** REVOKE privileges the policy does not give. */
        REVOKE,
        /** DROP USER: managed by s2mtls, no longer in the policy. */
        DROP,
        /** No SQL: the server is right, the store's record of the user is missing or stale. */
        RECORD,
        /** No SQL: a managed user left the policy and is already gone from the server; forget the record. */
        FORGET,
        /** No SQL: take over an account this policy did not create ({@code adopt: true}); changes that follow make it match. */
        ADOPT;

        /** DROP and REVOKE: an account or privileges are taken away. */
        public boolean destructive() {
            return this == DROP || this == REVOKE;
        }
    }

    /**
     * One change to one account.
     *
     * @param source   where the account's current requirement was read: {@code server} (it exposes it),
     *                 {@code recorded} (the store's record, for servers that do not), or empty when not compared
     * @param commands what {@link io.s2mtls.core.port.UserDirectory#execute} runs; empty for RECORD, FORGET and ADOPT
     * @param sql      the exact SQL of {@code commands}
     */
    public record UserAction(UserAccount account, UserChange change, String reason, Optional<String> source,
                             List<UserCommand> commands, List<String> sql) {
        public UserAction {
            requireNonNull(account, "account is null");
            requireNonNull(change, "change is null");
            requireNonNull(reason, "reason is null");
            requireNonNull(source, "source is null");
            commands = List.copyOf(commands);
            sql = List.copyOf(sql);
        }
    }
}
