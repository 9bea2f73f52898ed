package io.s2mtls.core.policy;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.dn.SubjectProblem;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CredentialName;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserPolicy;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One user of a policy: the account, what it requires of the client certificate, its grants, and the
 * credential (stored under {@code credential}) it logs in with.
 *
 * @param subject the subject of the user's certificate; for {@code require: subject} also the REQUIRE SUBJECT string
 *                (its OpenSSL oneline form)
 * @param adopt   take over the account when it exists but was not created by this policy (made by hand, by
 *                {@code user create} or by another policy); without it such an account is left alone
 */
public record PolicyUser(UserAccount account, Requirement require, DistinguishedName subject, List<PrivilegeGrant> grants,
                         String credential, boolean adopt) {

    /** {@code require: x509 | subject}. */
    public enum Requirement {
        X509, SUBJECT
    }

    public PolicyUser {
        requireNonNull(account, "account is null");
        requireNonNull(require, "require is null");
        requireNonNull(subject, "subject is null");
        grants = List.copyOf(requireNonNull(grants, "grants is null"));
        requireNonNull(credential, "credential is null");
        CredentialName.check(credential);
        for (SubjectProblem problem : subject.problems()) {
            throw S2mtlsException.badInput("user " + account + ": subject '" + subject.oneline() + "': " + problem.message());
        }
        if (grants.stream().map(PrivilegeGrant::toString).distinct().count() != grants.size()) {
            throw S2mtlsException.badInput("user " + account + ": a grant is listed twice");
        }
    }

    /** A user that adopts no existing account. */
    public PolicyUser(UserAccount account, Requirement require, DistinguishedName subject, List<PrivilegeGrant> grants, String credential) {
        this(account, require, subject, grants, credential, false);
    }

    /** The requirement the account must hold on the server. */
    public TlsRequirement requirement() {
        return require == Requirement.X509 ? TlsRequirement.x509() : TlsRequirement.subject(subject.oneline());
    }

    public UserPolicy userPolicy() {
        return new UserPolicy(account, requirement(), grants);
    }

    /** {@code subject} with every {@code {name}} replaced by the user name. */
    public static DistinguishedName subjectFromTemplate(String template, String name) {
        return DistinguishedName.parse(template.replace("{name}", name));
    }
}
