package io.s2mtls.adapters.vault;

import io.s2mtls.adapters.vault.testing.RawVault;
import io.s2mtls.adapters.vault.testing.TestPluginContext;
import io.s2mtls.adapters.vault.testing.VaultDouble;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.RemoteSigner;
import io.s2mtls.core.testing.ExternalTool;
import io.s2mtls.core.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Transit remote signer: real signatures from the double, checked with the JDK and with openssl. */
class TransitSignerTest {
    private final VaultDouble vault = VaultDouble.http();

    @AfterEach
    void stop() {
        vault.close();
    }

    private TestPluginContext context() {
        return TestPluginContext.of(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", vault.rootToken()));
    }

    private RemoteSigner open(String key, boolean create, String type) {
        return new TransitSignerProvider().open(key, create, type, context());
    }

    @ParameterizedTest
    @CsvSource({
            "rsa:2048, SHA256withRSA, rsa-2048",
            "rsa:2048, SHA384withRSA, rsa-2048",
            "rsa:2048, SHA512withRSA, rsa-2048",
            "ec:p256, SHA256withECDSA, ecdsa-p256",
            "ec:p384, SHA384withECDSA, ecdsa-p384",
            "ed25519, Ed25519, ed25519"})
    void signaturesVerifyWithTheJdk(String keyType, String algorithm, String vaultType) throws Exception {
        RemoteSigner signer = open("ca-" + vaultType, true, keyType);
        byte[] data = ("tbs certificate for " + algorithm).getBytes(StandardCharsets.UTF_8);
        byte[] signature = signer.sign(algorithm, data);
        // the public key as Vault reports it, read independently of the adapter
        PublicKey published = publishedKey("ca-" + vaultType, vaultType);
        assertArrayEquals(published.getEncoded(), signer.publicKey().getEncoded());
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(published);
        verifier.update(data);
        assertTrue(verifier.verify(signature));
        verifier.initVerify(published);
        verifier.update("something else".getBytes(StandardCharsets.UTF_8));
        assertFalse(verifier.verify(signature));
        String request = vault.requests().stream().filter(r -> r.startsWith("POST transit/sign/")).findFirst().orElseThrow();
        assertEquals("POST transit/sign/ca-" + vaultType, request);
    }

    @ParameterizedTest
    @CsvSource({"rsa:2048, SHA256withRSA", "ec:p256, SHA256withECDSA", "ec:p384, SHA384withECDSA", "ed25519, Ed25519"})
    void aCertificateSignedInVaultPassesOpensslVerify(String keyType, String algorithm, @TempDir Path dir) throws Exception {
        ExternalTool.require("openssl");
        RemoteSigner signer = open("openssl-" + keyType.replace(':', '-'), true, keyType);
        // the production path: core builds the TBSCertificate, the Transit key signs it, core checks it
        io.s2mtls.core.x509.SigningKey key = io.s2mtls.core.x509.SigningKey.remote(signer);
        assertEquals(algorithm, key.signatureAlgorithm());
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        X509Certificate caCert = io.s2mtls.core.x509.Certificates.selfSignedCa(new io.s2mtls.core.x509.CertificateTemplate(
                io.s2mtls.core.dn.DistinguishedName.parse("/O=s2mtls/CN=Transit CA"), signer.publicKey(),
                io.s2mtls.core.pki.CertificateProfile.CA, TestPki.randomSerial(), now.minus(1, ChronoUnit.HOURS),
                now.plus(3650, ChronoUnit.DAYS), java.util.List.of()), key);
        caCert.verify(signer.publicKey());
        KeyPair clientKeys = TestPki.ecKeyPair();
        X509Certificate clientCert = io.s2mtls.core.x509.Certificates.issue(new io.s2mtls.core.x509.CertificateTemplate(
                io.s2mtls.core.dn.DistinguishedName.parse("/O=s2mtls/CN=alice"), clientKeys.getPublic(),
                io.s2mtls.core.pki.CertificateProfile.CLIENT, TestPki.randomSerial(), now.minus(1, ChronoUnit.HOURS),
                now.plus(365, ChronoUnit.DAYS), java.util.List.of()), caCert, key);
        clientCert.verify(signer.publicKey());

        Path caPem = Files.writeString(dir.resolve("ca-cert.pem"), io.s2mtls.core.x509.Pem.certificate(caCert));
        Path clientPem = Files.writeString(dir.resolve("alice-cert.pem"), io.s2mtls.core.x509.Pem.certificate(clientCert));
        ExternalTool.Result result = ExternalTool.openssl("verify", "-CAfile", caPem.toString(), clientPem.toString());
        assertEquals(clientPem + ": OK", result.out().trim());
    }

    @Test
    void severalKeysServeAtOnceEachWithItsOwnPublicKeyAndReference() throws Exception {
        // a CA rotation holds the current CA's key and the next one's in the same mount
        TransitSigner first = (TransitSigner) open("ca-1", true, "ec:p256");
        TransitSigner second = (TransitSigner) open("ca-2", true, "rsa:2048");
        assertEquals("vault-transit:ca-1", first.reference());
        assertEquals("vault-transit:ca-2", second.reference());
        assertFalse(java.util.Arrays.equals(first.publicKey().getEncoded(), second.publicKey().getEncoded()));
        byte[] data = "the same TBSCertificate".getBytes(StandardCharsets.UTF_8);
        byte[] byFirst = first.sign("SHA256withECDSA", data);
        byte[] bySecond = second.sign("SHA256withRSA", data);
        assertTrue(verifies("SHA256withECDSA", publishedKey("ca-1", "ecdsa-p256"), data, byFirst));
        assertTrue(verifies("SHA256withRSA", publishedKey("ca-2", "rsa-2048"), data, bySecond));
        assertFalse(verifies("SHA256withECDSA", TestPki.ecKeyPair().getPublic(), data, byFirst));
        List<String> signs = vault.requests().stream().filter(r -> r.startsWith("POST transit/sign/")).toList();
        assertEquals(List.of("POST transit/sign/ca-1", "POST transit/sign/ca-2"), signs);
        // creating the next key again (a rotation begun a second time) keeps both keys as they are
        RemoteSigner again = open("ca-2", true, "rsa:2048");
        assertArrayEquals(second.publicKey().getEncoded(), again.publicKey().getEncoded());
        assertArrayEquals(first.publicKey().getEncoded(), open("ca-1", false, null).publicKey().getEncoded());
        assertTrue(verifies("SHA256withECDSA", first.publicKey(), data, open("ca-1", false, null).sign("SHA256withECDSA", data)));
    }

    private static boolean verifies(String algorithm, PublicKey key, byte[] data, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(key);
        verifier.update(data);
        return verifier.verify(signature);
    }

    @Test
    void signaturesStayOnTheVersionOfThePublicKeyAfterARotation() throws Exception {
        RemoteSigner signer = open("rotating", true, "ec:p256");
        new RawVault(vault.address()).send("POST", "transit/keys/rotating/rotate", vault.rootToken(), null);
        byte[] data = {1, 2, 3};
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(signer.publicKey());
        verifier.update(data);
        assertTrue(verifier.verify(signer.sign("SHA256withECDSA", data)));
    }

    @Test
    void aSignatureThatDoesNotVerifyIsRefused() {
        RemoteSigner signer = open("swapped", true, "rsa:2048");
        vault.replaceTransitKeyMaterial("transit", "swapped");
        S2mtlsException failure = assertThrows(S2mtlsException.class, () -> signer.sign("SHA256withRSA", new byte[] {1}));
        assertEquals(ErrorKind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().contains("does not verify"), failure.getMessage());
    }

    @Test
    void anExistingKeyIsOpenedWithoutCreatingAndItsTypeIsChecked() {
        open("existing", true, "ec:p384");
        RemoteSigner reopened = open("existing", false, null);
        assertEquals("EC", reopened.publicKey().getAlgorithm());
        S2mtlsException wrongType = assertThrows(S2mtlsException.class, () -> open("existing", true, "rsa:2048"));
        assertEquals(ErrorKind.BAD_INPUT, wrongType.kind());
        S2mtlsException mismatch = assertThrows(S2mtlsException.class, () -> reopened.sign("SHA256withRSA", new byte[] {1}));
        assertEquals(ErrorKind.BAD_INPUT, mismatch.kind());
        S2mtlsException missing = assertThrows(S2mtlsException.class, () -> open("absent", false, null));
        assertEquals(ErrorKind.EXTERNAL, missing.kind());
        assertTrue(missing.getMessage().contains("transit/keys/absent"), missing.getMessage());
        assertThrows(S2mtlsException.class, () -> open("bad/name", true, "ec:p256"));
    }

    @Test
    void theTransitMountIsAnOption() {
        vault.mount("pki-keys", "transit");
        RemoteSigner signer = new TransitSignerProvider().open("ca", true, "ed25519", context().withOption("transit-mount", "pki-keys"));
        signer.sign("Ed25519", new byte[] {7});
        assertTrue(vault.requests().contains("POST pki-keys/sign/ca"));
    }

    @Test
    void aKeyThatCannotSignIsRefused() {
        new RawVault(vault.address()).send("POST", "transit/keys/aes", vault.rootToken(), "{}");
        S2mtlsException failure = assertThrows(S2mtlsException.class, () -> open("aes", false, null));
        assertEquals(ErrorKind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().contains("does not support signing"), failure.getMessage());
    }

    private PublicKey publishedKey(String name, String vaultType) throws Exception {
        String text = new RawVault(vault.address()).send("GET", "transit/keys/" + name, vault.rootToken(), null)
                .json().at("/data/keys/1/public_key").asText();
        if (vaultType.equals("ed25519")) {
            return TransitSigner.ed25519PublicKey(Base64.getDecoder().decode(text));
        }
        return io.s2mtls.core.x509.Pem.readPublicKey(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII), name);
    }
}
