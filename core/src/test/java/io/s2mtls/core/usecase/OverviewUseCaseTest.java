package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.testing.TestPki;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.ServerDescription;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The overview: current entries by name, the agent's last renewal from the audit trail's end, and drift against a server. */
class OverviewUseCaseTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private final InMemoryCredentialStore store = new InMemoryCredentialStore(UUID.randomUUID().toString());
    private final OverviewUseCase overviews = S2mtls.builder(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build().overview();

    private static InventoryEntry entry(BigInteger serial, String name, CertificateProfile profile, CertificateStatus status, long recordedSecondsAgo) {
        return new InventoryEntry(serial, name, "/CN=" + name, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(20)), "00",
                profile, status, NOW.minusSeconds(recordedSecondsAgo));
    }

    private static AuditEvent event(String action, Instant time) {
        return new AuditEvent(time, "ops", action, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Stores a credential {@code name} holding a certificate with a fresh serial, recorded with {@code status}. */
    private BigInteger putCredential(String name, Optional<BigInteger> replacing) {
        KeyPair keys = TestPki.ecKeyPair();
        X509Certificate certificate = TestPki.selfSigned(keys, "CN=" + name, false);
        BigInteger serial = certificate.getSerialNumber();
        List<StoreWrite> writes = new ArrayList<>();
        writes.add(new StoreWrite.AddEntry(entry(serial, name, CertificateProfile.CLIENT, CertificateStatus.VALID, 50)));
        replacing.ifPresent(old -> writes.add(new StoreWrite.UpdateEntry(
                entry(old, name, CertificateProfile.CLIENT, CertificateStatus.SUPERSEDED, 100), CertificateStatus.VALID)));
        writes.add(new StoreWrite.PutCredential(new Credential(name, certificate, Optional.of(keys.getPrivate())), replacing));
        store.commit(new StoreBatch(writes, List.of()));
        return serial;
    }

    @Test
    void currentEntriesByNameLastAgentRenewalAndRecentAudit() {
        BigInteger first = putCredential("app", Optional.empty());
        BigInteger renewed = putCredential("app", Optional.of(first));
        putCredential("batch", Optional.empty());
        // a signed CSR: recorded, no stored key; its latest entry that is not superseded counts
        store.commit(new StoreBatch(List.of(
                new StoreWrite.AddEntry(entry(BigInteger.valueOf(7), "reporting", CertificateProfile.CLIENT, CertificateStatus.SUPERSEDED, 90)),
                new StoreWrite.AddEntry(entry(BigInteger.valueOf(8), "reporting", CertificateProfile.CLIENT, CertificateStatus.REVOKED, 80)),
                new StoreWrite.AddEntry(entry(BigInteger.valueOf(9), "Example CA", CertificateProfile.CA, CertificateStatus.VALID, 999))), List.of()));
        Instant agentTime = NOW.minusSeconds(600);
        List<AuditEvent> events = new ArrayList<>();
        events.add(event(OverviewUseCase.AGENT_RENEW, NOW.minusSeconds(3600)));
        events.add(event(OverviewUseCase.AGENT_RENEW, agentTime));
        for (int i = 0; i < 20; i++) {
            events.add(event("cert.issue", NOW.minusSeconds(500 - i)));
        }
        store.appendAudit(events);

        Overview overview = overviews.overview(5);
        assertEquals(NOW, overview.at());
        assertEquals(List.of("app", "batch", "reporting"), overview.credentials().stream().map(InventoryEntry::name).toList());
        assertEquals(renewed, overview.credentials().get(0).serial(), "the credential's certificate, not the superseded one");
        assertEquals(BigInteger.valueOf(8), overview.credentials().get(2).serial());
        assertEquals(CertificateStatus.REVOKED, overview.credentials().get(2).status());
        assertEquals(Optional.of(agentTime), overview.lastAgentRenewal(), "found beyond the 5 events shown");
        assertEquals(5, overview.recentAudit().size());
        assertEquals(events.get(events.size() - 1), overview.recentAudit().get(4), "oldest first, ending with the last");
        assertEquals(Optional.empty(), overview.server());
    }

    @Test
    void anAgentRenewalOlderThanTheScanIsNotSearchedFor() {
        List<AuditEvent> events = new ArrayList<>();
        events.add(event(OverviewUseCase.AGENT_RENEW, NOW.minusSeconds(99999)));
        for (int i = 0; i < OverviewUseCase.AGENT_RENEW_SCAN; i++) {
            events.add(event("cert.issue", NOW.minusSeconds(9999)));
        }
        store.appendAudit(events);
        assertEquals(Optional.empty(), overviews.overview(0).lastAgentRenewal());
        assertEquals(List.of(), overviews.overview(0).recentAudit());
    }

    @Test
    void driftComparesTheRecordWithWhatTheServerHolds() {
        putCredential("app", Optional.empty());
        putCredential("batch", Optional.empty());
        Map<String, ManagedUser> users = new LinkedHashMap<>();
        users.put("same", new ManagedUser("same", "%", "SUBJECT", Optional.of("/CN=app"), List.of(), Optional.of("app"), NOW));
        users.put("changed", new ManagedUser("changed", "%", "SUBJECT", Optional.of("/CN=batch"), List.of(), Optional.empty(), NOW));
        users.put("gone", new ManagedUser("gone", "%", "X509", Optional.empty(), List.of(), Optional.of("app"), NOW));
        users.put("hidden", new ManagedUser("hidden", "10.0.0.%", "SUBJECT", Optional.of("/CN=app"), List.of(), Optional.empty(), NOW));
        for (ManagedUser user : users.values()) {
            store.commit(StoreBatch.of(new StoreWrite.PutManagedUser(user.key(), Optional.of(user), Optional.empty()),
                    event("user.create", NOW)));
        }
        Map<UserAccount, DatabaseUser> server = new LinkedHashMap<>();
        server.put(UserAccount.anyHost("same"), user(UserAccount.anyHost("same"), Optional.of(new TlsRequirement.Subject("/CN=app", false))));
        server.put(UserAccount.anyHost("changed"), user(UserAccount.anyHost("changed"), Optional.of(new TlsRequirement.X509())));
        server.put(new UserAccount("hidden", "10.0.0.%"), user(new UserAccount("hidden", "10.0.0.%"), Optional.empty()));
        server.put(UserAccount.anyHost("stranger"), user(UserAccount.anyHost("stranger"), Optional.of(new TlsRequirement.Subject("/CN=batch", false))));
        server.put(UserAccount.anyHost("unrelated"), user(UserAccount.anyHost("unrelated"), Optional.of(new TlsRequirement.Subject("/CN=other", false))));

        Overview overview = overviews.overview(10, new FixedDirectory(server));
        Map<String, Overview.Drift> drift = new LinkedHashMap<>();
        overview.server().orElseThrow().accounts().forEach(a -> drift.put(a.account().name(), a.drift()));
        assertEquals(Map.of("same", Overview.Drift.SAME, "changed", Overview.Drift.DIFFERENT, "gone", Overview.Drift.MISSING,
                "hidden", Overview.Drift.NOT_EXPOSED, "stranger", Overview.Drift.UNRECORDED), drift);
        InventoryEntry batch = overview.credentials().get(1);
        assertEquals(List.of("changed", "stranger"), overview.server().get().of(batch).stream().map(a -> a.account().name()).toList());
        assertEquals(List.of("changed"), overview.usersOf(batch).stream().map(ManagedUser::name).toList());
        Overview.AccountComparison changed = overview.server().get().accounts().get(0);
        assertEquals(Optional.of("X509"), changed.serverRequirement());
        assertEquals(Optional.of("SUBJECT '/CN=batch'"), changed.recordedRequirement());
        assertTrue(overview.server().get().description().version().startsWith("10.11"));
    }

    private static DatabaseUser user(UserAccount account, Optional<TlsRequirement> requirement) {
        return new DatabaseUser(account, requirement, List.of(), Optional.empty(), List.of());
    }

    /** A server that holds fixed accounts and changes nothing. */
    private record FixedDirectory(Map<UserAccount, DatabaseUser> accounts) implements UserDirectory {
        @Override
        public ServerDescription server() {
            return new ServerDescription("mariadb", "10.11.19-MariaDB", "");
        }

        @Override
        public List<String> plannedSql(List<? extends UserCommand> commands) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> execute(List<? extends UserCommand> commands) {
            throw new UnsupportedOperationException("the overview changes nothing");
        }

        @Override
        public List<UserAccount> list() {
            return List.copyOf(accounts.keySet());
        }

        @Override
        public Optional<DatabaseUser> show(UserAccount account) {
            return Optional.ofNullable(accounts.get(account));
        }

        @Override
        public void close() {
        }
    }
}
