package io.s2mtls.cli.command.agent;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.usecase.AgentPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Agents that start at the same moment all create the lock's state directory: the one that loses the race to
 * create it must take the directory the winner made, not report it as something in the way.
 */
class CredentialDirectoryLockTest {
    private static final int ROUNDS = 150;
    private static final int AGENTS = 6;

    @TempDir
    Path dir;

    private static AgentConfig.Credential credential(Path outDir) {
        return new AgentConfig.Credential("app", outDir, Optional.empty(), PosixFilePermissions.fromString("rw-------"), false,
                Optional.empty(), Optional.empty(), AgentPlan.Window.THIRD);
    }

    @Test
    void agentsStartingTogetherOnAFreshDirectoryGetTheLockOnceAndNoError() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(AGENTS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                Path outDir = dir.resolve("out-" + round);
                CyclicBarrier start = new CyclicBarrier(AGENTS);
                List<Future<Optional<CredentialDirectory.Lock>>> attempts = new ArrayList<>();
                for (int agent = 0; agent < AGENTS; agent++) {
                    attempts.add(pool.submit(() -> {
                        start.await();
                        return new CredentialDirectory(credential(outDir)).tryLock();
                    }));
                }
                int held = 0;
                List<CredentialDirectory.Lock> locks = new ArrayList<>();
                for (Future<Optional<CredentialDirectory.Lock>> attempt : attempts) {
                    Optional<CredentialDirectory.Lock> lock = attempt.get(); // an ExecutionException here is the bug
                    lock.ifPresent(locks::add);
                    held += lock.isPresent() ? 1 : 0;
                }
                assertEquals(1, held, "round " + round + ": exactly one agent holds the lock");
                locks.forEach(CredentialDirectory.Lock::close);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFileWhereTheStateDirectoryGoesIsRefusedNamingIt() throws Exception {
        Path outDir = Files.createDirectories(dir.resolve("tls"));
        Files.createDirectories(outDir.resolve(".s2mtls"));
        Files.writeString(outDir.resolve(".s2mtls/app"), "not a directory");
        S2mtlsException refused = assertThrows(S2mtlsException.class, () -> new CredentialDirectory(credential(outDir)).tryLock());
        assertTrue(refused.getMessage().contains(outDir.resolve(".s2mtls/app") + " exists and is not a directory"), refused.getMessage());
    }
}
