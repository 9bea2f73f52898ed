package io.s2mtls.core.usecase;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CredentialName;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.SubjectAltName;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Issue a new key and certificate and keep them in the store.
 *
 * @param subject          the certificate subject, used byte for byte
 * @param key              the key type to generate (default {@code rsa:2048}, as the manual openssl procedure makes it)
 * @param days             validity in days (clamped so it never outlives the CA)
 * @param name             the credential name; defaults to the subject's CN made file-safe
 * @param profile          CLIENT (default) or SERVER
 * @param subjectAltNames  DNS/IP names, for SERVER certificates
 * @param allowUnsafeSubject issue even when the subject is ambiguous or empty (see {@link DistinguishedName#problems()})
 * @param replace          replace an existing credential of the same name
 * @param lifetime         validity as a duration, for certificates shorter than a day (e.g. one hour); when present it
 *                         replaces {@code days}
 */
public record IssueCommand(DistinguishedName subject, KeySpec key, int days, Optional<String> name,
                           CertificateProfile profile, List<SubjectAltName> subjectAltNames,
                           boolean allowUnsafeSubject, boolean replace, Optional<Duration> lifetime) {
    public IssueCommand {
        requireNonNull(lifetime, "lifetime is null");
        lifetime.ifPresent(l -> Validity.checkLifetime(l, "--valid-for"));
        requireNonNull(subject, "subject is null");
        requireNonNull(key, "key is null");
        requireNonNull(name, "name is null");
        requireNonNull(profile, "profile is null");
        subjectAltNames = List.copyOf(subjectAltNames);
        Validity.checkDays(days);
        name.ifPresent(CredentialName::check);
        if (profile == CertificateProfile.CA) {
            throw S2mtlsException.badInput("use 'ca create' to make a CA");
        }
        if (profile == CertificateProfile.CLIENT && !subjectAltNames.isEmpty()) {
            throw S2mtlsException.badInput("--san goes with --server; client certificates are matched by subject");
        }
    }

    /** A certificate valid for {@code days} days. */
    public IssueCommand(DistinguishedName subject, KeySpec key, int days, Optional<String> name, CertificateProfile profile,
                        List<SubjectAltName> subjectAltNames, boolean allowUnsafeSubject, boolean replace) {
        this(subject, key, days, name, profile, subjectAltNames, allowUnsafeSubject, replace, Optional.empty());
    }

    /** The validity the certificate is issued for: {@code lifetime}, else {@code days}. */
    public Duration validity() {
        return lifetime.orElse(Duration.ofDays(days));
    }

    /** This command with a validity given as a duration (e.g. one hour) instead of days. */
    public IssueCommand withLifetime(Duration newLifetime) {
        return new IssueCommand(subject, key, days, name, profile, subjectAltNames, allowUnsafeSubject, replace, Optional.of(newLifetime));
    }

    /** A client certificate with the manual procedure's defaults: RSA 2048, 365 days. */
    public static IssueCommand client(DistinguishedName subject) {
        return new IssueCommand(subject, KeySpec.RSA_2048, 365, Optional.empty(), CertificateProfile.CLIENT, List.of(), false, false);
    }

    public IssueCommand withKey(KeySpec newKey) {
        return new IssueCommand(subject, newKey, days, name, profile, subjectAltNames, allowUnsafeSubject, replace, lifetime);
    }

    public IssueCommand withName(String newName) {
        return new IssueCommand(subject, key, days, Optional.of(newName), profile, subjectAltNames, allowUnsafeSubject, replace, lifetime);
    }

    public IssueCommand withReplace(boolean newReplace) {
        return new IssueCommand(subject, key, days, name, profile, subjectAltNames, allowUnsafeSubject, newReplace, lifetime);
    }

    public IssueCommand withDays(int newDays) {
        return new IssueCommand(subject, key, newDays, name, profile, subjectAltNames, allowUnsafeSubject, replace, Optional.empty());
    }

    /** The name this credential will be stored under. */
    public String effectiveName() {
        return name.orElseGet(() -> CredentialName.fileSafe(subject.commonName().orElse(subject.oneline())));
    }
}
