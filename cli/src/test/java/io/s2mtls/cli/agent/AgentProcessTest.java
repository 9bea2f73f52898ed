package io.s2mtls.cli.agent;

import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The agent as a process of its own ({@code java io.s2mtls.cli.Main agent ...}): SIGTERM lets the current write finish
 * and exits 0; SIGKILL in the middle of renewals leaves a key and certificate that belong together, and the next
 * start brings the files up to date and runs the command of the renewal whose files were not written.
 */
class AgentProcessTest {
    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        children.forEach(Process::destroyForcibly);
    }

    /** A running agent; its standard error goes to a file, read as it grows. */
    private final class Agent {
        final Process process;
        final Path err;

        Agent(AgentFixture store, String... more) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "agent", "--config", "agent.yaml"));
            command.addAll(List.of(more));
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
            builder.environment().put("S2MTLS_STORE", store.storeUri());
            builder.environment().put("S2MTLS_STORE_PASSWORD", AgentFixture.PASSWORD);
            err = Files.createTempFile(dir, "agent-", ".err");
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            process = builder.start();
            children.add(process);
        }

        /** Waits for the {@code count}-th line that {@code wanted} accepts. */
        void await(Predicate<String> wanted, int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                if (log().lines().filter(wanted).count() >= count) {
                    return;
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(20);
            }
            fail("the agent did not log the expected line: " + log());
        }

        String log() {
            try {
                return Files.readString(err);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        int exit() throws InterruptedException {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the agent did not exit: " + log());
            return process.exitValue();
        }
    }

    @Test
    void sigtermExitsZeroWithTheFilesIntact() throws Exception {
        AgentFixture store = new AgentFixture(dir).withCa().issue("app", 0, 365);
        store.config("credentials:\n  - name: app\n    out-dir: tls\n");
        Agent agent = new Agent(store);
        agent.await(line -> line.startsWith("agent: wrote app"), 1);
        agent.process.destroy(); // SIGTERM
        assertEquals(0, agent.exit(), agent.log());
        assertTrue(agent.log().contains("agent: stopped"), agent.log());
        store.assertCurrentFiles(dir.resolve("tls"), "app");
    }

    @Test
    void sigtermDuringARenewalFinishesItsWriteAndExitsZero() throws Exception {
        AgentFixture store = new AgentFixture(dir).withCa().issue("app", 0, 30);
        store.config("renew-within: 60d\ncredentials:\n  - name: app\n    out-dir: tls\n"); // due on every cycle
        Agent agent = new Agent(store);
        agent.await(line -> line.startsWith("agent: renewing app"), 3);
        agent.process.destroy();
        assertEquals(0, agent.exit(), agent.log());
        store.assertCurrentFiles(dir.resolve("tls"), "app");
    }

    @Test
    void aKilledAgentLeavesWorkingMatchingFilesAndTheNextStartCatchesUp() throws Exception {
        AgentFixture store = new AgentFixture(dir).withCa().issue("app", 0, 30);
        store.config("renew-within: 60d\ncredentials:\n  - name: app\n    out-dir: tls\n    exec: \"echo $S2MTLS_SERIAL >> ../hook.log\"\n");
        Path key = dir.resolve("tls/app-key.pem");
        Path cert = dir.resolve("tls/app-cert.pem");
        // kill -9 at different points of a renewal: as it starts, right after the store recorded it, while writing
        List<String> killPoints = List.of("agent: renewing app", "agent: renewed app", "agent: wrote app", "agent: renewed app");
        for (String point : killPoints) {
            Agent agent = new Agent(store);
            agent.await(line -> line.startsWith(point), 2);
            agent.process.destroyForcibly(); // SIGKILL
            assertTrue(agent.process.waitFor(30, TimeUnit.SECONDS));
            assertTrue(AgentFixture.matches(Files.readAllBytes(key), Files.readAllBytes(cert)),
                    "after kill -9 at '" + point + "' the key and certificate do not match: " + agent.log());
            try (var leftovers = Files.list(dir.resolve("tls"))) {
                assertFalse(leftovers.anyMatch(p -> p.getFileName().toString().contains("s2mtls-tmp")), "no temporary file in the out-dir");
            }
        }
        // the next start, with nothing due, writes the current certificate's files and runs the command once
        store.config("renew-within: 1d\ncredentials:\n  - name: app\n    out-dir: tls\n    exec: \"echo $S2MTLS_SERIAL >> ../hook.log\"\n");
        int renewals = store.agentRenewals().size();
        CliRunner.Run run = store.cli().run("agent", "--config", "agent.yaml", "--once");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(renewals, store.agentRenewals().size(), "nothing was renewed: " + run);
        store.assertCurrentFiles(dir.resolve("tls"), "app");
        List<String> hooks = Files.readAllLines(dir.resolve("hook.log"));
        assertEquals(store.currentSerial("app").toString(16).toUpperCase(), hooks.get(hooks.size() - 1), run.toString());
        try (var generations = Files.list(dir.resolve("tls/.s2mtls/app"))) {
            assertTrue(generations.filter(p -> p.getFileName().toString().startsWith("gen-")).count() <= 2,
                    "half-written generations of killed agents are removed");
        }
    }

    @Test
    void theAgentServesItsMetricsOnLoopback() throws Exception {
        AgentFixture store = new AgentFixture(dir).withCa().issue("due", 300, 365);
        store.config("renew-within: 90d\ncredentials:\n  - name: due\n    out-dir: tls\n");
        Agent agent = new Agent(store, "--metrics-listen", "127.0.0.1:0");
        agent.await(line -> line.startsWith("agent: wrote due"), 1);
        java.util.regex.Matcher port = java.util.regex.Pattern.compile("serving metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics").matcher(agent.log());
        assertTrue(port.find(), agent.log());
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> metrics = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port.group(1) + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        assertTrue(metrics.body().contains("s2mtls_certificate_expiry_timestamp_seconds{name=\"due\""), metrics.body());
        assertTrue(metrics.body().contains("s2mtls_agent_last_renewal_timestamp_seconds "), "the agent's renewal is in the metrics: " + metrics.body());
        java.net.http.HttpResponse<String> other = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port.group(1) + "/")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(404, other.statusCode());
        agent.process.destroy();
        assertEquals(0, agent.exit(), agent.log());
    }
}
