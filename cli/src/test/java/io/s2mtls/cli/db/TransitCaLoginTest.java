package io.s2mtls.cli.db;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.adapters.vault.testing.VaultDouble;
import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.s2mtls.core.testing.ExternalTool.openssl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A CA whose key never leaves Vault's Transit engine issues a client certificate that openssl verifies
 * and that logs in to the private MariaDB server, through real command lines end to end.
 */
@ExtendWith(TestDatabaseExtension.class)
class TransitCaLoginTest {
    @TempDir
    Path dir;

    @Test
    void aTransitCaCertificateLogsIn() throws Exception {
        TestDatabase db = TestDatabase.get();
        try (VaultDouble vault = VaultDouble.http()) {
            CliRunner cli = new CliRunner(dir).env("VAULT_ADDR", vault.address()).env("VAULT_TOKEN", vault.rootToken())
                    .env("S2MTLS_STORE", "vault:secret/s2mtls/transit-login")
                    .env("S2MTLS_JDBC_URL", db.jdbcUrl()).env("S2MTLS_ADMIN_USER", db.adminUser())
                    .env("S2MTLS_ADMIN_PASSWORD", new String(db.adminPassword()));
            ok(cli.run("ca", "create", "--subject", "/O=s2mtls transit/CN=Transit Login CA", "--key", "vault-transit:login-ca", "--remote-key-type", "ec:p256"));
            ok(cli.run("ca", "export", "--out", "transit-ca.pem"));
            assertTrue(openssl("x509", "-in", dir.resolve("transit-ca.pem").toString(), "-noout", "-text").out().contains("ecdsa-with-SHA256"),
                    "the Transit key was created as EC P-256");
            DatabaseFixture.trust(db, Files.readString(dir.resolve("transit-ca.pem")));

            ok(cli.run("cert", "issue", "--subject", "/O=s2mtls transit/CN=transit_app", "--key", "ec:p256",
                    "--out-dir", "creds", "--p12-password-file", write("p12.pw", "p12 password")));
            Path cert = dir.resolve("creds/transit_app-cert.pem");
            assertEquals(cert + ": OK", openssl("verify", "-CAfile", dir.resolve("transit-ca.pem").toString(), cert.toString()).out().strip());
            com.fasterxml.jackson.databind.JsonNode storedCa = new io.s2mtls.adapters.vault.testing.StoreSecrets(vault, "secret",
                    "s2mtls/transit-login").ca().orElseThrow();
            assertFalse(storedCa.hasNonNull("privateKey"), "the CA key must stay in Transit: " + storedCa.fieldNames().next());
            assertEquals("vault-transit:login-ca", storedCa.path("keyReference").asText(), "the store keeps only the key's reference");

            ok(cli.run("user", "create", "transit_app", "--from-cert", "creds/transit_app-cert.pem", "--ca", db.caFile().toString()));
            Run login = ok(cli.run("connect", "--user", "transit_app", "--credential", "transit_app", "--ca", db.caFile().toString()));
            assertTrue(login.out().contains("current user: transit_app@%"), login.out());
            ExternalTool.Result client = db.client(List.of("--user=transit_app", "--ssl-ca=" + db.caFile(), "--ssl-cert=" + cert,
                    "--ssl-key=" + dir.resolve("creds/transit_app-key.pem"), "--ssl-verify-server-cert", "-N", "-B", "-e", "SELECT CURRENT_USER()"));
            assertEquals(0, client.exitCode(), client.stderr());
            assertEquals("transit_app@%", client.out().strip());
            ok(cli.run("user", "drop", "transit_app", "--ca", db.caFile().toString()));
        }
    }

    private String write(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content + "\n");
        return file.toString();
    }

    private static Run ok(Run run) {
        assertEquals(0, run.exit(), run.toString());
        return run;
    }
}
