package io.s2mtls.core.doctor;

import io.s2mtls.core.port.DoctorServer;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.dn.SubjectProblem;
import io.s2mtls.core.doctor.CheckResult.Status;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.user.DatabaseTarget.ClientCertificate;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.port.MtlsLogin;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.ChainVerifier;
import io.s2mtls.core.x509.KeyPairs;
import io.s2mtls.core.x509.Pem;

import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Why can't this user log in? Runs the troubleshooting steps of the manual procedure in order (see
 * {@link DoctorStep}), each a pass or a fail with the fix; a step that cannot run after an earlier failure
 * is reported as skipped. Local steps are pure; the account and the live login go through {@link DoctorServer}.
 */
public final class Doctor {
    /** A certificate not yet valid for at most this long is a clock-skew problem rather than a future-dated certificate. */
    static final Duration SKEW_WINDOW = Duration.ofMinutes(10);
    /**
     * notBefore less than this ago is worth a note: a server whose clock is behind sees the certificate as not yet
     * valid. s2mtls itself backdates notBefore by 5 minutes for exactly that reason.
     */
    static final Duration RECENT = Duration.ofMinutes(5);
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);
    private static final Set<String> WEAK_SIGNATURE_OIDS = Set.of("1.2.840.113549.1.1.4", "1.2.840.113549.1.1.5",
            "1.2.840.10045.4.1", "1.2.840.10040.4.3", "1.3.14.3.2.29", "1.2.840.113549.1.1.2", "1.2.840.113549.1.1.3");
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    private final Clock clock;

    public Doctor(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
    }

    public DoctorReport diagnose(DoctorRequest request, DoctorServer server) {
        requireNonNull(request, "request is null");
        requireNonNull(server, "server is null");
        List<CheckResult> checks = new ArrayList<>();
        Instant now = clock.instant();

        // 1: the file parses
        List<X509Certificate> chain;
        Optional<PrivateKey> key = Optional.empty();
        CheckResult keyParseFailure = null;
        PresentedCredential credential = request.credential();
        if (credential instanceof PresentedCredential.Files files) {
            try {
                chain = Pem.readCertificates(files.certificate(), files.certificateSource());
            } catch (S2mtlsException e) {
                checks.add(CheckResult.fail(DoctorStep.PARSE, e.getMessage(), "give the client certificate as PEM"
                        + " (-----BEGIN CERTIFICATE-----, the leaf first) or DER; check it with 'openssl x509 -in FILE -noout -text',"
                        + " or write the stored one with 's2mtls cert export NAME --out-dir DIR'", List.of()));
                for (DoctorStep step : DoctorStep.values()) {
                    if (step != DoctorStep.PARSE) {
                        checks.add(CheckResult.skipped(step, "not run: the certificate could not be read (step 1)"));
                    }
                }
                return new DoctorReport(request.account(), checks);
            }
            if (files.key().isPresent()) {
                try {
                    key = Optional.of(Pem.readPrivateKey(files.key().get(), files.keySource().orElse("key"), files.keyPassword()));
                } catch (S2mtlsException e) {
                    keyParseFailure = CheckResult.fail(DoctorStep.KEY_MATCH, e.getMessage(), "give the certificate's private key as PEM"
                            + " (PKCS#8, PKCS#1 or SEC1; an encrypted key needs --key-password-file)", List.of());
                }
            }
        } else {
            PresentedCredential.Loaded loaded = (PresentedCredential.Loaded) credential;
            List<X509Certificate> all = new ArrayList<>();
            all.add(loaded.certificate());
            all.addAll(loaded.intermediates());
            chain = List.copyOf(all);
            key = loaded.key();
        }
        X509Certificate leaf = chain.get(0);
        DistinguishedName subject = Certificates.subjectOf(leaf);
        checks.add(CheckResult.pass(DoctorStep.PARSE, credential.source() + ": " + KeyPairs.describe(leaf.getPublicKey())
                + " certificate, serial " + leaf.getSerialNumber().toString(16).toUpperCase(Locale.ROOT) + ", subject " + subject.oneline(),
                chain.size() > 1 ? List.of((chain.size() - 1) + " more certificate(s) after the leaf, sent as intermediates") : List.of()));

        // 2: the key matches
        if (keyParseFailure != null) {
            checks.add(keyParseFailure);
        } else if (key.isEmpty()) {
            checks.add(CheckResult.skipped(DoctorStep.KEY_MATCH, credential instanceof PresentedCredential.Files
                    ? "no --key given: the key is not checked and no login is attempted"
                    : "the store holds no key for it (signed from a CSR): give --cert FILE --key FILE"));
        } else if (KeyPairs.matches(key.get(), leaf.getPublicKey())) {
            checks.add(CheckResult.pass(DoctorStep.KEY_MATCH, "the private key signs what the certificate's public key verifies", List.of()));
        } else {
            checks.add(CheckResult.fail(DoctorStep.KEY_MATCH, "the private key (" + key.get().getAlgorithm()
                    + ") does not belong to this certificate (" + KeyPairs.describe(leaf.getPublicKey()) + ")",
                    "use the key written with this certificate (NAME-key.pem next to NAME-cert.pem); after 'cert renew' both files"
                            + " change together: export them again with 's2mtls cert export NAME --out-dir DIR'", List.of()));
        }

        checks.add(revocation(leaf, request.inventory()).orElseGet(() -> validity(leaf, now)));
        checks.add(signatureAlgorithm(chain));
        checks.add(clientAuth(leaf));
        checks.add(chainCheck(leaf, chain.subList(1, chain.size()), request.trust(), request.trustNotes(), now));

        Optional<String> adminUnavailable = server.adminUnavailable();
        Optional<DatabaseUser> shown = Optional.empty();
        CheckResult existence;
        if (adminUnavailable.isPresent()) {
            existence = CheckResult.skipped(DoctorStep.USER_EXISTS, "not checked: no administrative connection ("
                    + adminUnavailable.get() + ")");
        } else {
            try {
                shown = server.show(request.account());
                existence = shown.isPresent() ? existsCheck(shown.get()) : missingAccount(request.account(), server, subject);
            } catch (S2mtlsException e) {
                existence = CheckResult.fail(DoctorStep.USER_EXISTS, "cannot read the account: " + e.getMessage(),
                        "let the admin read accounts (SHOW GRANTS / SHOW CREATE USER), or check the admin login", List.of());
            }
        }
        checks.add(subjectCheck(subject, Certificates.issuerOf(leaf), request.account(), shown, existence, request.recorded(), adminUnavailable.isPresent()));
        checks.add(existence);
        checks.add(login(request.account(), leaf, chain, key, checks, shown, server));
        return new DoctorReport(request.account(), checks);
    }

    /** A failing step 3 when the store's inventory records {@code leaf} (same serial and fingerprint) as revoked. */
    private Optional<CheckResult> revocation(X509Certificate leaf, List<InventoryEntry> inventory) {
        String fingerprint;
        try {
            fingerprint = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            return Optional.empty();
        }
        Optional<InventoryEntry> entry = inventory.stream().filter(e -> e.serial().equals(leaf.getSerialNumber()))
                .filter(e -> e.sha256Fingerprint().equalsIgnoreCase(fingerprint)).findFirst();
        if (entry.isEmpty() || entry.get().status() != CertificateStatus.REVOKED) {
            return Optional.empty();
        }
        InventoryEntry revoked = entry.get();
        Optional<InventoryEntry> usable = inventory.stream().filter(e -> e.name().equals(revoked.name()))
                .filter(e -> e.status() == CertificateStatus.VALID && e.notAfter().isAfter(clock.instant()))
                .max(java.util.Comparator.comparing(InventoryEntry::recordedAt));
        String fix = usable.isPresent()
                ? "present the credential's current certificate (serial " + usable.get().serialHex() + ", not revoked): 's2mtls cert"
                + " export " + revoked.name() + " --out-dir DIR'"
                : "issue a new credential: 's2mtls cert issue --subject \"" + revoked.subject() + "\" --name " + revoked.name()
                + " --force --out-dir DIR' (the same subject, so REQUIRE SUBJECT still matches; 'cert renew' renews only a"
                + " credential that is not revoked); if 'cert revoke --lock-user' locked the account, unlock it afterwards with"
                + " ALTER USER ... ACCOUNT UNLOCK";
        return Optional.of(CheckResult.fail(DoctorStep.VALIDITY, "revoked: the store's inventory records serial " + revoked.serialHex()
                + " (" + revoked.name() + ") as revoked; servers that check the CRL refuse it, and it must not be used", fix,
                List.of("revoked certificates stay revoked: see 's2mtls audit --action cert.revoke'")));
    }

    private CheckResult validity(X509Certificate leaf, Instant now) {
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        String window = "valid from " + notBefore + " until " + notAfter + "; now is " + now;
        if (now.isBefore(notBefore)) {
            Duration ahead = Duration.between(now, notBefore);
            if (ahead.compareTo(SKEW_WINDOW) <= 0) {
                return CheckResult.fail(DoctorStep.VALIDITY, "not yet valid for another " + ahead.toSeconds() + " s: clock skew",
                        "the clock of the machine that issued it is ahead of this one (or this one is behind): synchronise"
                                + " clocks (NTP) on the CA machine, this client and the server, or wait " + ahead.toSeconds() + " s",
                        List.of(window));
            }
            return CheckResult.fail(DoctorStep.VALIDITY, "not yet valid: it starts on " + notBefore,
                    "wait until " + notBefore + ", or reissue it valid from now", List.of(window));
        }
        if (now.isAfter(notAfter)) {
            return CheckResult.fail(DoctorStep.VALIDITY, "expired on " + notAfter + " (" + Duration.between(notAfter, now).toDays()
                    + " days ago)", "renew it: 's2mtls cert renew NAME --out-dir DIR' keeps the subject, so REQUIRE SUBJECT still"
                    + " matches and no ALTER USER is needed", List.of(window));
        }
        List<String> details = new ArrayList<>();
        details.add(window);
        Duration age = Duration.between(notBefore, now);
        if (age.compareTo(RECENT) < 0) {
            details.add("clock skew: notBefore is only " + age.toSeconds() + " s ago; a server whose clock is behind by more than"
                    + " that rejects it as not yet valid");
        }
        Duration left = Duration.between(now, notAfter);
        if (left.compareTo(EXPIRY_WARNING) < 0) {
            details.add("expires in " + left.toDays() + " days: renew it with 's2mtls cert renew NAME'");
        }
        return CheckResult.pass(DoctorStep.VALIDITY, "valid for another " + left.toDays() + " days", details);
    }

    private CheckResult signatureAlgorithm(List<X509Certificate> chain) {
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            String what = i == 0 ? "the certificate" : "intermediate " + Certificates.subjectOf(certificate).oneline();
            String name = certificate.getSigAlgName();
            if (WEAK_SIGNATURE_OIDS.contains(certificate.getSigAlgOID()) || name.toUpperCase(Locale.ROOT).matches(".*(MD5|MD2|SHA1(?!\\d)).*")) {
                return CheckResult.fail(DoctorStep.SIGNATURE_ALGORITHM, what + " is signed with " + name
                                + ": OpenSSL 3 (SingleStore 8.1+) rejects SHA-1 and MD5 signatures",
                        "reissue it signed with SHA-256 or stronger: 's2mtls cert renew NAME' (s2mtls never signs with SHA-1),"
                                + " or 'openssl x509 -req -sha256 ...'", List.of("signature algorithm OID " + certificate.getSigAlgOID()));
            }
            if (certificate.getPublicKey() instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
                return CheckResult.fail(DoctorStep.SIGNATURE_ALGORITHM, what + " has an RSA key of " + rsa.getModulus().bitLength()
                        + " bits, below what OpenSSL 3 accepts at its default security level", "reissue it with rsa:2048 or more, or ec:p256", List.of());
            }
        }
        return CheckResult.pass(DoctorStep.SIGNATURE_ALGORITHM, "signed with " + chain.get(0).getSigAlgName(), List.of());
    }

    private CheckResult clientAuth(X509Certificate leaf) {
        List<String> purposes;
        try {
            purposes = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            return CheckResult.fail(DoctorStep.CLIENT_AUTH, "its extended key usage cannot be read: " + e.getMessage(),
                    "issue a client certificate with 's2mtls cert issue'", List.of());
        }
        boolean[] keyUsage = leaf.getKeyUsage();
        if (!ChainVerifier.allowsClientAuth(leaf)) {
            String has = purposes.contains(SERVER_AUTH) && purposes.size() == 1 ? "serverAuth only: a server certificate"
                    : String.join(", ", purposes);
            return CheckResult.fail(DoctorStep.CLIENT_AUTH, "the extended key usage is " + has + ", without clientAuth",
                    "issue a client certificate: 's2mtls cert issue --subject DN' (without --server), or with openssl add"
                            + " 'extendedKeyUsage = clientAuth' to the extensions", List.of());
        }
        if (keyUsage != null && !keyUsage[0]) {
            return CheckResult.fail(DoctorStep.CLIENT_AUTH, "the key usage lacks digitalSignature: the client cannot sign the"
                    + " TLS handshake", "reissue it with keyUsage digitalSignature ('s2mtls cert issue' sets it)", List.of());
        }
        return CheckResult.pass(DoctorStep.CLIENT_AUTH, purposes == null ? "no extended key usage: any purpose, clientAuth included"
                : "clientAuth is among its extended key usages", List.of());
    }

    /** A chain walk that checks names, signatures and CA flags only: dates, algorithms and EKU are steps 3 to 5. */
    private CheckResult chainCheck(X509Certificate leaf, List<X509Certificate> intermediates, List<TrustBundle> trust,
                                   List<String> notes, Instant now) {
        List<String> details = new ArrayList<>(notes);
        String issuer = Certificates.issuerOf(leaf).oneline();
        if (trust.isEmpty()) {
            return CheckResult.skipped(DoctorStep.CHAIN, "no client CA to check against: the server's bundle is not readable here"
                    + " and the store has no CA");
        }
        Optional<TrustBundle> server = trust.stream().filter(t -> t.origin() == TrustBundle.Origin.SERVER).findFirst();
        List<TrustBundle> deciding = server.map(List::of).orElse(trust);
        String firstProblem = null;
        TrustBundle chainsTo = null;
        for (TrustBundle bundle : trust) {
            Optional<String> problem = walk(leaf, intermediates, bundle.certificates(), now);
            details.add(bundle.source() + ": " + problem.map(p -> "no: " + p).orElse("chains"));
            if (deciding.contains(bundle)) {
                if (problem.isEmpty() && chainsTo == null) {
                    chainsTo = bundle;
                } else if (problem.isPresent() && firstProblem == null) {
                    firstProblem = problem.get();
                }
            }
        }
        if (chainsTo != null) {
            return CheckResult.pass(DoctorStep.CHAIN, "issued by " + issuer + ", which " + chainsTo.source() + " holds", details);
        }
        String decidedBy = server.map(TrustBundle::source).orElse(String.join(", ", trust.stream().map(TrustBundle::source).toList()));
        return CheckResult.fail(DoctorStep.CHAIN, "it does not chain to " + decidedBy + ": " + firstProblem,
                "the server accepts only certificates from the CAs of its client CA bundle (SingleStore ssl_ca_for_client_cert,"
                        + " MariaDB/MySQL ssl_ca): issue the certificate from that CA, or add its CA (" + issuer
                        + ") to the bundle ('s2mtls ca export --bundle --out ca-bundle.pem' writes every CA the store's credentials need, both"
                        + " during a CA rotation) and reload the server's TLS settings", details);
    }

    /** Empty when {@code leaf} chains to a certificate in {@code trusted}; otherwise why not. */
    static Optional<String> walk(X509Certificate leaf, List<X509Certificate> intermediates, List<X509Certificate> trusted, Instant now) {
        X509Certificate current = leaf;
        for (int depth = 0; depth < 8; depth++) {
            byte[] issuerName = current.getIssuerX500Principal().getEncoded();
            X509Certificate found = null;
            boolean nameOnly = false;
            boolean anchor = false;
            List<X509Certificate> candidates = new ArrayList<>(trusted);
            candidates.addAll(intermediates);
            for (X509Certificate candidate : candidates) {
                if (Arrays.equals(candidate.getSubjectX500Principal().getEncoded(), issuerName)) {
                    try {
                        current.verify(candidate.getPublicKey());
                        found = candidate;
                        anchor = trusted.contains(candidate);
                        break;
                    } catch (Exception e) {
                        nameOnly = true;
                    }
                }
            }
            String issuer = Certificates.issuerOf(current).oneline();
            if (found == null) {
                return Optional.of(nameOnly ? "a CA named " + issuer + " is there, but its key did not sign this certificate"
                        + " (the CA was re-created with a new key?)" : "its issuer " + issuer + " is not there (unable to get local issuer certificate)");
            }
            if (found.getBasicConstraints() < 0) {
                return Optional.of(issuer + " is not a CA (basicConstraints CA:FALSE or missing)");
            }
            if (now.isAfter(found.getNotAfter().toInstant())) {
                return Optional.of("the CA " + issuer + " expired on " + found.getNotAfter().toInstant());
            }
            if (anchor) {
                return Optional.empty();
            }
            current = found;
        }
        return Optional.of("the chain is longer than 8 certificates");
    }

    private CheckResult existsCheck(DatabaseUser user) {
        List<String> details = new ArrayList<>(user.grants());
        details.addAll(user.warnings());
        if (user.definition().map(Doctor::locked).orElse(false)) {
            details.add(0, "server: " + user.definition().get());
            return CheckResult.fail(DoctorStep.USER_EXISTS, "the server has " + user.account() + ", but the account is locked"
                    + " (ACCOUNT LOCK): the server refuses every login (error 4151)", lockedFix(user.account()), details);
        }
        return CheckResult.pass(DoctorStep.USER_EXISTS, "the server has " + user.account(), details);
    }

    /** Whether a {@code SHOW CREATE USER} text says the account is locked (outside its quoted names and subjects). */
    static boolean locked(String definition) {
        String unquoted = definition.replaceAll("'(?:[^'\\\\]|\\\\.|'')*'", "''").replaceAll("`(?:[^`]|``)*`", "``");
        return unquoted.toUpperCase(Locale.ROOT).matches("(?s).*\\bACCOUNT\\s+LOCK\\b.*");
    }

    private static String lockedFix(UserAccount account) {
        return "the account is locked (ALTER USER ... ACCOUNT LOCK, e.g. by 's2mtls cert revoke --lock-user'): if its certificate"
                + " was revoked, issue a new credential first (step 3 says whether this one is); then unlock it with"
                + " ALTER USER " + account + " ACCOUNT UNLOCK";
    }

    private CheckResult missingAccount(UserAccount account, DoctorServer server, DistinguishedName subject) {
        List<UserAccount> sameName = new ArrayList<>();
        try {
            server.accounts().stream().filter(a -> a.name().equals(account.name())).forEach(sameName::add);
        } catch (S2mtlsException e) {
            // the listing is a hint only
        }
        String fix = sameName.isEmpty()
                ? "create it: 's2mtls user create " + account.name() + " --from-cert cert.pem"
                + (account.host().equals(UserAccount.ANY_HOST) ? "" : " --host '" + account.host() + "'") + "'"
                : "the name exists for other hosts: give the right one with --host (e.g. --host '" + sameName.get(0).host()
                + "'), or create " + account + " with 's2mtls user create'";
        return CheckResult.fail(DoctorStep.USER_EXISTS, "the server has no account " + account
                + (sameName.isEmpty() ? "" : "; it has " + String.join(", ", sameName.stream().map(UserAccount::toString).toList())),
                fix, List.of("certificate subject " + subject.oneline()));
    }

    private CheckResult subjectCheck(DistinguishedName subject, DistinguishedName certificateIssuer, UserAccount account, Optional<DatabaseUser> shown, CheckResult existence,
                                     Optional<ManagedUser> recorded, boolean noAdmin) {
        List<String> details = new ArrayList<>();
        subject.problems().stream().map(SubjectProblem::message).forEach(m -> details.add("warning: " + m));
        Optional<TlsRequirement> requirement = shown.flatMap(DatabaseUser::requirement);
        String source = "the server";
        if (requirement.isEmpty() && recorded.isPresent()) {
            ManagedUser record = recorded.get();
            source = "the store's record of " + account + " (the server does not expose the requirement)";
            requirement = Optional.of(switch (record.requirement().toUpperCase(Locale.ROOT)) {
                case "SUBJECT" -> record.subject().<TlsRequirement>map(TlsRequirement::subject).orElse(TlsRequirement.x509());
                case "X509" -> TlsRequirement.x509();
                case "SSL" -> TlsRequirement.ssl();
                default -> TlsRequirement.none();
            });
        }
        if (requirement.isEmpty()) {
            String why = noAdmin ? "no administrative connection and no record of " + account + " in the store"
                    : existence.failed() ? "there is no such account (step 8)"
                    : "the server does not expose the requirement (SingleStore) and the store has no record of " + account;
            return new CheckResult(DoctorStep.SUBJECT, Status.SKIPPED, "not compared: " + why, Optional.of(
                    "compare 's2mtls subject --sql cert.pem' with the REQUIRE SUBJECT of the statement that created the user"), details);
        }
        TlsRequirement required = requirement.get();
        if (required instanceof TlsRequirement.None || required instanceof TlsRequirement.Ssl) {
            details.add("warning: REQUIRE " + required.keyword() + " does not ask for a certificate at all; bind it with"
                    + " 's2mtls user alter " + account.name() + " --from-cert cert.pem'");
            return CheckResult.pass(DoctorStep.SUBJECT, "nothing to compare: " + source + " holds REQUIRE " + required.keyword(), details);
        }
        if (required instanceof TlsRequirement.X509) {
            return CheckResult.pass(DoctorStep.SUBJECT, "nothing to compare: " + source + " holds REQUIRE X509 (any certificate"
                    + " that chains is accepted)", details);
        }
        if (required instanceof TlsRequirement.Issuer issuer) {
            Optional<SubjectComparison.Mismatch> issuerMismatch = SubjectComparison.compare(certificateIssuer, issuer.oneline());
            if (issuerMismatch.isPresent()) {
                details.add("certificate issuer: " + certificateIssuer.oneline());
                details.add("required issuer:    " + issuer.oneline());
                details.add(issuerMismatch.get().describe());
                return CheckResult.fail(DoctorStep.SUBJECT, "the certificate's issuer differs from the REQUIRE ISSUER of " + account,
                        "present a certificate from the required CA, or change the requirement", details);
            }
            if (issuer.subject().isEmpty()) {
                return CheckResult.pass(DoctorStep.SUBJECT, "the certificate's issuer is exactly the REQUIRE ISSUER of " + account, details);
            }
            required = issuer.subject().get();
        }
        String oneline = ((TlsRequirement.Subject) required).oneline();
        details.add("certificate: " + subject.oneline());
        details.add("required:    " + oneline + "   (from " + source + ")");
        Optional<SubjectComparison.Mismatch> mismatch = SubjectComparison.compare(subject, oneline);
        if (mismatch.isEmpty()) {
            return CheckResult.pass(DoctorStep.SUBJECT, "the certificate's subject is exactly the REQUIRE SUBJECT of " + account, details);
        }
        SubjectComparison.Mismatch m = mismatch.get();
        details.add(m.describe());
        details.add("  certificate: " + m.certificateExcerpt());
        details.add("  required:    " + m.requiredExcerpt());
        int caret = "  required:    ".length() + Math.min(m.offset(), 24) + (m.offset() > 24 ? 3 : 0);
        details.add(" ".repeat(caret) + "^");
        m.causes().forEach(c -> details.add("likely cause: " + c));
        return CheckResult.fail(DoctorStep.SUBJECT, "the subject differs from the REQUIRE SUBJECT of " + account + " at byte " + m.offset()
                        + ": " + m.causes().get(0).replaceFirst(":.*", ""),
                "rebind the account to this certificate ('s2mtls user alter " + account.name() + " --from-cert cert.pem', which writes"
                        + " the literal exactly), or present the certificate whose subject is " + oneline, details);
    }

    private CheckResult login(UserAccount account, X509Certificate leaf, List<X509Certificate> chain, Optional<PrivateKey> key,
                              List<CheckResult> earlier, Optional<DatabaseUser> shown, DoctorServer server) {
        Optional<CheckResult> failed = earlier.stream().filter(CheckResult::failed).findFirst();
        if (failed.isPresent()) {
            return CheckResult.skipped(DoctorStep.LOGIN, "not attempted: fix step " + failed.get().step().number() + " ("
                    + failed.get().step().title() + ") first");
        }
        if (key.isEmpty()) {
            return CheckResult.skipped(DoctorStep.LOGIN, "not attempted: no private key to log in with (give --key FILE)");
        }
        try {
            MtlsLogin.LoginReport report = server.login(account.name(),
                    new ClientCertificate(leaf, key.get(), chain.subList(1, chain.size())));
            List<String> details = new ArrayList<>();
            details.add("server: " + server.description());
            details.add("cipher: " + report.cipher());
            String expected = account.name() + "@" + account.host();
            if (!report.currentUser().equals(expected)) {
                details.add("warning: the server matched the account " + report.currentUser() + ", not " + expected
                        + " (a more specific host pattern wins)");
            }
            return CheckResult.pass(DoctorStep.LOGIN, "logged in as " + report.currentUser() + " over "
                    + (report.tlsVersion().isEmpty() ? "(no TLS)" : report.tlsVersion()), details);
        } catch (S2mtlsException e) {
            String message = e.getMessage();
            boolean locked = message.toLowerCase(Locale.ROOT).contains("account is locked") || message.contains("4151")
                    || shown.flatMap(DatabaseUser::definition).map(Doctor::locked).orElse(false);
            String fix;
            if (locked) {
                fix = lockedFix(account);
            } else if (message.contains("unreachable")) {
                fix = "check --jdbc-url, that the server runs, and the network path to it";
            } else if (message.contains("TLS handshake failed")) {
                fix = "the server's own certificate did not verify: give --ca with the CA that signed it";
            } else {
                fix = "every local check passed, yet the server refused: its client CA bundle may not be loaded yet (reload its TLS"
                        + " settings: MariaDB FLUSH SSL, SingleStore SSL_RELOAD or a restart), the account may have changed since,"
                        + " or the account may require more than shown (password, another host pattern matched first)";
            }
            return CheckResult.fail(DoctorStep.LOGIN, message, fix, List.of("server: " + server.description()));
        }
    }
}
