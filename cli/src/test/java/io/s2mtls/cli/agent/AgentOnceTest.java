package io.s2mtls.cli.agent;

import io.s2mtls.cli.CliRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code s2mtls agent --once} through the real command line, on a PKCS12 store. */
class AgentOnceTest {
    @TempDir
    Path dir;

    @Test
    void onceRenewsOnlyWhatIsDueAndWritesEveryCredentialsFiles() throws Exception {
        // due: issued 300 days ago for 365 days, 65 days left, within 90d; fresh: issued today; third: 1/3 of 365 days is 121 days
        AgentFixture store = new AgentFixture(dir).withCa().issue("due", 300, 365).issue("fresh", 0, 365).issue("third", 250, 365);
        BigInteger fresh = store.currentSerial("fresh");
        BigInteger due = store.currentSerial("due");
        BigInteger third = store.currentSerial("third");
        store.config("""
                renew-within: 90d
                credentials:
                  - name: due
                    out-dir: tls/due
                    exec: "echo renewed $S2MTLS_CREDENTIAL $S2MTLS_SERIAL >> ../../hook.log"
                  - name: fresh
                    out-dir: tls/fresh
                    exec: "echo renewed $S2MTLS_CREDENTIAL >> ../../hook.log"
                  - name: third
                    out-dir: tls/third
                    renew-within: 1/3
                """);
        CliRunner.Run run = store.cli().run("agent", "--config", "agent.yaml", "--once");
        assertEquals(0, run.exit(), run.toString());
        assertEquals("", run.out(), "the agent prints nothing on standard output");
        assertTrue(run.err().contains("agent: renewed due: serial"), run.err());
        assertTrue(run.err().contains("agent: renewed third: serial"), run.err());
        assertFalse(run.err().contains("renewed fresh"), run.err());
        assertFalse(run.err().contains("PRIVATE KEY"), run.err());

        assertNotEquals(due, store.currentSerial("due"));
        assertNotEquals(third, store.currentSerial("third"));
        assertEquals(fresh, store.currentSerial("fresh"), "a credential that is not due is not renewed");
        assertEquals(2, store.agentRenewals().size(), "one agent.renew event per renewal");
        for (String name : List.of("due", "fresh", "third")) {
            store.assertCurrentFiles(dir.resolve("tls").resolve(name), name);
        }
        assertEquals(List.of("renewed due " + store.currentSerial("due").toString(16).toUpperCase()),
                Files.readAllLines(dir.resolve("hook.log")), "the command runs after a renewal, not after the first write");

        // nothing is due now: a second run changes nothing and runs no command
        CliRunner.Run again = store.cli().run("agent", "--config", "agent.yaml", "--once");
        assertEquals(0, again.exit(), again.toString());
        assertEquals(2, store.agentRenewals().size(), again.toString());
        assertEquals(1, Files.readAllLines(dir.resolve("hook.log")).size());
        assertFalse(again.err().contains("wrote"), again.err());

        // generations a killed agent left (one half written, one switched away from before its clean-up) are
        // removed by the next run even when it has nothing to write; the one in use and the one before it stay
        Path state = dir.resolve("tls/due/.s2mtls/due");
        Set<String> kept = generations(state);
        Path inUse = state.resolve(Files.readSymbolicLink(state.resolve("current"))).normalize();
        long number = Long.parseLong(inUse.getFileName().toString().substring("gen-".length()));
        Files.writeString(Files.createDirectory(state.resolve("gen-" + (number + 7))).resolve("due-key.pem"), "-----BEGIN");
        Files.createDirectory(state.resolve("gen-" + (number + 8)));
        // and an entry named like a generation that links elsewhere: the link goes, what it points at stays
        Path elsewhere = Files.createDirectory(dir.resolve("not-the-agents"));
        Files.writeString(elsewhere.resolve("keep.txt"), "someone else's file");
        Files.createSymbolicLink(state.resolve("gen-" + (number + 9)), elsewhere);
        assertEquals(kept.size() + 3, generations(state).size());
        CliRunner.Run tidy = store.cli().run("agent", "--config", "agent.yaml", "--once");
        assertEquals(0, tidy.exit(), tidy.toString());
        assertEquals(kept, generations(state), tidy.toString());
        assertEquals("someone else's file", Files.readString(elsewhere.resolve("keep.txt")), "a link is never followed");
        assertTrue(kept.contains(inUse.getFileName().toString()) && kept.size() <= 2, kept.toString());
        store.assertCurrentFiles(dir.resolve("tls/due"), "due");
        assertEquals(1, Files.readAllLines(dir.resolve("hook.log")).size(), "tidying runs no command");
    }

    private static Set<String> generations(Path state) throws java.io.IOException {
        try (var entries = Files.list(state)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("gen-")).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void filesThatDoNotHoldTheCurrentCertificateAreRewrittenWithoutARenewalAndTheCommandRunsOnce() throws Exception {
        AgentFixture store = new AgentFixture(dir).withCa().issue("app", 0, 365);
        store.config("""
                credentials:
                  - name: app
                    out-dir: tls
                    exec: "echo reload >> hook.log"
                """);
        assertEquals(0, store.cli().run("agent", "--config", "agent.yaml", "--once").exit());
        store.assertCurrentFiles(dir.resolve("tls"), "app");
        assertFalse(Files.exists(dir.resolve("tls/hook.log")), "no command after the first write into an empty directory");

        // someone renews by hand: the agent writes the new certificate's files, renews nothing, and runs the command once
        CliRunner.Run manual = store.cli().run("cert", "renew", "app");
        assertEquals(0, manual.exit(), manual.toString());
        CliRunner.Run run = store.cli().run("agent", "--config", "agent.yaml", "--once");
        assertEquals(0, run.exit(), run.toString());
        assertFalse(run.err().contains("agent: renewed"), run.err());
        assertEquals(0, store.agentRenewals().size());
        store.assertCurrentFiles(dir.resolve("tls"), "app");
        assertEquals(List.of("reload"), Files.readAllLines(dir.resolve("tls/hook.log")));
        assertEquals(0, store.cli().run("agent", "--config", "agent.yaml", "--once").exit());
        assertEquals(List.of("reload"), Files.readAllLines(dir.resolve("tls/hook.log")), "once per renewal, not per cycle");
    }

    @Test
    void theHookRunsOncePerRenewalAndAFailingOneIsRetriedWithoutRenewingAgain() throws Exception {
        // always due: a window longer than the lifetime renews on every run
        AgentFixture store = new AgentFixture(dir).withCa().issue("app", 0, 30);
        store.config("""
                renew-within: 60d
                credentials:
                  - name: app
                    out-dir: tls
                    exec: "echo $S2MTLS_SERIAL >> ../hook.log; test ! -e ../fail-hook"
                """);
        for (int i = 0; i < 3; i++) {
            CliRunner.Run run = store.cli().run("agent", "--config", "agent.yaml", "--once");
            assertEquals(0, run.exit(), run.toString());
        }
        assertEquals(3, store.agentRenewals().size());
        List<String> lines = Files.readAllLines(dir.resolve("hook.log"));
        assertEquals(3, lines.size(), "one command run per renewal: " + lines);
        assertEquals(3, lines.stream().distinct().count(), "each run names its renewal's serial: " + lines);

        // a failing command: --once fails (exit 1), the renewal is kept, the command is pending
        Files.writeString(dir.resolve("fail-hook"), "");
        CliRunner.Run failing = store.cli().run("agent", "--config", "agent.yaml", "--once");
        assertEquals(1, failing.exit(), failing.toString());
        assertTrue(failing.err().contains("command for app failed (exit status 1)"), failing.err());
        assertEquals(4, store.agentRenewals().size());
        store.assertCurrentFiles(dir.resolve("tls"), "app");
        assertTrue(Files.exists(dir.resolve("tls/.s2mtls/app/hook-pending")));
        Files.delete(dir.resolve("fail-hook"));
        // now the window is made short so that nothing is due: the next run only retries the command
        store.config("""
                renew-within: 1d
                credentials:
                  - name: app
                    out-dir: tls
                    exec: "echo $S2MTLS_SERIAL >> ../hook.log; test ! -e ../fail-hook"
                """);
        CliRunner.Run retry = store.cli().run("agent", "--config", "agent.yaml", "--once");
        assertEquals(0, retry.exit(), retry.toString());
        assertEquals(4, store.agentRenewals().size(), "the credential is not renewed again for its command");
        assertEquals(5, Files.readAllLines(dir.resolve("hook.log")).size());
        assertFalse(Files.exists(dir.resolve("tls/.s2mtls/app/hook-pending")));
    }

    @Test
    void filesThatCertIssueWroteAreTakenOverWithP12ModeAndOwner() throws Exception {
        AgentFixture store = new AgentFixture(dir).withCa();
        CliRunner.Run issue = store.cli().run("cert", "issue", "--subject", "/O=AgentTest/CN=app", "--key", "ec:p256", "--days", "20", "--out-dir", "tls");
        assertEquals(0, issue.exit(), issue.toString());
        boolean root = "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip());
        store.config("""
                renew-within: 30d
                credentials:
                  - name: app
                    out-dir: tls
                    mode: "0640"
                    p12: true
                """ + (root ? "    owner: nobody:nogroup\n" : ""));
        CliRunner.Run run = store.cli().env("S2MTLS_P12_PASSWORD", "p12-secret-for-the-test").run("agent", "--config", "agent.yaml", "--once");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.err().contains("agent: renewed app"), run.err());
        Path tls = dir.resolve("tls");
        assertTrue(Files.isSymbolicLink(tls.resolve("app-key.pem")), "the plain files became links into the current generation");
        assertTrue(AgentFixture.matches(Files.readAllBytes(tls.resolve("app-key.pem")), Files.readAllBytes(tls.resolve("app-cert.pem"))));
        assertEquals(store.currentSerial("app"), AgentFixture.certificate(tls.resolve("app-cert.pem")).getSerialNumber());
        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve("app-key.pem"))));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve("app-cert.pem"))));
        var p12 = io.s2mtls.core.x509.Pkcs12Files.read(Files.readAllBytes(tls.resolve("app.p12")), "p12-secret-for-the-test".toCharArray(), "app.p12");
        assertEquals(store.currentSerial("app"), p12.chain().get(0).getSerialNumber(), "NAME.p12 holds the renewed certificate");
        assertFalse(Files.exists(tls.resolve("app.p12.pass")), "a password was given: no random password file");
        if (root) {
            assertEquals("nobody", Files.getOwner(tls.resolve("app-key.pem")).getName());
            assertEquals("nogroup", Files.readAttributes(tls.resolve("app-key.pem"), java.nio.file.attribute.PosixFileAttributes.class).group().getName());
        }
    }
}
