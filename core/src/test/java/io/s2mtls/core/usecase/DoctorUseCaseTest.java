package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.doctor.CheckResult;
import io.s2mtls.core.doctor.DoctorReport;
import io.s2mtls.core.doctor.DoctorStep;
import io.s2mtls.core.doctor.PresentedCredential;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.port.DoctorServer;
import io.s2mtls.core.port.MtlsLogin;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.user.DatabaseTarget.ClientCertificate;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.x509.Pem;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the doctor use case gathers before the checks: the presented credential, the client CAs, the store's record. */
class DoctorUseCaseTest {
    private static final Instant NOW = Instant.parse("2026-11-27T03:00:00Z");
    private static final UserAccount APP = UserAccount.anyHost("app");

    /** A server without an administrative connection whose client CA bundle is {@code bundle}; logins as asked. */
    static final class Server implements DoctorServer {
        final List<String> logins = new ArrayList<>();
        final ClientCaBundle bundle;

        Server(ClientCaBundle bundle) {
            this.bundle = bundle;
        }

        @Override
        public String description() {
            return "test server";
        }

        @Override
        public Optional<String> adminUnavailable() {
            return Optional.of("no admin here");
        }

        @Override
        public Optional<DatabaseUser> show(UserAccount account) {
            throw new AssertionError("no admin connection");
        }

        @Override
        public List<UserAccount> accounts() {
            throw new AssertionError("no admin connection");
        }

        @Override
        public MtlsLogin.LoginReport login(String user, ClientCertificate certificate) {
            logins.add(user);
            return new MtlsLogin.LoginReport(user + "@%", "TLSv1.3", "TLS_AES_128_GCM_SHA256");
        }

        @Override
        public ClientCaBundle clientCaBundle() {
            return bundle;
        }
    }

    private static S2mtls s2mtls(InMemoryCredentialStore store, Instant now) {
        return S2mtls.builder(store).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
    }

    @Test
    void aStoredCredentialIsCheckedAgainstTheStoresCaAtTheEnvironmentsClockWithTheStoresRecord() {
        InMemoryCredentialStore store = new InMemoryCredentialStore(UUID.randomUUID().toString());
        S2mtls s2mtls = s2mtls(store, NOW);
        s2mtls.authority().create(DistinguishedName.parse("/O=Doc/CN=Doc CA"), KeySpec.EC_P256, 365, false);
        s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/O=Doc/CN=app")).withKey(KeySpec.EC_P256).withName("app"));
        store.commit(io.s2mtls.core.port.StoreBatch.of(new io.s2mtls.core.port.StoreWrite.PutManagedUser("app@%",
                Optional.of(ManagedUsers.record(APP, TlsRequirement.subject("/O=Doc/CN=app"), List.of(), Optional.of("app"), NOW)),
                Optional.empty()), new io.s2mtls.core.pki.AuditEvent(NOW, "t", "user.create", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty())));
        Server server = new Server(new DoctorServer.ClientCaBundle("", List.of(), List.of("the server does not say (ssl_ca)")));

        DoctorUseCase.Diagnosis diagnosis = s2mtls.doctor().diagnose(DoctorUseCase.Request.stored(APP, "app"), server);
        DoctorReport report = diagnosis.report();
        assertEquals("credential app", diagnosis.presented());
        assertTrue(report.loginWorks(), report.toString());
        assertEquals(List.of("app"), server.logins);
        CheckResult chain = report.check(DoctorStep.CHAIN);
        assertTrue(chain.summary().contains("the store's CA /O=Doc/CN=Doc CA"), chain.toString());
        assertTrue(chain.details().contains("the server does not say (ssl_ca)"), chain.details().toString());
        CheckResult subject = report.check(DoctorStep.SUBJECT);
        assertEquals(CheckResult.Status.PASS, subject.status(), subject.toString());
        assertTrue(subject.toString().contains("the store's record of 'app'@'%'"), subject.toString());

        // a year and a day later, by the environment's clock, the same certificate has expired
        DoctorReport later = s2mtls(store, NOW.plus(Duration.ofDays(366))).doctor()
                .diagnose(DoctorUseCase.Request.stored(APP, "app"), server).report();
        assertEquals(DoctorStep.VALIDITY, later.firstFailure().orElseThrow().step(), later.toString());
    }

    @Test
    void theServersOwnBundleDecidesTheChain() {
        InMemoryCredentialStore store = new InMemoryCredentialStore(UUID.randomUUID().toString());
        S2mtls s2mtls = s2mtls(store, NOW);
        s2mtls.authority().create(DistinguishedName.parse("/O=Doc/CN=Doc CA"), KeySpec.EC_P256, 365, false);
        s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/O=Doc/CN=app")).withKey(KeySpec.EC_P256).withName("app"));
        InMemoryCredentialStore otherStore = new InMemoryCredentialStore(UUID.randomUUID().toString());
        X509Certificate otherCa = s2mtls(otherStore, NOW).authority()
                .create(DistinguishedName.parse("/O=Other/CN=Other CA"), KeySpec.EC_P256, 365, false).certificate();
        Server server = new Server(new DoctorServer.ClientCaBundle("the server's client CA bundle /etc/ca.pem (ssl_ca)", List.of(otherCa), List.of()));

        DoctorReport report = s2mtls.doctor().diagnose(DoctorUseCase.Request.stored(APP, "app"), server).report();
        assertEquals(DoctorStep.CHAIN, report.firstFailure().orElseThrow().step(), report.toString());
        assertTrue(report.check(DoctorStep.CHAIN).summary().contains("the server's client CA bundle /etc/ca.pem"), report.toString());
    }

    @Test
    void aMissingCredentialIsRefusedAndAnUnreadableStoreOnlyNotedForFiles() {
        InMemoryCredentialStore store = new InMemoryCredentialStore(UUID.randomUUID().toString());
        S2mtls s2mtls = s2mtls(store, NOW);
        X509Certificate ca = s2mtls.authority().create(DistinguishedName.parse("/O=Doc/CN=Doc CA"), KeySpec.EC_P256, 365, false).certificate();
        IssuedCertificate app = s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/O=Doc/CN=app")).withKey(KeySpec.EC_P256).withName("app"));
        Server server = new Server(new DoctorServer.ClientCaBundle("the server's client CA bundle ca.pem (ssl_ca)", List.of(ca), List.of()));
        S2mtlsException missing = assertThrows(S2mtlsException.class,
                () -> s2mtls.doctor().diagnose(DoctorUseCase.Request.stored(APP, "nope"), () -> {
                    throw new AssertionError("the server is not asked for before the credential is found");
                }));
        assertEquals("--credential: no credential named 'nope' in " + store.describe() + "; see 's2mtls cert list'", missing.getMessage());

        S2mtls unreadable = S2mtls.builder(new WrongPassword(store)).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        byte[] pem = Pem.certificate(app.certificate()).getBytes(StandardCharsets.US_ASCII);
        DoctorReport report = unreadable.doctor().diagnose(DoctorUseCase.Request.files(APP, new PresentedCredential.Files("app-cert.pem", pem,
                Optional.empty(), Optional.empty(), Optional.empty())), server).report();
        CheckResult chain = report.check(DoctorStep.CHAIN);
        assertEquals(CheckResult.Status.PASS, chain.status(), chain.toString());
        assertTrue(chain.details().contains("the store " + store.describe() + " was not read (wrong store password): its CA and records are not used"),
                chain.details().toString());
        assertEquals("app-cert.pem", report.check(DoctorStep.PARSE).summary().substring(0, "app-cert.pem".length()));
        assertThrows(S2mtlsException.class, () -> unreadable.doctor().diagnose(DoctorUseCase.Request.stored(APP, "app"), server),
                "with --credential the store must be readable");
    }

    /** The store behind a wrong password: every read fails. */
    private static final class WrongPassword implements io.s2mtls.core.port.CredentialStore {
        private final InMemoryCredentialStore store;

        WrongPassword(InMemoryCredentialStore store) {
            this.store = store;
        }

        private static S2mtlsException wrong() {
            return S2mtlsException.badInput("wrong store password");
        }

        @Override
        public String describe() {
            return store.describe();
        }

        @Override
        public io.s2mtls.core.port.StoreIndex index() {
            throw wrong();
        }

        @Override
        public Optional<io.s2mtls.core.pki.CaMaterial> authority() {
            throw wrong();
        }

        @Override
        public Optional<io.s2mtls.core.pki.Credential> credential(String name) {
            throw wrong();
        }

        @Override
        public void commit(io.s2mtls.core.port.StoreBatch batch) {
            throw wrong();
        }

        @Override
        public List<io.s2mtls.core.pki.AuditEvent> recentAudit(int limit) {
            throw wrong();
        }
    }
}
