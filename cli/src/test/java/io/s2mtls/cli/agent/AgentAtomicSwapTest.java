package io.s2mtls.cli.agent;

import io.s2mtls.cli.command.agent.AgentConfig;
import io.s2mtls.cli.command.agent.AgentConfigFile;
import io.s2mtls.cli.command.agent.RenewalAgent;
import io.s2mtls.core.S2mtls;
import io.s2mtls.core.port.CredentialStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reader that reads NAME-key.pem and NAME-cert.pem in a tight loop while the agent renews again and again never
 * sees a key with another certificate, nor a missing file. The reader reads key, certificate, key: when both key
 * reads agree, the certificate was read while the key file named that key, so the two must match.
 */
class AgentAtomicSwapTest {
    static final int RENEWALS = 25;

    @TempDir
    Path dir;

    @Test
    void aReaderNeverSeesAKeyWithoutItsCertificate() throws Exception {
        AgentFixture fixture = new AgentFixture(dir).withCa().issue("app", 0, 30);
        // a window longer than the lifetime: due on every cycle
        AgentConfig config = AgentConfigFile.parse("renew-within: 60d\ncredentials:\n  - name: app\n    out-dir: tls\n", "agent.yaml", dir);
        Path key = dir.resolve("tls/app-key.pem");
        Path certificate = dir.resolve("tls/app-cert.pem");
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger checked = new AtomicInteger();
        AtomicReference<String> broken = new AtomicReference<>();
        StringWriter log = new StringWriter();
        try (CredentialStore store = fixture.open()) {
            S2mtls core = S2mtls.builder(store).actor("agent-test").build();
            RenewalAgent agent = RenewalAgent.create(config, core, store, Clock.systemUTC(), Optional.empty(),
                    new PrintWriter(log, true), new RenewalAgent.MonitorSleeper());
            assertEquals(0, agent.once(), log.toString());
            Thread reader = new Thread(() -> {
                while (!done.get() && broken.get() == null) {
                    try {
                        byte[] first = Files.readAllBytes(key);
                        byte[] cert = Files.readAllBytes(certificate);
                        byte[] second = Files.readAllBytes(key);
                        if (Arrays.equals(first, second)) {
                            checked.incrementAndGet();
                            if (!AgentFixture.matches(first, cert)) {
                                broken.set("a key was read with another certificate");
                            }
                        }
                    } catch (Exception e) {
                        broken.set("a read failed: " + e);
                    }
                }
            }, "pair-reader");
            reader.start();
            try {
                for (int i = 0; i < RENEWALS; i++) {
                    assertEquals(0, agent.once(), log.toString());
                }
            } finally {
                done.set(true);
                reader.join(Duration.ofSeconds(30).toMillis());
            }
        }
        assertNull(broken.get(), broken.get() + " after " + checked.get() + " consistent reads");
        assertEquals(RENEWALS + 1, fixture.agentRenewals().size());
        assertTrue(checked.get() > RENEWALS, "the reader checked too few pairs: " + checked.get());
        fixture.assertCurrentFiles(dir.resolve("tls"), "app");
        try (var generations = Files.list(dir.resolve("tls/.s2mtls/app"))) {
            assertTrue(generations.filter(p -> p.getFileName().toString().startsWith("gen-")).count() <= 2,
                    "old generations are removed, the previous one is kept");
        }
    }
}
