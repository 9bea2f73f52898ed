package io.s2mtls.cli.agent;

import io.s2mtls.cli.command.agent.AgentConfig;
import io.s2mtls.cli.command.agent.AgentConfigFile;
import io.s2mtls.cli.command.agent.RenewalAgent;
import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.x509.CertificateTemplate;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.KeyPairs;
import io.s2mtls.core.x509.SigningKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A one-hour credential under the default window (a third of the lifetime) is renewed 40 minutes after it starts,
 * with the loop on a fake clock: the sleeper advances the clock instead of waiting.
 */
class AgentFakeClockTest {
    @TempDir
    Path dir;

    /** A clock the test moves. */
    static final class FakeClock extends Clock {
        private volatile Instant now;

        FakeClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** Stores a credential valid from {@code start} for one hour, signed by the store's CA. */
    static BigInteger oneHourCredential(CredentialStore store, String name, Instant start) {
        CaMaterial ca = store.authority().orElseThrow();
        KeyPair keys = KeyPairs.generate(KeySpec.EC_P256, new SecureRandom());
        DistinguishedName subject = DistinguishedName.parse("/O=AgentTest/CN=" + name);
        X509Certificate certificate = Certificates.issue(new CertificateTemplate(subject, keys.getPublic(), CertificateProfile.CLIENT,
                Certificates.randomSerial(new SecureRandom()), start, start.plus(Duration.ofHours(1)), List.of()),
                ca.certificate(), SigningKey.local(ca.privateKey().orElseThrow(), ca.certificate().getPublicKey()));
        InventoryEntry entry = new InventoryEntry(certificate.getSerialNumber(), name, subject.oneline(), start, start.plus(Duration.ofHours(1)),
                Certificates.sha256Fingerprint(certificate), CertificateProfile.CLIENT, CertificateStatus.VALID, start,
                Optional.of(ca.certificate().getSerialNumber()));
        store.commit(StoreBatch.builder()
                .write(new StoreWrite.PutCredential(new Credential(name, certificate, Optional.of(keys.getPrivate())), Optional.empty()))
                .write(new StoreWrite.AddEntry(entry))
                .audit(AuditEvent.certificate(start, "test", "cert.issue", entry, Optional.empty()))
                .build());
        return certificate.getSerialNumber();
    }

    @Test
    void aOneHourCredentialIsRenewedFortyMinutesAfterItStarts() throws Exception {
        AgentFixture fixture = new AgentFixture(dir).withCa();
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        FakeClock clock = new FakeClock(start);
        AgentConfig config = AgentConfigFile.parse("credentials:\n  - name: short\n    out-dir: tls\n", "agent.yaml", dir);
        List<Duration> sleeps = new ArrayList<>();
        StringWriter log = new StringWriter();
        try (CredentialStore store = fixture.open()) {
            BigInteger first = oneHourCredential(store, "short", start);
            S2mtls core = S2mtls.builder(store).clock(clock).actor("agent-test").build();
            RenewalAgent[] agent = new RenewalAgent[1];
            RenewalAgent.Sleeper sleeper = new RenewalAgent.Sleeper() {
                @Override
                public void sleep(Duration duration) {
                    sleeps.add(duration);
                    clock.advance(duration);
                    if (!clock.instant().isBefore(start.plus(Duration.ofHours(2)))) {
                        agent[0].stop();
                    }
                }

                @Override
                public void wake() {
                }
            };
            agent[0] = RenewalAgent.create(config, core, store, clock, Optional.empty(), new PrintWriter(log, true), sleeper);
            assertEquals(0, agent[0].run());

            List<AuditEvent> renewals = fixture.agentRenewals();
            // renewals keep the one-hour lifetime, so in two hours the credential is renewed three times, each time
            // when a third of its hour is left: at 40 minutes, then about every 40 minutes
            assertEquals(3, renewals.size(), log.toString());
            assertEquals(start.plus(Duration.ofMinutes(40)), renewals.get(0).time(),
                    "renewed at two thirds of the lifetime, on time: " + log);
            for (int i = 1; i < renewals.size(); i++) {
                Duration gap = Duration.between(renewals.get(i - 1).time(), renewals.get(i).time());
                assertTrue(gap.compareTo(Duration.ofMinutes(38)) >= 0 && gap.compareTo(Duration.ofMinutes(42)) <= 0,
                        "renewal " + i + " came " + gap + " after the one before: " + log);
            }
            InventoryEntry current = store.index().currentEntry("short").orElseThrow();
            assertNotEquals(first, current.serial());
            assertEquals(Duration.ofHours(1), Duration.between(renewals.get(2).time(), current.notAfter()),
                    "the renewed certificate lasts an hour, like the first");
            assertTrue(sleeps.stream().allMatch(s -> s.compareTo(Duration.ofMinutes(1)) <= 0), "never more than a minute between checks: " + sleeps);
            assertTrue(sleeps.size() >= 100, "checked every minute or sooner for two hours: " + sleeps.size());
        }
        fixture.assertCurrentFiles(dir.resolve("tls"), "short");
    }
}
