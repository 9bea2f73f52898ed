package io.s2mtls.cli.agent;

import io.s2mtls.cli.CliRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two agents never renew the same credential: each takes the credential's lock in its out-dir first. */
class AgentLockTest {
    @TempDir
    Path dir;

    @Test
    void aCredentialWhoseLockIsHeldIsSkipped() throws Exception {
        AgentFixture store = new AgentFixture(dir).withCa().issue("due", 300, 365);
        BigInteger before = store.currentSerial("due");
        store.config("renew-within: 90d\ncredentials:\n  - name: due\n    out-dir: tls\n");
        Path lockFile = Files.createDirectories(dir.resolve("tls/.s2mtls/due")).resolve("agent.lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {
            CliRunner.Run run = store.cli().run("agent", "--config", "agent.yaml", "--once");
            assertEquals(0, run.exit(), run.toString());
            assertTrue(run.err().contains("agent: skipped due: another agent holds " + lockFile), run.err());
            assertEquals(before, store.currentSerial("due"));
            assertEquals(0, store.agentRenewals().size());
        }
        CliRunner.Run run = store.cli().run("agent", "--config", "agent.yaml", "--once");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(1, store.agentRenewals().size(), run.toString());
    }

    @Test
    void twoAgentsAtOnceRenewEachDueCredentialOnce() throws Exception {
        List<String> names = List.of("d1", "d2", "d3", "d4");
        AgentFixture store = new AgentFixture(dir).withCa();
        names.forEach(name -> store.issue(name, 300, 365));
        StringBuilder yaml = new StringBuilder("renew-within: 90d\ncredentials:\n");
        for (String name : names) {
            yaml.append("  - name: ").append(name).append("\n    out-dir: tls\n    exec: \"echo ").append(name).append(" >> ../hook.log\"\n");
        }
        store.config(yaml.toString());
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<CliRunner.Run>> runs = pool.invokeAll(List.of(() -> {
                start.await();
                return store.cli().run("agent", "--config", "agent.yaml", "--once");
            }, () -> {
                start.await();
                return store.cli().run("agent", "--config", "agent.yaml", "--once");
            }), 120, TimeUnit.SECONDS);
            int renewing = 0;
            for (Future<CliRunner.Run> future : runs) {
                CliRunner.Run run = future.get();
                assertEquals(0, run.exit(), run.toString());
                renewing += (int) run.err().lines().filter(line -> line.startsWith("agent: renewing ")).count();
            }
            assertEquals(names.size(), renewing, "each due credential is renewed by one agent only: " + runs.get(0).get() + runs.get(1).get());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(names.size(), store.agentRenewals().size());
        for (String name : names) {
            assertEquals(1, store.agentRenewals(name), name);
            store.assertCurrentFiles(dir.resolve("tls"), name);
        }
        assertEquals(names.size(), Files.readAllLines(dir.resolve("hook.log")).size(), "one command run per renewal");
    }
}
