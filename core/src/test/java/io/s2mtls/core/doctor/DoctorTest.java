package io.s2mtls.core.doctor;

import io.s2mtls.core.port.DoctorServer;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.testing.TestPki;
import io.s2mtls.core.user.DatabaseTarget.ClientCertificate;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.port.MtlsLogin;
import io.s2mtls.core.user.UserAccount;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The doctor's local steps with a fixed clock and a hand-written server. */
class DoctorTest {
    private static final KeyPair CA_KEYS = TestPki.ecKeyPair();
    private static final X509Certificate CA = TestPki.selfSigned(CA_KEYS, "CN=Doctor Unit CA", true);
    private static final KeyPair KEYS = TestPki.ecKeyPair();
    private static final X509Certificate LEAF = TestPki.signed(KEYS, "CN=app,O=Org", CA_KEYS, "CN=Doctor Unit CA", false);
    private static final UserAccount APP = UserAccount.anyHost("app");

    /** A SingleStore-like server: no requirement read back; logins as scripted. */
    static class FakeServer implements DoctorServer {
        final List<String> logins = new ArrayList<>();
        boolean exists = true;

        @Override
        public String description() {
            return "fake";
        }

        @Override
        public Optional<String> adminUnavailable() {
            return Optional.empty();
        }

        @Override
        public Optional<DatabaseUser> show(UserAccount account) {
            return exists ? Optional.of(new DatabaseUser(account, Optional.empty(), List.of(), Optional.empty(), List.of())) : Optional.empty();
        }

        @Override
        public List<UserAccount> accounts() {
            return List.of();
        }

        @Override
        public MtlsLogin.LoginReport login(String user, ClientCertificate certificate) {
            logins.add(user);
            if (user.equals("refused")) {
                throw S2mtlsException.external("database fake: access denied for 'refused'", null);
            }
            return new MtlsLogin.LoginReport(user + "@%", "TLSv1.3", "TLS_AES_128_GCM_SHA256");
        }
    }

    private static DoctorReport diagnose(Instant now, UserAccount account, Optional<ManagedUser> recorded, FakeServer server) {
        DoctorRequest request = new DoctorRequest(account, new PresentedCredential.Loaded("credential app", LEAF, List.of(), Optional.of(KEYS.getPrivate())),
                List.of(new TrustBundle("the store's CA", TrustBundle.Origin.STORE, List.of(CA))), List.of(), recorded);
        return new Doctor(Clock.fixed(now, ZoneOffset.UTC)).diagnose(request, server);
    }

    @Test
    void clockSkewIsNamedWhenTheCertificateStartsWithinMinutes() {
        Instant notBefore = LEAF.getNotBefore().toInstant();
        FakeServer server = new FakeServer();
        DoctorReport ahead = diagnose(notBefore.minusSeconds(90), APP, Optional.empty(), server);
        assertEquals(DoctorStep.VALIDITY, ahead.firstFailure().orElseThrow().step());
        assertTrue(ahead.check(DoctorStep.VALIDITY).summary().contains("clock skew"), ahead.check(DoctorStep.VALIDITY).summary());
        assertTrue(server.logins.isEmpty(), "no login after a failed step");

        DoctorReport justStarted = diagnose(notBefore.plusSeconds(30), APP, Optional.empty(), server);
        assertTrue(justStarted.loginWorks());
        assertTrue(justStarted.check(DoctorStep.VALIDITY).details().stream().anyMatch(d -> d.startsWith("clock skew")));

        DoctorReport future = diagnose(notBefore.minusSeconds(86_400), APP, Optional.empty(), server);
        assertTrue(future.check(DoctorStep.VALIDITY).summary().startsWith("not yet valid: it starts on"));
    }

    @Test
    void theStoresRecordStandsInWhenTheServerShowsNoRequirement() {
        Instant now = LEAF.getNotBefore().toInstant().plusSeconds(3600);
        ManagedUser wrong = new ManagedUser("app", "%", "SUBJECT", Optional.of("/O=Org/CN=app"), List.of(), Optional.of("app"), now);
        DoctorReport report = diagnose(now, APP, Optional.of(wrong), new FakeServer());
        CheckResult subject = report.check(DoctorStep.SUBJECT);
        assertEquals(CheckResult.Status.FAIL, subject.status());
        assertTrue(subject.details().stream().anyMatch(d -> d.contains("the store's record")), subject.details().toString());
        assertTrue(subject.details().stream().anyMatch(d -> d.startsWith("likely cause: RDN order")), subject.details().toString());

        ManagedUser right = new ManagedUser("app", "%", "SUBJECT", Optional.of("/CN=app/O=Org"), List.of(), Optional.of("app"), now);
        assertTrue(diagnose(now, APP, Optional.of(right), new FakeServer()).loginWorks());
    }

    @Test
    void aRefusedLoginAfterPassingChecksIsStepNine() {
        Instant now = LEAF.getNotBefore().toInstant().plusSeconds(3600);
        DoctorReport report = diagnose(now, UserAccount.anyHost("refused"), Optional.empty(), new FakeServer());
        assertEquals(DoctorStep.LOGIN, report.firstFailure().orElseThrow().step());
        FakeServer none = new FakeServer();
        none.exists = false;
        assertEquals(DoctorStep.USER_EXISTS, diagnose(now, APP, Optional.empty(), none).firstFailure().orElseThrow().step());
    }

    private static io.s2mtls.core.pki.InventoryEntry entry(X509Certificate certificate, String name, io.s2mtls.core.pki.CertificateStatus status,
                                                           Instant recordedAt) throws Exception {
        return new io.s2mtls.core.pki.InventoryEntry(certificate.getSerialNumber(), name, "/O=Org/CN=app", certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant(), java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(certificate.getEncoded())), io.s2mtls.core.pki.CertificateProfile.CLIENT, status, recordedAt);
    }

    private static DoctorReport withInventory(Instant now, List<io.s2mtls.core.pki.InventoryEntry> inventory, FakeServer server) {
        DoctorRequest request = new DoctorRequest(APP, new PresentedCredential.Loaded("credential app", LEAF, List.of(), Optional.of(KEYS.getPrivate())),
                List.of(new TrustBundle("the store's CA", TrustBundle.Origin.STORE, List.of(CA))), List.of(), Optional.empty(), inventory);
        return new Doctor(Clock.fixed(now, ZoneOffset.UTC)).diagnose(request, server);
    }

    @Test
    void aCertificateTheInventoryRecordsAsRevokedFailsStepThreeWithoutALogin() throws Exception {
        Instant now = LEAF.getNotBefore().toInstant().plusSeconds(3600);
        FakeServer server = new FakeServer();
        assertTrue(withInventory(now, List.of(entry(LEAF, "app", io.s2mtls.core.pki.CertificateStatus.VALID, now)), server).loginWorks());
        DoctorReport revoked = withInventory(now, List.of(entry(LEAF, "app", io.s2mtls.core.pki.CertificateStatus.REVOKED, now)), server);
        CheckResult step3 = revoked.firstFailure().orElseThrow();
        assertEquals(DoctorStep.VALIDITY, step3.step());
        assertTrue(step3.summary().startsWith("revoked:"), step3.summary());
        assertTrue(step3.fix().orElseThrow().contains("issue a new credential: 's2mtls cert issue --subject \"/O=Org/CN=app\" --name app --force"),
                step3.fix().toString());
        assertEquals(1, server.logins.size(), "no login with the revoked certificate");
        // the same serial with another fingerprint (another store's certificate) is not this one
        X509Certificate other = TestPki.signed(TestPki.ecKeyPair(), "CN=other", CA_KEYS, "CN=Doctor Unit CA", false);
        io.s2mtls.core.pki.InventoryEntry foreign = entry(other, "app", io.s2mtls.core.pki.CertificateStatus.REVOKED, now);
        io.s2mtls.core.pki.InventoryEntry sameSerial = new io.s2mtls.core.pki.InventoryEntry(LEAF.getSerialNumber(), "app", foreign.subject(),
                foreign.notBefore(), foreign.notAfter(), foreign.sha256Fingerprint(), foreign.profile(), foreign.status(), now);
        assertTrue(withInventory(now, List.of(sameSerial), new FakeServer()).loginWorks());
    }

    @Test
    void aLockedAccountFailsStepEightWithTheUnlockStatement() {
        Instant now = LEAF.getNotBefore().toInstant().plusSeconds(3600);
        FakeServer locked = new FakeServer() {
            @Override
            public Optional<DatabaseUser> show(UserAccount account) {
                return Optional.of(new DatabaseUser(account, Optional.empty(), List.of(),
                        Optional.of("CREATE USER `app`@`%` REQUIRE X509 ACCOUNT LOCK"), List.of()));
            }
        };
        DoctorReport report = diagnose(now, APP, Optional.empty(), locked);
        CheckResult step8 = report.firstFailure().orElseThrow();
        assertEquals(DoctorStep.USER_EXISTS, step8.step());
        assertTrue(step8.fix().orElseThrow().contains("ALTER USER 'app'@'%' ACCOUNT UNLOCK"), step8.fix().toString());
        assertTrue(locked.logins.isEmpty());
        assertTrue(Doctor.locked("CREATE USER 'a'@'%' ACCOUNT LOCK PASSWORD EXPIRE NEVER"));
        assertTrue(!Doctor.locked("CREATE USER 'a'@'%' ACCOUNT UNLOCK") && !Doctor.locked("CREATE USER 'account lock'@'%'"));
    }
}
