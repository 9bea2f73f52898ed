package io.s2mtls.cli.agent;

import io.s2mtls.cli.CliRunner;
import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.spi.S2mtlsPlugin;
import io.s2mtls.core.spi.StoreLocation;
import io.s2mtls.core.usecase.IssueCommand;
import io.s2mtls.core.usecase.OverviewUseCase;
import io.s2mtls.core.x509.Pem;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A PKCS12 store in a directory for the agent's tests, made through the core with a clock of choice (so a credential
 * can be issued "300 days ago" and be due now), and the checks the tests share: a key file matches its certificate,
 * the agent.renew events, the current serial of a credential.
 */
final class AgentFixture {
    static final String PASSWORD = "agent-test-store-password";
    static final String STORE_FILE = "store.p12";

    final Path dir;

    AgentFixture(Path dir) {
        this.dir = dir;
    }

    String storeUri() {
        return "pkcs12:" + dir.resolve(STORE_FILE);
    }

    /** Opens the store with the real plugin, as the CLI does. */
    CredentialStore open() {
        PluginRegistry plugins = new PluginRegistry(ServiceLoader.load(S2mtlsPlugin.class));
        StoreLocation location = StoreLocation.parse(storeUri());
        PluginContext context = PluginContext.of(Map.of(), Map.of(), PASSWORD::toCharArray);
        return PluginRegistry.open(plugins.store(location.scheme()), location, context);
    }

    /** The core over {@code store} at a fixed instant. */
    static S2mtls coreAt(CredentialStore store, Instant at) {
        return S2mtls.builder(store).clock(Clock.fixed(at, ZoneOffset.UTC)).actor("test").build();
    }

    /** A CA made 400 days ago, valid for ten years. */
    AgentFixture withCa() {
        try (CredentialStore store = open()) {
            coreAt(store, Instant.now().minus(Duration.ofDays(400))).authority()
                    .create(DistinguishedName.parse("/O=AgentTest/CN=Agent Test CA"), KeySpec.EC_P256, 3650, false);
        }
        return this;
    }

    /** Issues credential {@code name} {@code daysAgo} days ago, valid for {@code days} days. */
    AgentFixture issue(String name, int daysAgo, int days) {
        try (CredentialStore store = open()) {
            coreAt(store, Instant.now().minus(Duration.ofDays(daysAgo))).issuance().issue(new IssueCommand(
                    DistinguishedName.parse("/O=AgentTest/CN=" + name), KeySpec.EC_P256, days, Optional.of(name), CertificateProfile.CLIENT,
                    List.of(), false, false));
        }
        return this;
    }

    /** The CLI in {@link #dir}, on this store. */
    CliRunner cli() {
        return new CliRunner(dir).env("S2MTLS_STORE", storeUri()).env("S2MTLS_STORE_PASSWORD", PASSWORD);
    }

    Path config(String yaml) throws IOException {
        return Files.writeString(dir.resolve("agent.yaml"), yaml);
    }

    /** The agent.renew events of the trail, oldest first. */
    List<AuditEvent> agentRenewals() {
        try (CredentialStore store = open()) {
            return store.recentAudit(Integer.MAX_VALUE).stream().filter(e -> e.action().equals(OverviewUseCase.AGENT_RENEW)).toList();
        }
    }

    long agentRenewals(String name) {
        try (CredentialStore store = open()) {
            return store.recentAudit(Integer.MAX_VALUE).stream().filter(e -> e.action().equals(OverviewUseCase.AGENT_RENEW))
                    .filter(e -> e.subject().orElse("").endsWith("CN=" + name)).count();
        }
    }

    /** The serial of the store's current certificate of {@code name}. */
    BigInteger currentSerial(String name) {
        try (CredentialStore store = open()) {
            return store.index().credential(name).orElseThrow().serial();
        }
    }

    /** The first certificate of a PEM file. */
    static X509Certificate certificate(Path pem) throws IOException {
        return Pem.readCertificates(Files.readAllBytes(pem), pem.toString()).get(0);
    }

    /** Whether the key in {@code keyPem} is the private half of the certificate's key: it signs, the certificate verifies. */
    static boolean matches(byte[] keyPem, byte[] certificatePem) {
        try {
            PrivateKey key = Pem.readPrivateKey(keyPem, "key", Optional.empty());
            X509Certificate certificate = Pem.readCertificates(certificatePem, "certificate").get(0);
            String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "Ed25519";
            byte[] message = new byte[32];
            new SecureRandom().nextBytes(message);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(message);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(message);
            return verifier.verify(signature);
        } catch (Exception e) {
            return false;
        }
    }

    /** NAME-key.pem and NAME-cert.pem in {@code outDir} belong together, the key is 0600, and the certificate is the store's current one. */
    void assertCurrentFiles(Path outDir, String name) throws IOException {
        Path key = outDir.resolve(name + "-key.pem");
        Path cert = outDir.resolve(name + "-cert.pem");
        assertTrue(matches(Files.readAllBytes(key), Files.readAllBytes(cert)), name + ": the key does not match the certificate");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key)), name + "-key.pem's mode");
        assertEquals(currentSerial(name), certificate(cert).getSerialNumber(), name + ": the files do not hold the current certificate");
        assertTrue(Files.isRegularFile(outDir.resolve("ca-cert.pem")), "ca-cert.pem is missing");
    }
}
