package io.s2mtls.cli.report;

import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.testing.TestPki;
import io.s2mtls.core.usecase.Overview;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.ServerDescription;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An overview with one credential in every status, hostile text from the store, a rotation and drift of every kind. */
final class ReportFixture {
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    /** A subject that is markup if not escaped. */
    static final String HOSTILE_SUBJECT = "/O=A&B <Corp>/OU=\"quoted\" 'single'/CN=<script>alert(1)</script>";
    static final List<String> NAMES = List.of("app_reader", "batch_job", "old_report", "leaver", "hostile");

    private ReportFixture() {
    }

    static InventoryEntry entry(long serial, String name, String subject, Instant notAfter, CertificateStatus status) {
        return new InventoryEntry(BigInteger.valueOf(serial), name, subject, notAfter.minus(Duration.ofDays(365)), notAfter, "00",
                CertificateProfile.CLIENT, status, NOW.minus(Duration.ofDays(100)), Optional.empty());
    }

    static Overview overview() {
        KeyPair oldKeys = TestPki.ecKeyPair();
        KeyPair newKeys = TestPki.ecKeyPair();
        X509Certificate current = TestPki.selfSigned(oldKeys, "CN=Example CA 2025,O=Example", true);
        X509Certificate next = TestPki.selfSigned(newKeys, "CN=Example CA 2027,O=Example", true);
        Authorities authorities = new Authorities(new CaCertificates(current, List.of(), Optional.empty()),
                Optional.of(new CaCertificates(next, List.of(), Optional.empty())), Optional.empty(), RotationPhase.BEGUN);
        List<InventoryEntry> credentials = List.of(
                entry(0xA1, "app_reader", "/O=Example/CN=app_reader", NOW.plus(Duration.ofDays(200)), CertificateStatus.VALID),
                entry(0xB2, "batch_job", "/O=Example/CN=batch_job", NOW.plus(Duration.ofDays(10)), CertificateStatus.VALID),
                entry(0xC3, "hostile", HOSTILE_SUBJECT, NOW.plus(Duration.ofDays(120)), CertificateStatus.VALID),
                entry(0xD4, "leaver", "/O=Example/CN=leaver", NOW.plus(Duration.ofDays(150)), CertificateStatus.REVOKED),
                entry(0xE5, "old_report", "/O=Example/CN=old_report", NOW.minus(Duration.ofDays(3)), CertificateStatus.VALID));
        Map<String, ManagedUser> users = new LinkedHashMap<>();
        for (ManagedUser u : List.of(
                new ManagedUser("app_reader", "%", "SUBJECT", Optional.of("/O=Example/CN=app_reader"), List.of(), Optional.of("app_reader"), NOW),
                new ManagedUser("batch", "10.0.0.%", "SUBJECT", Optional.of("/O=Example/CN=batch_job"), List.of(), Optional.of("batch_job"), NOW),
                new ManagedUser("ghost", "%", "X509", Optional.empty(), List.of(), Optional.of("old_report"), NOW),
                new ManagedUser("h<b>x", "%", "SUBJECT", Optional.of(HOSTILE_SUBJECT), List.of(), Optional.of("hostile"), NOW))) {
            users.put(u.key(), u);
        }
        List<AuditEvent> audit = List.of(
                new AuditEvent(NOW.minusSeconds(7200), "alice", "cert.issue", Optional.of("C3"), Optional.of(HOSTILE_SUBJECT), Optional.empty(),
                        Optional.of("<img src=x onerror=alert(1)>")),
                new AuditEvent(NOW.minusSeconds(600), "s2mtls-agent", "agent.renew", Optional.of("B2"), Optional.of("/O=Example/CN=batch_job"),
                        Optional.empty(), Optional.empty()));
        Overview overview = new Overview(NOW, Optional.of(authorities), credentials, users, Optional.of(NOW.minusSeconds(600)), audit);
        List<Overview.AccountComparison> accounts = List.of(
                comparison(users.get("app_reader@%"), Optional.of(new TlsRequirement.Subject("/O=Example/CN=app_reader", false)), Overview.Drift.SAME),
                comparison(users.get("batch@10.0.0.%"), Optional.of(new TlsRequirement.X509()), Overview.Drift.DIFFERENT),
                new Overview.AccountComparison(UserAccount.anyHost("ghost"), Optional.of(users.get("ghost@%")), Optional.empty(), Overview.Drift.MISSING),
                comparison(users.get("h<b>x@%"), Optional.of(new TlsRequirement.Subject(HOSTILE_SUBJECT, false)), Overview.Drift.SAME),
                new Overview.AccountComparison(UserAccount.anyHost("stranger"), Optional.empty(), Optional.of(new DatabaseUser(UserAccount.anyHost("stranger"),
                        Optional.of(new TlsRequirement.Subject("/O=Example/CN=app_reader", false)), List.of(), Optional.empty(), List.of())), Overview.Drift.UNRECORDED));
        return overview.withServer(new Overview.ServerAccounts(new ServerDescription("mariadb", "10.11.19-MariaDB", ""), accounts));
    }

    private static Overview.AccountComparison comparison(ManagedUser user, Optional<TlsRequirement> server, Overview.Drift drift) {
        UserAccount account = new UserAccount(user.name(), user.host());
        return new Overview.AccountComparison(account, Optional.of(user),
                Optional.of(new DatabaseUser(account, server, List.of(), Optional.empty(), List.of())), drift);
    }
}
