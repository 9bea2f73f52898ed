package io.s2mtls.core.doctor;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.testing.TestPki;
import io.s2mtls.core.user.DatabaseTarget.ClientCertificate;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.MtlsLogin;
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
    static final class FakeServer implements DoctorServer {
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
}
