package io.s2mtls.cli.embedding;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.spi.S2mtlsPlugin;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.usecase.IssueCommand;
import io.s2mtls.core.usecase.IssuedCertificate;
import io.s2mtls.core.usecase.RevocationUseCase;
import io.s2mtls.core.usecase.UsersUseCase;
import io.s2mtls.core.user.DatabaseTarget;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserPolicy;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.Pem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core's user and revocation use cases without the command line, against the private MariaDB server, with a
 * fixed clock: what an embedding tool gets is what the CLI does, records and refusals included.
 */
@ExtendWith(TestDatabaseExtension.class)
class WorkflowUseCasesTest {
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    TestDatabase db;
    InMemoryCredentialStore store;
    S2mtls s2mtls;
    UserDirectory directory;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.get();
        store = new InMemoryCredentialStore(UUID.randomUUID().toString());
        s2mtls = S2mtls.builder(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).actor("embedder").build();
        s2mtls.authority().create(DistinguishedName.parse("/O=s2mtls use case tests/CN=Use Case CA"), KeySpec.EC_P256, 365, false);
        directory = open();
    }

    private UserDirectory open() throws Exception {
        PluginRegistry plugins = new PluginRegistry(ServiceLoader.load(S2mtlsPlugin.class));
        return plugins.directory("singlestore").open(DatabaseTarget.withPassword(db.jdbcUrl(), db.adminUser(), db.adminPassword(),
                Pem.readCertificates(Files.readAllBytes(db.caFile()), db.caFile().toString())), PluginContext.of(Map.of(), Map.of(), () -> new char[0]));
    }

    @AfterEach
    void tearDown() {
        directory.close();
        db.sql("DROP USER IF EXISTS 'uc_app'@'%'", "DROP USER IF EXISTS 'uc_other'@'%'");
    }

    private IssuedCertificate issue(String name) {
        return s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/O=s2mtls use case tests/CN=" + name))
                .withKey(KeySpec.EC_P256).withName(name));
    }

    private String subject(IssuedCertificate issued) {
        return Certificates.subjectOf(issued.certificate()).oneline();
    }

    private String definition(String user) {
        return directory.show(UserAccount.anyHost(user)).orElseThrow().definition().orElseThrow();
    }

    private CertificateStatus status(IssuedCertificate issued) {
        return store.index().entry(issued.certificate().getSerialNumber()).orElseThrow().status();
    }

    private AuditEvent lastEvent() {
        return s2mtls.audit().recent(1, Optional.empty()).get(0);
    }

    @Test
    void anEmbedderCreatesARecordedUserAndRevokesWithLock() {
        IssuedCertificate app = issue("uc_app");
        UserAccount account = UserAccount.anyHost("uc_app");
        UsersUseCase.Change created = s2mtls.users().create(directory, new UserPolicy(account, TlsRequirement.subject(subject(app)),
                List.of(PrivilegeGrant.parse("SELECT ON uc.*"))));
        assertEquals(Optional.empty(), created.notRecorded());
        assertTrue(created.sql().get(0).startsWith("CREATE USER 'uc_app'@'%' REQUIRE SUBJECT '/O=s2mtls use case tests/CN=uc_app'"), created.sql().toString());
        assertEquals(new ManagedUser("uc_app", "%", "SUBJECT", Optional.of(subject(app)), List.of("SELECT ON `uc`.*"), Optional.empty(), NOW),
                store.index().managedUsers().get("uc_app@%"));
        AuditEvent create = lastEvent();
        assertEquals(List.of("user.create", NOW, "embedder", Optional.of("'uc_app'@'%'"), Optional.of(String.join("; ", created.sql()))),
                List.of(create.action(), create.time(), create.actor(), create.user(), create.detail()));

        RevocationUseCase.Result revoked = s2mtls.revocation().revoke(
                RevocationUseCase.Request.lockingRecordedAccounts("uc_app", "left"), directory);
        assertEquals(List.of(account), revoked.accounts());
        assertEquals(List.of("ALTER USER 'uc_app'@'%' ACCOUNT LOCK"), revoked.sql());
        assertEquals(List.of("locked 'uc_app'@'%' (ALTER USER 'uc_app'@'%' ACCOUNT LOCK); no open sessions to kill"), revoked.done());
        assertEquals(CertificateStatus.REVOKED, status(app));
        assertTrue(definition("uc_app").contains("ACCOUNT LOCK"), definition("uc_app"));
        assertTrue(revoked.revocation().crlPem().startsWith("-----BEGIN X509 CRL-----"));
        List<AuditEvent> trail = s2mtls.audit().recent(2, Optional.empty());
        assertEquals(List.of("cert.revoke", "user.lock"), trail.stream().map(AuditEvent::action).toList());
        assertEquals(Optional.of(revoked.revocation().entry().serialHex()), trail.get(1).serial());
        assertEquals(NOW, trail.get(1).time());
        assertTrue(store.index().managedUsers().containsKey("uc_app@%"), "a lock keeps the record");
        assertEquals(List.of(trail.get(1)), s2mtls.audit().all(Optional.of("user.lock")));

        UsersUseCase.Change dropped = s2mtls.users().drop(directory, account);
        assertEquals(List.of("DROP USER 'uc_app'@'%'"), dropped.sql());
        assertFalse(store.index().managedUsers().containsKey("uc_app@%"), "a drop forgets the record");
        assertEquals(Optional.empty(), directory.show(account));
        assertEquals("user.drop", lastEvent().action());
    }

    @Test
    void alterKeepsTheGrantsRecordedAndShowAndListReadTheServer() {
        IssuedCertificate app = issue("uc_app");
        UserAccount account = UserAccount.anyHost("uc_app");
        s2mtls.users().create(directory, new UserPolicy(account, TlsRequirement.x509(), List.of(PrivilegeGrant.parse("SELECT ON uc.*"))));
        s2mtls.users().alter(directory, account, TlsRequirement.subject(subject(app)));
        ManagedUser record = store.index().managedUsers().get("uc_app@%");
        assertEquals(List.of("SUBJECT", Optional.of(subject(app)), List.of("SELECT ON `uc`.*")),
                List.of(record.requirement(), record.subject(), record.grants()));
        UsersUseCase.Shown shown = s2mtls.users().show(directory, account);
        assertEquals(Optional.of(TlsRequirement.subject(subject(app))), shown.user().orElseThrow().requirement());
        assertTrue(s2mtls.users().list(directory).stream().anyMatch(l -> l.account().equals(account) && l.user().isPresent()));
    }

    @Test
    void revocationRefusesBeforeAnythingChanges() {
        IssuedCertificate victim = issue("uc_app");
        IssuedCertificate other = issue("uc_other");
        // nothing recorded for the credential
        S2mtlsException none = assertThrows(S2mtlsException.class, () -> s2mtls.revocation().revoke(
                RevocationUseCase.Request.lockingRecordedAccounts("uc_app", ""), directory));
        assertTrue(none.getMessage().contains("records no database account that logs in with 'uc_app'"), none.getMessage());
        // an account the store records for another credential's subject
        UserAccount foreign = UserAccount.anyHost("uc_other");
        s2mtls.users().create(directory, new UserPolicy(foreign, TlsRequirement.subject(subject(other)), List.of()));
        S2mtlsException elsewhere = assertThrows(S2mtlsException.class, () -> s2mtls.revocation().revoke(
                RevocationUseCase.Request.lockingRecordedAccounts("uc_app", "").on(foreign), directory));
        assertEquals(ErrorKind.BAD_INPUT, elsewhere.kind());
        assertTrue(elsewhere.getMessage().contains("requires the subject '" + subject(other) + "'")
                && elsewhere.getMessage().contains("nothing was revoked"), elsewhere.getMessage());
        // the administrator's own account: refused by the database plugin before the revocation
        UserAccount admin = directory.adminAccount().orElseThrow();
        S2mtlsException own = assertThrows(S2mtlsException.class, () -> s2mtls.revocation().revoke(
                new RevocationUseCase.Request("uc_app", Optional.empty(), "", RevocationUseCase.DatabaseAction.DROP, Optional.of(admin)), directory));
        assertTrue(own.getMessage().contains("is the account s2mtls is logged in as"), own.getMessage());

        assertEquals(CertificateStatus.VALID, status(victim), "nothing was revoked");
        assertFalse(definition("uc_other").contains("ACCOUNT LOCK"), definition("uc_other"));
        assertEquals("user.create", lastEvent().action(), "nothing was recorded after the create");
    }

    @Test
    void aStoreThatCannotBeReadStopsTheChangeBeforeTheServerIsTouched() {
        S2mtls unreadable = S2mtls.builder(new Unreadable()).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        UserPolicy policy = new UserPolicy(UserAccount.anyHost("uc_app"), TlsRequirement.x509(), List.of());
        S2mtlsException refused = assertThrows(S2mtlsException.class, () -> unreadable.users().create(directory, policy));
        assertEquals("unreadable: wrong store password (nothing was changed on the server: the change is recorded in that store)",
                refused.getMessage());
        assertEquals(Optional.empty(), directory.show(UserAccount.anyHost("uc_app")));

        // where there may be no store, the change is made and said not recorded
        UsersUseCase.Change made = unreadable.users().create(() -> directory, false, policy, false,
                new UsersUseCase.Options(false, UsersUseCase.Recording.IF_PRESENT));
        assertEquals(Optional.of("Not recorded in a store (unreadable: wrong store password)."), made.notRecorded());
        assertTrue(directory.show(UserAccount.anyHost("uc_app")).isPresent());
    }

    /** A store whose password is wrong: every read fails. */
    private static final class Unreadable implements CredentialStore {
        @Override
        public String describe() {
            return "unreadable";
        }

        private static S2mtlsException wrong() {
            return S2mtlsException.badInput("unreadable: wrong store password");
        }

        @Override
        public StoreIndex index() {
            throw wrong();
        }

        @Override
        public Optional<CaMaterial> authority() {
            throw wrong();
        }

        @Override
        public Optional<Credential> credential(String name) {
            throw wrong();
        }

        @Override
        public void commit(StoreBatch batch) {
            throw wrong();
        }

        @Override
        public List<AuditEvent> recentAudit(int limit) {
            throw wrong();
        }
    }
}
