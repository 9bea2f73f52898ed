package io.s2mtls.cli.agent;

import io.s2mtls.cli.command.agent.AgentConfig;
import io.s2mtls.cli.command.agent.AgentConfigFile;
import io.s2mtls.cli.command.agent.RenewalAgent;
import io.s2mtls.core.S2mtls;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A store that is down: the agent retries with exponential backoff up to five minutes and leaves the files alone. */
class AgentBackoffTest {
    @TempDir
    Path dir;

    /** The real store, or failures as from an unreachable backend while {@link #down} is set. */
    static final class FlakyStore implements CredentialStore {
        private final CredentialStore real;
        volatile boolean down;

        FlakyStore(CredentialStore real) {
            this.real = real;
        }

        private CredentialStore up() {
            if (down) {
                throw S2mtlsException.external("vault:secret/s2mtls/prod: connection refused", null);
            }
            return real;
        }

        @Override
        public String describe() {
            return real.describe();
        }

        @Override
        public StoreIndex index() {
            return up().index();
        }

        @Override
        public Optional<CaMaterial> authority() {
            return up().authority();
        }

        @Override
        public Optional<Credential> credential(String name) {
            return up().credential(name);
        }

        @Override
        public void commit(StoreBatch batch) {
            up().commit(batch);
        }

        @Override
        public List<AuditEvent> recentAudit(int limit) {
            return up().recentAudit(limit);
        }
    }

    @Test
    void failuresAreRetriedWithBackoffAndTheFilesStay() throws Exception {
        AgentFixture fixture = new AgentFixture(dir).withCa();
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        AgentFakeClockTest.FakeClock clock = new AgentFakeClockTest.FakeClock(start);
        AgentConfig config = AgentConfigFile.parse("credentials:\n  - name: short\n    out-dir: tls\n", "agent.yaml", dir);
        StringWriter log = new StringWriter();
        try (CredentialStore real = fixture.open()) {
            AgentFakeClockTest.oneHourCredential(real, "short", start);
            FlakyStore store = new FlakyStore(real);
            S2mtls core = S2mtls.builder(store).clock(clock).actor("agent-test").build();
            RenewalAgent[] agent = new RenewalAgent[1];
            byte[][] written = new byte[2][];
            int[] checkedWhileDown = new int[1];
            RenewalAgent.Sleeper sleeper = new RenewalAgent.Sleeper() {
                @Override
                public void sleep(Duration duration) {
                    clock.advance(duration);
                    if (store.down) {
                        try {
                            assertArrayEquals(written[0], Files.readAllBytes(dir.resolve("tls/short-key.pem")), "the key in use stays");
                            assertArrayEquals(written[1], Files.readAllBytes(dir.resolve("tls/short-cert.pem")), "the certificate in use stays");
                            checkedWhileDown[0]++;
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                    Duration since = Duration.between(start, clock.instant());
                    store.down = since.compareTo(Duration.ofMinutes(5)) >= 0 && since.compareTo(Duration.ofMinutes(50)) < 0;
                    if (since.compareTo(Duration.ofMinutes(55)) >= 0) {
                        agent[0].stop();
                    }
                }

                @Override
                public void wake() {
                }
            };
            agent[0] = RenewalAgent.create(config, core, store, clock, Optional.empty(), new PrintWriter(log, true), sleeper);
            agent[0].cycle();
            written[0] = Files.readAllBytes(dir.resolve("tls/short-key.pem"));
            written[1] = Files.readAllBytes(dir.resolve("tls/short-cert.pem"));
            agent[0].run();

            Matcher retry = Pattern.compile("agent: failed short: cannot read the store: .*connection refused.* retrying in (\\d+)s").matcher(log.toString());
            StringBuilder waits = new StringBuilder();
            while (retry.find()) {
                waits.append(retry.group(1)).append(' ');
            }
            assertTrue(waits.toString().startsWith("5 10 20 40 80 160 300 300 "), "exponential backoff capped at 5 minutes: " + waits + "\n" + log);
            // the store came back at 50 minutes: the credential (due at 40) was renewed then, at the next retry
            List<AuditEvent> renewals = fixture.agentRenewals();
            assertEquals(1, renewals.size(), log.toString());
            assertTrue(!renewals.get(0).time().isBefore(start.plus(Duration.ofMinutes(50)))
                    && renewals.get(0).time().isBefore(start.plus(Duration.ofMinutes(55))), renewals.get(0).time() + "\n" + log);
            fixture.assertCurrentFiles(dir.resolve("tls"), "short");
            assertTrue(log.toString().contains("the files in " + dir.resolve("tls") + " are left as they are"), log.toString());
            assertTrue(checkedWhileDown[0] > 30, "the files were checked while the store was down: " + checkedWhileDown[0]);
        }
    }
}
