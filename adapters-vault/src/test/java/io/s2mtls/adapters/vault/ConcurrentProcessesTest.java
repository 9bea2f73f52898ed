package io.s2mtls.adapters.vault;

import io.s2mtls.adapters.vault.testing.TestPluginContext;
import io.s2mtls.adapters.vault.testing.VaultDouble;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.spi.StoreLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Two OS processes write the same Vault store at once; check-and-set with retries loses nothing. */
class ConcurrentProcessesTest {
    private static final int PER_PROCESS = 100;

    @Test
    void twoProcessesEachAddAHundredCredentials(@TempDir Path dir) throws Exception {
        try (VaultDouble vault = VaultDouble.http()) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<Process> children = new ArrayList<>();
            List<BufferedReader> outputs = new ArrayList<>();
            // reads answered a little late, as over a network: the writers' read-then-cas windows overlap, so they collide
            vault.readAnswerDelay(Duration.ofMillis(3));
            // and the first audit appends wait for the other writer to read the same chunk, then land before its
            // answer: that writer's check-and-set is refused at least once however the two are scheduled
            vault.interleaveWrites(path -> path.matches("secret/data/s2mtls/together/[^/]+/audit/[0-9]+"), 3, Duration.ofSeconds(60));
            for (String prefix : List.of("p1", "p2")) {
                ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        StoreWriterMain.class.getName(), "vault:secret/s2mtls/together", prefix, Integer.toString(PER_PROCESS));
                builder.environment().put("VAULT_ADDR", vault.address());
                builder.environment().put("VAULT_TOKEN", vault.rootToken());
                builder.redirectError(dir.resolve(prefix + ".err").toFile());
                Process child = builder.start();
                children.add(child);
                outputs.add(new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)));
            }
            try {
                for (int i = 0; i < children.size(); i++) {
                    assertEquals("ready", outputs.get(i).readLine(), () -> stderr(dir));
                }
                for (Process child : children) {
                    OutputStream in = child.getOutputStream();
                    in.write("go\n".getBytes(StandardCharsets.UTF_8));
                    in.flush();
                }
                int retried = 0;
                for (int i = 0; i < children.size(); i++) {
                    if (!children.get(i).waitFor(180, TimeUnit.SECONDS)) {
                        fail("child " + i + " did not finish in 180 s");
                    }
                    assertEquals(0, children.get(i).exitValue(), () -> stderr(dir));
                    String done = outputs.get(i).readLine();
                    assertTrue(done != null && done.startsWith("done conflicts="), done + stderr(dir));
                    retried += Integer.parseInt(done.substring("done conflicts=".length()));
                }
                try (CredentialStore store = new VaultStoreProvider().open(StoreLocation.parse("vault:secret/s2mtls/together"),
                        TestPluginContext.of(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", vault.rootToken())))) {
                    StoreIndex snapshot = store.index();
                    assertEquals(2 * PER_PROCESS, snapshot.inventory().size());
                    assertEquals(2 * PER_PROCESS, snapshot.credentials().size());
                    Set<BigInteger> serials = new HashSet<>();
                    snapshot.inventory().forEach(e -> assertTrue(serials.add(e.serial()), "serial repeated: " + e.serialHex()));
                    assertEquals(2 * PER_PROCESS, store.recentAudit(10 * PER_PROCESS).size(), "one audit event per commit");
                    assertTrue(store.credential("p1-7").isPresent() && store.credential("p2-93").isPresent());
                    Set<String> expected = Stream.of("p1", "p2")
                            .flatMap(p -> IntStream.range(0, PER_PROCESS).mapToObj(i -> p + "-" + i)).collect(Collectors.toSet());
                    assertEquals(expected, snapshot.inventory().stream().map(InventoryEntry::name).collect(Collectors.toSet()));
                    assertEquals(expected, snapshot.credentials().keySet());
                }
                assertTrue(vault.interleaved() > 0, "no held audit write met a read of the other writer");
                assertTrue(vault.casConflicts() > 0, "the two writers never collided; the test proves nothing");
                assertEquals(vault.casConflicts(), retried, "every conflict the double refused was retried by a writer");
            } finally {
                children.forEach(Process::destroyForcibly);
            }
        }
    }

    private static String stderr(Path dir) {
        try {
            return "\np1: " + Files.readString(dir.resolve("p1.err")) + "\np2: " + Files.readString(dir.resolve("p2.err"));
        } catch (Exception e) {
            return "";
        }
    }
}
