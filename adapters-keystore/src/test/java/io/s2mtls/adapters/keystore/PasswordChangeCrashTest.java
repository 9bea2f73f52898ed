package io.s2mtls.adapters.keystore;

import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A process changing the store password, killed with SIGKILL at random moments, never loses the store. */
class PasswordChangeCrashTest {
    private static final String SECOND_PASSWORD = "the second store passphrase";

    @TempDir
    Path directory;

    private Process start(Path file) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                PasswordChangerMain.class.getName(), file.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("S2MTLS_TEST_PASSWORD", Stores.PASSWORD);
        builder.environment().put("S2MTLS_TEST_PASSWORD_2", SECOND_PASSWORD);
        builder.redirectError(directory.resolve("child.err").toFile());
        return builder.start();
    }

    private boolean hasTemporaryFile() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.anyMatch(p -> p.getFileName().toString().contains(".s2mtls-tmp"));
        }
    }

    @Test
    void aKilledPasswordChangeLeavesTheStoreUnderTheOldOrTheNewPassword() throws Exception {
        Path file = directory.resolve("crash.p12");
        KeyPair caKeys = TestPki.ecKeyPair();
        try (CredentialStore store = Stores.open(file)) {
            Stores.commit(store, Optional.of(CaMaterial.local(
                    TestPki.selfSigned(caKeys, Stores.CA_SUBJECT, true), caKeys.getPrivate())),
                    List.of(Stores.issue("alice", caKeys), Stores.issue("bob", caKeys)));
        }
        Random random = new Random();
        int killedMidWrite = 0;
        for (int round = 0; round < 6; round++) {
            Process changer = start(file);
            BufferedReader out = new BufferedReader(new InputStreamReader(changer.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("committed"), first + " " + Files.readString(directory.resolve("child.err")));
            if (round % 2 == 0) {
                Thread.sleep(random.nextInt(400));
            } else {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!hasTemporaryFile() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
            if (hasTemporaryFile()) {
                killedMidWrite++;
            }
            changer.destroyForcibly();
            assertTrue(changer.waitFor(30, TimeUnit.SECONDS));

            boolean first1 = PasswordChangerMain.opens(file, Stores.PASSWORD);
            boolean second = PasswordChangerMain.opens(file, SECOND_PASSWORD);
            assertTrue(first1 ^ second, "round " + round + ": exactly one of the two passwords opens the store");
            try (CredentialStore store = Stores.open(file, first1 ? Stores.PASSWORD : SECOND_PASSWORD)) {
                Stores.Content read = Stores.read(store);
                assertEquals(Set.of("alice", "bob"), read.credentials().keySet(), "round " + round);
                assertEquals(caKeys.getPublic(), read.requireAuthority().certificate().getPublicKey());
            }
        }
        assertTrue(killedMidWrite > 0, "no kill landed while a rewrite was in flight, so the test proved little");
    }
}
