package io.s2mtls.cli.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s2mtls.adapters.vault.testing.StoreSecrets;
import io.s2mtls.adapters.vault.testing.VaultDouble;
import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two OS processes issue 100 certificates each through the issuing use case into one Vault store at the
 * same time. Check-and-set with re-read and retry loses nothing and repeats no serial.
 */
class ConcurrentIssuanceTest {
    private static final String STORE = "vault:secret/s2mtls/together";
    private static final int PER_PROCESS = 100;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern AUDIT_CHUNK = Pattern.compile("secret/data/s2mtls/together/[^/]+/audit/[0-9]+");

    @TempDir
    Path dir;

    @Test
    void twoProcessesEachIssueAHundredCertificates(TestReporter reporter) throws Exception {
        try (VaultDouble vault = VaultDouble.http()) {
            CliRunner cli = new CliRunner(dir).env("VAULT_ADDR", vault.address()).env("VAULT_TOKEN", vault.rootToken());
            assertEquals(0, cli.run("ca", "create", "--subject", "/O=s2mtls/CN=Shared CA", "--key", "ec:p256", "--store", STORE).exit());

            // the first audit appends wait for the other process to read the same chunk, then land before its
            // answer: that process's check-and-set write of the chunk is refused, so the retry path runs every time
            vault.interleaveWrites(AUDIT_CHUNK.asMatchPredicate(), 3, Duration.ofSeconds(60));
            String java = ProcessHandle.current().info().command().orElseThrow();
            List<String> prefixes = List.of("p1", "p2");
            List<Process> children = new ArrayList<>();
            List<BufferedReader> outputs = new ArrayList<>();
            try {
                for (String prefix : prefixes) {
                    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                            IssuingProcessMain.class.getName(), STORE, prefix, Integer.toString(PER_PROCESS));
                    builder.environment().put("VAULT_ADDR", vault.address());
                    builder.environment().put("VAULT_TOKEN", vault.rootToken());
                    builder.environment().remove("VAULT_NAMESPACE");
                    builder.redirectError(dir.resolve(prefix + ".err").toFile());
                    Process child = builder.start();
                    children.add(child);
                    outputs.add(new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)));
                }
                for (BufferedReader output : outputs) {
                    assertEquals("ready", output.readLine(), this::stderr);
                }
                for (Process child : children) {
                    OutputStream in = child.getOutputStream();
                    in.write("go\n".getBytes(StandardCharsets.UTF_8));
                    in.flush();
                }
                for (int i = 0; i < children.size(); i++) {
                    if (!children.get(i).waitFor(300, TimeUnit.SECONDS)) {
                        fail("child " + prefixes.get(i) + " did not finish in 300 s" + stderr());
                    }
                    assertEquals(0, children.get(i).exitValue(), this::stderr);
                    assertEquals("done", outputs.get(i).readLine(), this::stderr);
                }
            } finally {
                children.forEach(Process::destroyForcibly);
            }

            Set<String> expected = Stream.of("p1", "p2")
                    .flatMap(p -> IntStream.range(0, PER_PROCESS).mapToObj(i -> p + "-" + i)).collect(Collectors.toSet());
            // the inventory as the command line reports it
            Run list = cli.run("cert", "list", "--output", "json", "--store", STORE);
            assertEquals(0, list.exit(), list.toString());
            JsonNode entries = JSON.readTree(list.out());
            assertEquals(2 * PER_PROCESS, entries.size());
            Set<String> serials = new HashSet<>();
            Set<String> names = new HashSet<>();
            for (JsonNode entry : entries) {
                assertTrue(serials.add(entry.get("serial").asText()), "serial repeated: " + entry);
                names.add(entry.get("name").asText());
            }
            assertEquals(expected, names);
            // and the credentials with their keys, each in its own secret
            StoreSecrets secrets = new StoreSecrets(vault, "secret", "s2mtls/together");
            assertEquals(expected, secrets.credentialNames());
            for (String name : expected) {
                assertTrue(secrets.credential(name).orElseThrow().get("privateKey").asText().contains("PRIVATE KEY"), name);
            }
            assertEquals(2 * PER_PROCESS, secrets.entries().size());

            // the writers collided, and every refused write was followed by another attempt
            assertTrue(vault.interleaved() > 0, "no held audit write met a read of the other process");
            int conflicts = vault.casConflicts();
            assertTrue(conflicts > 0, "the two processes never collided; the test proves nothing");
            long writes = vault.requests().stream().filter(r -> r.startsWith("POST secret/data/s2mtls/together")).count();
            long committed = 0;
            for (String key : secrets.keys()) {
                committed += JSON.readTree(vault.rawKv("secret", key).orElseThrow()).get("current").asInt();
            }
            assertEquals(committed + conflicts, writes, "writes = committed versions + refused (and retried) ones");
            Run audit = cli.run("audit", "--store", STORE);
            assertEquals(0, audit.exit(), audit.toString());
            assertEquals(1 + 2 * PER_PROCESS, audit.out().lines().count(), "one audit event for the CA, one per certificate");
            reporter.publishEntry("check-and-set conflicts retried", Integer.toString(conflicts));
        }
    }

    private String stderr() {
        StringBuilder text = new StringBuilder();
        for (String prefix : List.of("p1", "p2")) {
            try {
                text.append('\n').append(prefix).append(": ").append(Files.readString(dir.resolve(prefix + ".err")));
            } catch (Exception e) {
                text.append('\n').append(prefix).append(": no stderr");
            }
        }
        return text.toString();
    }
}
