package io.s2mtls.cli.agent;

import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.command.agent.AgentConfig;
import io.s2mtls.cli.command.agent.AgentConfigFile;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.usecase.AgentPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's configuration: the issue's shape as is, and every error at its file:line:col. */
class AgentConfigTest {
    private static final Path BASE = Path.of("/srv/agent");

    @TempDir
    Path dir;

    private static AgentConfig parse(String yaml) {
        return AgentConfigFile.parse(yaml, "agent.yaml", BASE);
    }

    private static String error(String yaml) {
        return assertThrows(S2mtlsException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void theIssuesShapeIsAcceptedAsIs() {
        AgentConfig config = parse("""
                renew-within: 30d          # or a fraction of the lifetime, e.g. "1/3" (the default)
                credentials:
                  - name: app_reader       # a credential in the store
                    out-dir: /etc/app/tls
                    exec: "systemctl reload app"   # optional, run after each renewal
                """);
        AgentConfig.Credential credential = config.credentials().get(0);
        assertEquals("app_reader", credential.name());
        assertEquals(Path.of("/etc/app/tls"), credential.outDir());
        assertEquals(Optional.of("systemctl reload app"), credential.exec());
        assertEquals(AgentPlan.Window.before(Duration.ofDays(30)), credential.window());
        assertEquals(Optional.empty(), credential.owner());
        assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"), credential.secretMode());
    }

    @Test
    void everyKeyAndTheDefaults() {
        AgentConfig config = parse("""
                credentials:
                  - name: a
                    out-dir: tls/a
                    owner: root:root
                    mode: "0640"
                    p12: true
                    p12-password-file: p12.pass
                    renew-within: 20m
                  - name: b
                    out-dir: tls/b
                """);
        AgentConfig.Credential a = config.credentials().get(0);
        assertEquals(BASE.resolve("tls/a"), a.outDir(), "relative to the configuration's directory");
        assertEquals("root:root", a.owner().orElseThrow().toString());
        assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"), a.secretMode());
        assertTrue(a.p12());
        assertEquals(Optional.of(BASE.resolve("p12.pass")), a.p12PasswordFile());
        assertEquals(AgentPlan.Window.before(Duration.ofMinutes(20)), a.window());
        assertEquals(AgentPlan.Window.THIRD, config.credentials().get(1).window(), "the default window is a third of the lifetime");
    }

    @Test
    void aThirdOfAnHourIsTwentyMinutesBeforeTheEnd() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        assertEquals(start.plus(Duration.ofMinutes(40)), AgentPlan.Window.THIRD.renewAt(start, start.plus(Duration.ofHours(1))));
        assertEquals(start.plus(Duration.ofMinutes(40)), parse("renew-within: 20m\ncredentials:\n  - {name: a, out-dir: x}\n")
                .credentials().get(0).window().renewAt(start, start.plus(Duration.ofHours(1))));
    }

    @Test
    void errorsNameTheFileLineAndColumn() {
        assertEquals("agent.yaml:4:5: unknown key 'credentials[0].outdir'; known: exec, mode, name, out-dir, owner, p12, p12-password-file, renew-within",
                error("""
                        renew-within: 30d
                        credentials:
                          - name: app
                            outdir: /tmp/x
                        """));
        assertEquals("agent.yaml:1:1: unknown key 'renew_within'; known: credentials, renew-within", error("renew_within: 30d\ncredentials: []\n"));
        assertEquals("agent.yaml:2:5: credentials[0]: 'out-dir' is missing; give the directory the files of 'app' are written to",
                error("credentials:\n  - name: app\n    exec: true\n"));
        assertEquals("agent.yaml:1:15: renew-within: '30 days' is neither a duration (30d, 12h, 20m, 2w) nor a fraction of the lifetime (1/3)",
                error("renew-within: 30 days\ncredentials:\n  - {name: a, out-dir: x}\n"));
        assertTrue(error("credentials:\n  - name: a\n    out-dir: x\n    mode: \"0644\"\n").startsWith("agent.yaml:4:11: credentials[0].mode: '0644' is not a mode for a private key"));
        assertTrue(error("credentials:\n  - name: a\n    out-dir: x\n    name: b\n").startsWith("agent.yaml:4:5: key 'credentials[0].name' is given twice"));
        assertTrue(error("x: &a 1\ncredentials:\n  - {name: a, out-dir: x}\n").startsWith("agent.yaml:1:4: YAML anchors ('&a') are not allowed"));
        assertTrue(error("credentials:\n  - name: a\n    out-dir: x\n  - name: a\n    out-dir: y\n")
                .startsWith("agent.yaml:4:5: credentials[1]: credential 'a' is listed twice (first at line 2)"));
        assertTrue(error("credentials:\n  - name: a\n    out-dir: x\n    owner: no-such-user-s2mtls\n")
                .startsWith("agent.yaml:4:12: credentials[0].owner: there is no user 'no-such-user-s2mtls'"));
        assertTrue(error("credentials: [\n").startsWith("agent.yaml:2:1: not valid YAML"), error("credentials: [\n"));
        assertEquals("agent.yaml: the configuration is empty; it needs a 'credentials:' list", error("# nothing\n"));
    }

    @Test
    void theCommandExitsTwoWithTheLocation() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("agent.yaml"), "credentials:\n  - name: app\n    out-dir: tls\n    color: blue\n");
        CliRunner.Run run = new CliRunner(dir).run("agent", "--config", "agent.yaml", "--once");
        assertEquals(2, run.exit(), run.toString());
        assertEquals("s2mtls: agent.yaml:4:5: unknown key 'credentials[0].color'; known: exec, mode, name, out-dir, owner, p12, p12-password-file, renew-within\n",
                run.err());
        java.nio.file.Files.writeString(dir.resolve("agent.yaml"), "credentials:\n  - name: app\n    out-dir: tls\n");
        CliRunner.Run listen = new CliRunner(dir).run("agent", "--config", "agent.yaml", "--metrics-listen", "0.0.0.0:9464");
        assertEquals(2, listen.exit(), listen.toString());
        assertEquals("s2mtls: --metrics-listen: 0.0.0.0 is not a loopback address; the agent serves metrics on 127.0.0.1 or ::1 only"
                + " (put a proxy in front of it to expose them)\n", listen.err());
    }
}
