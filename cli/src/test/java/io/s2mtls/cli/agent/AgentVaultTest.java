package io.s2mtls.cli.agent;

import io.s2mtls.adapters.vault.testing.VaultDouble;
import io.s2mtls.cli.CliRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent on the Vault store (the in-process double): Vault's token only, no store password on the host. */
class AgentVaultTest {
    static final String STORE = "vault:secret/s2mtls/prod";

    @TempDir
    Path dir;

    private final VaultDouble vault = VaultDouble.http();

    @AfterEach
    void stop() {
        vault.close();
    }

    @Test
    void theAgentRenewsOnVaultWithoutAStorePassword() throws Exception {
        CliRunner cli = new CliRunner(dir).env("S2MTLS_STORE", STORE).env("VAULT_ADDR", vault.address()).env("VAULT_TOKEN", vault.rootToken())
                .without("S2MTLS_STORE_PASSWORD");
        assertEquals(0, cli.run("ca", "create", "--subject", "/O=AgentTest/CN=Vault CA", "--key", "ec:p256").exit());
        assertEquals(0, cli.run("cert", "issue", "--subject", "/O=AgentTest/CN=app", "--key", "ec:p256", "--days", "20").exit());
        Files.writeString(dir.resolve("agent.yaml"), """
                renew-within: 30d
                credentials:
                  - name: app
                    out-dir: tls
                    exec: "env > ../hook-env.txt"
                """);
        CliRunner.Run first = cli.run("agent", "--config", "agent.yaml", "--once");
        assertEquals(0, first.exit(), first.toString());
        assertTrue(first.err().contains("agent: renewed app"), first.err());
        assertFalse(first.err().contains(vault.rootToken()), "the token is never logged");
        CliRunner.Run audit = cli.run("audit", "--action", "agent.renew", "--output", "json");
        assertEquals(0, audit.exit(), audit.toString());
        assertEquals(1, audit.out().lines().filter(l -> l.contains("\"agent.renew\"")).count(), audit.out());
        Path tls = dir.resolve("tls");
        assertTrue(AgentFixture.matches(Files.readAllBytes(tls.resolve("app-key.pem")), Files.readAllBytes(tls.resolve("app-cert.pem"))));
        CliRunner.Run verify = cli.run("cert", "verify", "--ca", "tls/ca-cert.pem", "tls/app-cert.pem");
        assertEquals(0, verify.exit(), verify.toString());

        // a renewal by hand: the agent writes the new files and runs its command, whose environment holds no Vault token
        assertEquals(0, cli.run("cert", "renew", "app").exit());
        Files.writeString(dir.resolve("agent.yaml"), Files.readString(dir.resolve("agent.yaml")).replace("30d", "1/3"));
        CliRunner.Run second = cli.run("agent", "--config", "agent.yaml", "--once");
        assertEquals(0, second.exit(), second.toString());
        String hookEnvironment = Files.readString(dir.resolve("hook-env.txt"));
        assertTrue(hookEnvironment.contains("S2MTLS_CREDENTIAL=app"), hookEnvironment);
        assertFalse(hookEnvironment.contains(vault.rootToken()), "the command does not get the Vault token");
        assertTrue(AgentFixture.matches(Files.readAllBytes(tls.resolve("app-key.pem")), Files.readAllBytes(tls.resolve("app-cert.pem"))));
    }
}
