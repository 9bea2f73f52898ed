package io.s2mtls.cli.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s2mtls.adapters.vault.testing.RawVault;
import io.s2mtls.adapters.vault.testing.StoreSecrets;
import io.s2mtls.adapters.vault.testing.TestTls;
import io.s2mtls.adapters.vault.testing.VaultDouble;
import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.s2mtls.core.testing.ExternalTool.openssl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Vault plugin end to end through the real command line: the store on KV v2 and a CA key in Transit,
 * against the in-process Vault double over TLS (trusted through VAULT_CACERT) and over http on 127.0.0.1.
 */
class VaultCliTest {
    static final String STORE = "vault:secret/s2mtls/prod";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The working directory of every command line: it must end up holding only what --out-dir asked for. */
    @TempDir
    Path work;
    /** Files the test needs that are not the CLI's business (VAULT_CACERT, certificates to import). */
    @TempDir
    Path aside;

    private final List<VaultDouble> doubles = new ArrayList<>();
    private final List<Run> runs = new ArrayList<>();
    private final Set<String> secrets = new TreeSet<>();

    @BeforeEach
    void noRunsYet() {
        runs.clear();
    }

    @AfterEach
    void stopAndCheckNoSecretWasPrinted() {
        doubles.forEach(VaultDouble::close);
        for (Run run : runs) {
            for (String secret : secrets) {
                assertFalse(run.out().contains(secret) || run.err().contains(secret), "a token was printed: " + run);
            }
            assertFalse(run.out().contains("PRIVATE KEY") || run.err().contains("PRIVATE KEY"), "a key was printed: " + run);
        }
    }

    private VaultDouble https(TestTls tls) {
        VaultDouble vault = VaultDouble.https(tls);
        doubles.add(vault);
        secrets.add(vault.rootToken());
        return vault;
    }

    private VaultDouble http() {
        VaultDouble vault = VaultDouble.http();
        doubles.add(vault);
        secrets.add(vault.rootToken());
        return vault;
    }

    /** A command line in {@link #work} that reaches {@code vault} with its root token, as the Vault CLI would. */
    private CliRunner cli(VaultDouble vault) {
        return new CliRunner(work).env("VAULT_ADDR", vault.address()).env("VAULT_TOKEN", vault.rootToken());
    }

    private Run run(CliRunner cli, String... args) {
        Run run = cli.run(args);
        runs.add(run);
        return run;
    }

    private Run ok(CliRunner cli, String... args) {
        Run run = run(cli, args);
        assertEquals(0, run.exit(), run.toString());
        return run;
    }

    /** Exit 3 and exactly one line on stderr that names {@code cause}. */
    private Run external(Run run, String cause) {
        runs.add(run);
        assertEquals(3, run.exit(), run.toString());
        List<String> lines = run.err().lines().toList();
        assertEquals(1, lines.size(), "one line on stderr: " + run);
        assertTrue(lines.get(0).startsWith("s2mtls: "), run.err());
        assertTrue(lines.get(0).contains(cause), "'" + cause + "' missing from: " + run.err());
        assertEquals("", run.out(), run.toString());
        return run;
    }

    /** Every regular file under the working directory, relative to it. */
    private Set<String> filesInWork() throws IOException {
        try (Stream<Path> files = Files.walk(work)) {
            return files.filter(Files::isRegularFile).map(f -> work.relativize(f).toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (var in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static void opensslAccepts(Path ca, Path certificate) {
        assertEquals(certificate + ": OK", openssl("verify", "-CAfile", ca.toString(), certificate.toString()).out().strip());
    }

    // ---- the store on KV v2 ----

    @Test
    void theWholeCycleOverTlsWithVaultCacert() throws Exception {
        TestTls tls = TestTls.create("Vault test CA");
        VaultDouble vault = https(tls);
        Path cacert = tls.writeCaPem(aside.resolve("vault-ca.pem"));
        wholeCycle(vault, cli(vault).env("VAULT_CACERT", cacert.toString()));
    }

    @Test
    void theWholeCycleOverHttpOnLoopback() throws Exception {
        VaultDouble vault = http();
        assertTrue(vault.address().startsWith("http://127.0.0.1:"), vault.address());
        wholeCycle(vault, cli(vault));
    }

    private void wholeCycle(VaultDouble vault, CliRunner cli) throws Exception {
        Run created = ok(cli, "ca", "create", "--subject", "/C=US/O=ExampleOrg/CN=Vault-CA", "--key", "ec:p256", "--store", STORE);
        assertTrue(created.out().contains("Created CA /C=US/O=ExampleOrg/CN=Vault-CA"), created.out());
        Run issued = ok(cli, "cert", "issue", "--subject", "/O=ExampleOrg/OU=Client/CN=app_reader", "--key", "ec:p256",
                "--out-dir", "creds", "--store", STORE);
        assertTrue(issued.out().contains("Issued app_reader"), issued.out());
        // no --p12-password-file: the .p12 gets a random password of its own beside it, and the CLI says where
        assertTrue(issued.err().contains("app_reader.p12.pass"), issued.err());
        assertTrue(issued.out().contains(": app_reader-key.pem, app_reader-cert.pem, app_reader.p12, app_reader.p12.pass, ca-cert.pem\n"),
                "lists the files written: " + issued.out());
        opensslAccepts(work.resolve("creds/ca-cert.pem"), work.resolve("creds/app_reader-cert.pem"));
        assertEquals("/O=ExampleOrg/OU=Client/CN=app_reader\n", ok(cli, "subject", "creds/app_reader-cert.pem").out());

        JsonNode list = JSON.readTree(ok(cli, "cert", "list", "--output", "json", "--store", STORE).out());
        assertEquals(1, list.size(), list.toString());
        assertEquals("app_reader", list.get(0).get("name").asText());
        assertEquals("valid", list.get(0).get("status").asText());
        X509Certificate client = certificate(work.resolve("creds/app_reader-cert.pem"));
        assertEquals(client.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT), list.get(0).get("serial").asText());

        ok(cli, "cert", "export", "app_reader", "--out-dir", "exported", "--store", STORE);
        assertEquals(Files.readString(work.resolve("creds/app_reader-cert.pem")), Files.readString(work.resolve("exported/app_reader-cert.pem")));
        assertEquals(Files.readString(work.resolve("creds/app_reader-key.pem")), Files.readString(work.resolve("exported/app_reader-key.pem")));
        opensslAccepts(work.resolve("exported/ca-cert.pem"), work.resolve("exported/app_reader-cert.pem"));

        JsonNode ca = JSON.readTree(ok(cli, "ca", "show", "--output", "json", "--store", STORE).out());
        assertEquals("/C=US/O=ExampleOrg/CN=Vault-CA", ca.get("certificate").get("subject").asText());
        assertEquals("in the store", ca.get("keyLocation").asText());
        assertEquals(STORE, ca.get("store").asText());

        // the requested files and nothing else; in particular no local store file
        assertEquals(new TreeSet<>(List.of("creds/app_reader-cert.pem", "creds/app_reader-key.pem", "creds/app_reader.p12",
                "creds/app_reader.p12.pass", "creds/ca-cert.pem", "exported/app_reader-cert.pem", "exported/app_reader-key.pem",
                "exported/app_reader.p12", "exported/app_reader.p12.pass", "exported/ca-cert.pem")), filesInWork());
        // everything else is in KV v2 secrets under the store's path: the CA, one per credential, the index shards
        StoreSecrets secrets = new StoreSecrets(vault, "secret", "s2mtls/prod");
        assertEquals("s2mtls-store/2", secrets.marker().get("format").asText());
        assertTrue(secrets.ca().orElseThrow().get("privateKey").asText().startsWith("-----BEGIN PRIVATE KEY-----"));
        assertEquals(Files.readString(work.resolve("creds/app_reader-key.pem")).strip(),
                secrets.credential("app_reader").orElseThrow().get("privateKey").asText().strip());
        assertEquals(1, secrets.entries().size());
    }

    // ---- a CA key that never leaves Vault ----

    @Test
    void aTransitRsaCaIssuesWhatOpensslAccepts() throws Exception {
        VaultDouble vault = http();
        CliRunner cli = cli(vault);
        Run created = ok(cli, "ca", "create", "--subject", "/O=ExampleOrg/CN=Transit RSA CA", "--key", "vault-transit:s2mtls-ca", "--store", STORE);
        assertTrue(created.err().contains("The CA key stays in vault-transit (vault-transit:s2mtls-ca)"), created.err());
        transitCaIssues(vault, cli, "vault-transit:s2mtls-ca", "RSA");
        JsonNode key = new RawVault(vault.address()).send("GET", "transit/keys/s2mtls-ca", vault.rootToken(), null).json();
        assertEquals("rsa-4096", key.get("data").get("type").asText(), "the default Transit CA key type");
    }

    @Test
    void aTransitEcCaIssuesWhatOpensslAccepts() throws Exception {
        VaultDouble vault = http();
        // the key type is Vault's choice: create the key first (vault write transit/keys/s2mtls-ec-ca type=ecdsa-p256)
        RawVault raw = new RawVault(vault.address());
        assertEquals(204, raw.send("POST", "transit/keys/s2mtls-ec-ca", vault.rootToken(), "{\"type\":\"ecdsa-p256\"}").status());
        CliRunner cli = cli(vault);
        ok(cli, "ca", "create", "--subject", "/O=ExampleOrg/CN=Transit EC CA", "--key", "vault-transit:s2mtls-ec-ca", "--store", STORE);
        transitCaIssues(vault, cli, "vault-transit:s2mtls-ec-ca", "EC");
    }

    private void transitCaIssues(VaultDouble vault, CliRunner cli, String reference, String algorithm) throws Exception {
        String keyName = reference.substring(reference.indexOf(':') + 1);
        int signaturesBefore = signRequests(vault, keyName);
        ok(cli, "cert", "issue", "--subject", "/O=ExampleOrg/CN=alice", "--key", "ec:p256", "--out-dir", "creds", "--store", STORE);
        assertEquals(signaturesBefore + 1, signRequests(vault, keyName), "the client certificate was signed in Transit");
        opensslAccepts(work.resolve("creds/ca-cert.pem"), work.resolve("creds/alice-cert.pem"));
        X509Certificate ca = certificate(work.resolve("creds/ca-cert.pem"));
        assertEquals(algorithm, ca.getPublicKey().getAlgorithm());
        certificate(work.resolve("creds/alice-cert.pem")).verify(ca.getPublicKey());

        JsonNode shown = JSON.readTree(ok(cli, "ca", "show", "--output", "json", "--store", STORE).out());
        assertEquals(reference, shown.get("keyLocation").asText());
        assertTrue(ok(cli, "ca", "show", "--store", STORE).out().contains("CA key:      " + reference));

        StoreSecrets secrets = new StoreSecrets(vault, "secret", "s2mtls/prod");
        JsonNode caSecret = secrets.ca().orElseThrow();
        assertEquals(reference, caSecret.get("keyReference").asText());
        assertFalse(caSecret.has("privateKey"), caSecret.toString());
        for (String key : secrets.keys()) {
            if (!key.contains("/credentials/")) {
                assertFalse(vault.kvData("secret", key).orElseThrow().toString().contains("PRIVATE KEY"), "a private key in " + key);
            }
        }
        // the client's own key is a normal stored credential
        assertTrue(secrets.credential("alice").orElseThrow().get("privateKey").asText().contains("PRIVATE KEY"));
        assertEquals(Set.of("creds/alice-cert.pem", "creds/alice-key.pem", "creds/alice.p12", "creds/alice.p12.pass", "creds/ca-cert.pem"),
                filesInWork());
    }

    private static int signRequests(VaultDouble vault, String keyName) {
        return (int) vault.requests().stream().filter(r -> r.equals("POST transit/sign/" + keyName)).count();
    }

    @Test
    void anExistingTransitKeyIsImportedWithItsCertificate() throws Exception {
        VaultDouble vault = http();
        RawVault raw = new RawVault(vault.address());
        assertEquals(204, raw.send("POST", "transit/keys/existing-ca", vault.rootToken(), "{\"type\":\"ecdsa-p384\"}").status());
        // a CA certificate for that key, made elsewhere (here: by another store), exported to a file
        CliRunner elsewhere = new CliRunner(aside).env("VAULT_ADDR", vault.address()).env("VAULT_TOKEN", vault.rootToken());
        ok(elsewhere, "ca", "create", "--subject", "/O=ExampleOrg/CN=Existing CA", "--key", "vault-transit:existing-ca", "--store", "vault:secret/s2mtls/old");
        ok(elsewhere, "ca", "export", "--out", "existing-ca.pem", "--store", "vault:secret/s2mtls/old");
        Path existing = aside.resolve("existing-ca.pem");

        CliRunner cli = cli(vault);
        Run imported = ok(cli, "ca", "import", "--cert", existing.toString(), "--key", "vault-transit:existing-ca", "--store", STORE);
        assertTrue(imported.out().contains("Imported CA /O=ExampleOrg/CN=Existing CA"), imported.out());
        ok(cli, "cert", "issue", "--subject", "/O=ExampleOrg/CN=bob", "--key", "ec:p256", "--out-dir", "creds", "--store", STORE);
        opensslAccepts(existing, work.resolve("creds/bob-cert.pem"));
        assertEquals("vault-transit:existing-ca", JSON.readTree(ok(cli, "ca", "show", "--output", "json", "--store", STORE).out())
                .get("keyLocation").asText());
        assertFalse(new StoreSecrets(vault, "secret", "s2mtls/prod").ca().orElseThrow().toString().contains("PRIVATE KEY"));

        // a certificate whose key is not the Transit key is refused, and the store keeps its CA
        assertEquals(204, raw.send("POST", "transit/keys/other-key", vault.rootToken(), "{\"type\":\"ecdsa-p256\"}").status());
        Run mismatch = run(cli, "ca", "import", "--cert", existing.toString(), "--key", "vault-transit:other-key", "--force", "--store", STORE);
        assertEquals(2, mismatch.exit(), mismatch.toString());
        assertTrue(mismatch.err().contains("is not the key of"), mismatch.err());
        assertEquals("vault-transit:existing-ca", new StoreSecrets(vault, "secret", "s2mtls/prod").ca().orElseThrow().get("keyReference").asText());
    }

    // ---- failures: exit 3, one line naming the cause, no token ----

    @Test
    void aBadTokenIsExitThree() {
        VaultDouble vault = http();
        String token = "hvs.not-a-real-token-1234";
        secrets.add(token);
        Run run = cli(vault).env("VAULT_TOKEN", token).run("cert", "list", "--store", STORE);
        external(run, "invalid or expired");
        assertTrue(run.err().contains(vault.address()) && run.err().contains("secret/s2mtls/prod"), run.err());
    }

    @Test
    void aPolicyDenialIsExitThree() {
        VaultDouble vault = http();
        vault.policy("elsewhere", "secret/data/other/");
        String token = vault.createToken(List.of("elsewhere"), Duration.ofHours(1), true);
        secrets.add(token);
        Run run = cli(vault).env("VAULT_TOKEN", token).run("ca", "show", "--store", STORE);
        external(run, "permission denied");
        assertFalse(run.err().contains("invalid"), run.err());
    }

    @Test
    void aSealedVaultIsExitThree() throws Exception {
        VaultDouble vault = http();
        vault.seal(true);
        external(cli(vault).run("cert", "issue", "--subject", "/CN=x", "--key", "ec:p256", "--out-dir", "creds", "--store", STORE), "sealed");
        assertEquals(Set.of(), filesInWork(), "nothing written when Vault refused");
    }

    @Test
    void aVaultCertificateFromAnotherCaIsExitThree() throws Exception {
        VaultDouble vault = https(TestTls.create("Vault test CA"));
        Path wrongCa = TestTls.create("Some other CA").writeCaPem(aside.resolve("wrong-ca.pem"));
        Run run = cli(vault).env("VAULT_CACERT", wrongCa.toString()).run("cert", "list", "--store", STORE);
        external(run, "TLS failure");
        assertTrue(run.err().contains(wrongCa.toString()), "names the trust source: " + run.err());
    }

    @Test
    void anUnreachableVaultIsExitThree() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        String token = "hvs.token-for-nobody";
        secrets.add(token);
        CliRunner cli = new CliRunner(work).env("VAULT_ADDR", "http://127.0.0.1:" + closedPort).env("VAULT_TOKEN", token);
        external(cli.run("ca", "create", "--subject", "/CN=x", "--key", "ec:p256", "--store", STORE), "connection refused");
    }

    @Test
    void aMissingMountIsExitThree() {
        VaultDouble vault = http();
        Run run = cli(vault).run("cert", "list", "--store", "vault:nosuch/s2mtls/prod");
        external(run, "no such mount or path");
        assertTrue(run.err().contains("nosuch/s2mtls/prod"), run.err());
    }

    @Test
    void aVaultPathWithNoStoreIsExitTwoForReadsAndWritesAndNothingIsWritten() {
        VaultDouble vault = http();
        String none = "vault:secret/s2mtls/typo";
        Run list = run(cli(vault), "cert", "list", "--expiring-within", "30d", "--store", none);
        assertEquals(2, list.exit(), list.toString());
        assertTrue(list.err().contains("the store " + none + " does not exist") && list.err().contains("S2MTLS_STORE"), list.err());
        assertFalse(list.out().contains("Nothing expires"), list.out());
        Run issue = run(cli(vault), "cert", "issue", "--subject", "/CN=x", "--key", "ec:p256", "--store", none);
        assertEquals(2, issue.exit(), issue.toString());
        assertTrue(issue.err().contains("does not exist"), issue.err());
        assertTrue(vault.kvKeys("secret", "s2mtls/typo").isEmpty(), "nothing written to Vault");
    }

    @Test
    void aVaultAnswerThatIsNotVaultsJsonIsExitThree() {
        VaultDouble vault = http();
        CliRunner cli = cli(vault);
        ok(cli, "ca", "create", "--subject", "/CN=Garbled CA", "--key", "ec:p256", "--store", STORE);
        vault.garble("GET secret/data/s2mtls/prod", 200, "text/html", "<html>maintenance</html>");
        Run list = run(cli, "cert", "list", "--expiring-within", "30d", "--store", STORE);
        external(list, "not Vault's JSON");
        assertFalse(list.out().contains("Nothing expires"), list.out());
        vault.ungarble();
        vault.garble("POST secret/data/s2mtls/prod", 200, "application/json", "{}");
        external(run(cli, "cert", "issue", "--subject", "/CN=x", "--key", "ec:p256", "--store", STORE), "not known whether the change was stored");
    }

    // ---- options ----

    @Test
    void theNamespaceOptionReachesVault() {
        VaultDouble vault = http();
        vault.createNamespace("ns1");
        vault.mount("ns1/secret", "kv-v2");
        CliRunner cli = cli(vault);
        ok(cli, "ca", "create", "--subject", "/CN=Namespaced CA", "--key", "ec:p256", "--store", STORE, "--store-option", "namespace=ns1");
        assertTrue(vault.requests().contains("POST ns1/secret/data/s2mtls/prod"), vault.requests().toString());
        assertTrue(vault.kvData("ns1/secret", "s2mtls/prod").isPresent());
        assertTrue(vault.kvKeys("secret", "s2mtls/prod").isEmpty(), "written outside the namespace");
        // the same through the Vault CLI's variable
        ok(cli.env("VAULT_NAMESPACE", "ns1"), "ca", "show", "--store", STORE);
        // and without either, the root namespace has no store yet
        Run outside = run(cli.without("VAULT_NAMESPACE"), "ca", "show", "--store", STORE);
        assertEquals(2, outside.exit(), outside.toString());
        assertTrue(outside.err().contains("the store vault:secret/s2mtls/prod does not exist (nothing is stored there"), outside.err());
    }

    @Test
    void anUnknownOptionIsExitTwoAndListsTheAcceptedOnes() {
        VaultDouble vault = http();
        Run run = run(cli(vault), "cert", "list", "--store", STORE, "--store-option", "colour=blue");
        assertEquals(2, run.exit(), run.toString());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("colour"), run.err());
        for (String accepted : List.of("addr", "namespace", "cacert", "token-file", "role-id-file", "secret-id-file",
                "approle-mount", "transit-mount")) {
            assertTrue(run.err().contains(accepted), accepted + " not listed: " + run.err());
        }
        assertTrue(vault.requests().isEmpty(), "Vault was called despite the bad option: " + vault.requests());
    }
}
