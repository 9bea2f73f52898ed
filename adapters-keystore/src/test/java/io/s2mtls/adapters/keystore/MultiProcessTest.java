package io.s2mtls.adapters.keystore;

import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.port.CredentialStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Real OS processes writing one store: concurrently, and killed with SIGKILL mid-write. */
class MultiProcessTest {
    @TempDir
    Path directory;

    private Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-XX:TieredStopAtLevel=1"); // quicker start; the children are short-lived
        command.add("-XX:+UseSerialGC");
        command.add(StoreWriterMain.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("S2MTLS_TEST_PASSWORD", Stores.PASSWORD);
        builder.redirectError(directory.resolve("child-" + System.nanoTime() + ".err").toFile());
        return builder.start();
    }

    private static BlockingQueue<String> lines(Process process) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process was killed
            } finally {
                lines.add("<eof>");
            }
        });
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private String childErrors() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".err")).map(p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).collect(Collectors.joining("\n"));
        }
    }

    @Test
    void twoProcessesAddingFiftyEachLoseNothing() throws Exception {
        Path file = directory.resolve("shared.p12");
        Process first = start("add", file.toString(), "first", "50");
        Process second = start("add", file.toString(), "second", "50");
        for (Process process : List.of(first, second)) {
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                first.destroyForcibly();
                second.destroyForcibly();
                fail("a writer did not finish in 180 s");
            }
            assertEquals(0, process.exitValue(), childErrors());
        }
        try (CredentialStore store = Stores.open(file)) {
            Stores.Content read = Stores.read(store);
            Set<String> expected = Stream.of("first", "second")
                    .flatMap(prefix -> IntStream.range(0, 50).mapToObj(i -> prefix + "-" + i)).collect(Collectors.toSet());
            assertEquals(expected, read.credentials().keySet());
            assertEquals(100, read.inventory().size());
            Set<BigInteger> serials = new HashSet<>();
            read.inventory().forEach(e -> assertTrue(serials.add(e.serial()), "serial repeated: " + e.serialHex()));
        }
    }

    @Test
    void aWriterKilledAtRandomMomentsLeavesACommittedState() throws Exception {
        Path file = directory.resolve("crash.p12");
        Random random = new Random();
        int kills = 25;
        int lastCount = 0;
        int killedMidWrite = 0;
        long started = System.nanoTime();
        for (int round = 0; round < kills; round++) {
            Process writer = start("loop", file.toString(), "r" + round);
            BlockingQueue<String> lines = lines(writer);
            String first = lines.poll(60, TimeUnit.SECONDS);
            assertNotNull(first, "the writer did not commit within 60 s");
            assertTrue(first.startsWith("committed"), first + childErrors());
            if (round % 2 == 0) {
                Thread.sleep(random.nextInt(250));
            } else {
                // aim at the write itself: kill as soon as the writer's temporary file shows up
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!hasTemporaryFile() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
            writer.destroyForcibly();
            assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
            int reported = 0;
            for (String line = first; !line.equals("<eof>"); line = lines.poll(30, TimeUnit.SECONDS)) {
                if (line.startsWith("committed ")) {
                    reported = Math.max(reported, Integer.parseInt(line.substring("committed ".length())));
                }
            }
            if (hasTemporaryFile()) {
                killedMidWrite++;
            }

            try (CredentialStore store = Stores.open(file)) {
                Stores.Content read = Stores.read(store);
                int count = read.credentials().size();
                assertTrue(count >= lastCount, "round " + round + ": the store went back from " + lastCount + " to " + count);
                assertTrue(count >= reported, "round " + round + ": the writer reported " + reported + " committed, the store has " + count);
                assertEquals(count, read.inventory().size(), "round " + round);
                CaMaterial ca = read.requireAuthority();
                for (Credential credential : read.credentials().values()) {
                    credential.certificate().verify(ca.certificate().getPublicKey());
                    assertTrue(credential.privateKey().isPresent());
                }
                lastCount = count;
            }
        }
        // the next writer clears what the killed ones left behind
        try (CredentialStore store = Stores.open(file)) {
            Stores.commit(store, List.of(Stores.issue("after", TestPki2.caKeysOf(Stores.read(store)))));
        }
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.contains(".s2mtls-tmp")).toList());
        }
        assertTrue(killedMidWrite > 0, "no kill landed while a write was in flight, so the test proved little");
        System.out.printf("crash test: %d kills (%d with a write in flight), %d credentials at the end, %d ms%n",
                kills, killedMidWrite, lastCount, (System.nanoTime() - started) / 1_000_000);
    }

    private boolean hasTemporaryFile() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.anyMatch(p -> p.getFileName().toString().contains(".s2mtls-tmp"));
        }
    }

    /** The CA key pair a store holds. */
    private static final class TestPki2 {
        static java.security.KeyPair caKeysOf(Stores.Content snapshot) {
            CaMaterial ca = snapshot.requireAuthority();
            return new java.security.KeyPair(ca.certificate().getPublicKey(), ca.privateKey().orElseThrow());
        }
    }
}
