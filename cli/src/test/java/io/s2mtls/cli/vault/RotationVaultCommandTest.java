package io.s2mtls.cli.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s2mtls.adapters.vault.testing.VaultDouble;
import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rotation commands on the Vault store with CA keys in Transit (the in-process Vault double): a root and an
 * intermediate whose keys never leave Transit, a rotation to a new Transit key, and the bundle checked by openssl
 * at each phase.
 */
class RotationVaultCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STORE = "vault:secret/s2mtls/rotation";
    @TempDir
    Path work;
    private VaultDouble vault;

    @AfterEach
    void stop() {
        if (vault != null) {
            vault.close();
        }
    }

    private Run ok(CliRunner cli, String... args) {
        Run run = cli.run(args);
        assertEquals(0, run.exit(), run.toString());
        assertFalse(run.out().contains("PRIVATE KEY") || run.err().contains("PRIVATE KEY") || run.out().contains(vault.rootToken()), run.toString());
        return run;
    }

    private void verifies(String bundle, String cert) {
        ExternalTool.Result result = ExternalTool.run(List.of(ExternalTool.require("openssl").toString(), "verify", "-CAfile",
                work.resolve(bundle).toString(), "-untrusted", work.resolve(cert).toString(), work.resolve(cert).toString()));
        assertEquals(0, result.exitCode(), bundle + " / " + cert + ": " + result.out() + result.stderr());
    }

    @Test
    void anIntermediateWithTransitKeysRotatesToANewTransitKey() throws Exception {
        vault = VaultDouble.http();
        CliRunner cli = new CliRunner(work).env("VAULT_ADDR", vault.address()).env("VAULT_TOKEN", vault.rootToken());
        JsonNode created = JSON.readTree(ok(cli, "--store", STORE, "ca", "create", "--intermediate", "--subject", "/O=Vault/CN=Issuing CA",
                "--key", "vault-transit:issuing-1", "--remote-key-type", "ec:p256", "--root-remote-key", "vault-transit:root",
                "--output", "json").out());
        assertEquals("vault-transit:root", created.at("/root/keyLocation").asText());
        assertEquals("vault-transit:issuing-1", created.at("/intermediate/keyLocation").asText());
        ok(cli, "--store", STORE, "cert", "issue", "--subject", "/O=Vault/CN=app", "--key", "ec:p256", "--out-dir", "v1");
        assertEquals(1, Files.readString(work.resolve("v1/app-cert.pem")).split("BEGIN CERTIFICATE", -1).length - 1, "the leaf alone");

        JsonNode begun = JSON.readTree(ok(cli, "--store", STORE, "ca", "rotate", "begin", "--remote-key", "vault-transit:issuing-2",
                "--remote-key-type", "ec:p256", "--output", "json").out());
        assertEquals("begun", begun.get("phase").asText());
        assertEquals("vault-transit:issuing-2", begun.at("/authorities/next/keyLocation").asText());
        assertEquals("vault-transit:root", begun.at("/authorities/root/keyLocation").asText());
        ok(cli, "--store", STORE, "ca", "export", "--bundle", "--out", "bundle-1.pem");
        verifies("bundle-1.pem", "v1/app-cert.pem");
        ok(cli, "--store", STORE, "ca", "rotate", "switch");
        ok(cli, "--store", STORE, "cert", "renew", "--rotation", "--out-dir", "v2");
        verifies("bundle-1.pem", "v2/app-cert.pem");
        Run finished = ok(cli, "--store", STORE, "ca", "rotate", "finish");
        assertTrue(finished.out().contains("phase:        none"), finished.out());
        ok(cli, "--store", STORE, "ca", "export", "--bundle", "--out", "bundle-2.pem");
        assertEquals(2, Files.readString(work.resolve("bundle-2.pem")).split("BEGIN CERTIFICATE", -1).length - 1, "the new intermediate and the root");
        verifies("bundle-2.pem", "v2/app-cert.pem");
        Files.writeString(work.resolve("root.pass"), "a long enough root password\n");
        Run export = cli.run("--store", STORE, "ca", "root", "export", "--out", "root.p12", "--password-file", "root.pass");
        assertEquals(2, export.exit(), "a Transit root has no key to export: " + export);
        assertTrue(export.err().contains("vault-transit:root"), export.err());
        assertFalse(Files.exists(work.resolve("root.p12")));
    }
}
