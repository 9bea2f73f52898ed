package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.testing.TestPki;
import io.s2mtls.core.x509.Pem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input is refused with one line naming the input, and the store is left exactly as it was. */
class BadInputTest {
    private InMemoryCredentialStore store;
    private S2mtls s2mtls;
    private KeyPair caKeys;
    private X509Certificate caCert;

    @BeforeEach
    void setUp() {
        store = new InMemoryCredentialStore(UUID.randomUUID().toString());
        s2mtls = S2mtls.builder(store).build();
        s2mtls.authority().create(DistinguishedName.parse("/CN=Existing CA"), KeySpec.EC_P256, 30, false);
        s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/CN=existing")).withKey(KeySpec.EC_P256));
        caKeys = TestPki.ecKeyPair();
        caCert = TestPki.selfSigned(caKeys, "CN=Import Me", true);
    }

    private void refused(String source, String words, Executable action) {
        StoreState before = StoreState.of(store);
        S2mtlsException e = assertThrows(S2mtlsException.class, action);
        assertEquals(ErrorKind.BAD_INPUT, e.kind(), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains(source), e.getMessage() + " should name " + source);
        assertTrue(e.getMessage().contains(words), e.getMessage() + " should say " + words);
        assertEquals(before, StoreState.of(store), "the store changed");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void garbageAndTruncatedFiles() {
        byte[] key = bytes(Pem.privateKey(caKeys.getPrivate()));
        refused("garbage.pem", "not a PEM or DER certificate", () -> s2mtls.authority().importPem(
                bytes("hello, not a certificate"), "garbage.pem", key, "key.pem", Optional.empty(), true));
        String pem = Pem.certificate(caCert);
        refused("cut.pem", "truncated", () -> s2mtls.authority().importPem(
                bytes(pem.substring(0, pem.length() / 2)), "cut.pem", key, "key.pem", Optional.empty(), true));
        byte[] der = Arrays.copyOf(TestPki.der(caCert), 100);
        refused("cut.der", "truncated", () -> s2mtls.authority().importPem(der, "cut.der", key, "key.pem", Optional.empty(), true));
    }

    @Test
    void aCertificateWhereAKeyIsExpected() {
        byte[] cert = bytes(Pem.certificate(caCert));
        refused("key.pem", "where a private key was expected", () -> s2mtls.authority().importPem(cert, "ca.pem", cert, "key.pem", Optional.empty(), true));
    }

    @Test
    void aKeyThatDoesNotMatch() {
        byte[] cert = bytes(Pem.certificate(caCert));
        byte[] other = bytes(Pem.privateKey(TestPki.ecKeyPair().getPrivate()));
        refused("other-key.pem", "does not belong to the certificate", () -> s2mtls.authority().importPem(cert, "ca.pem", other, "other-key.pem", Optional.empty(), true));
    }

    @Test
    void aWrongKeyPassword() throws Exception {
        byte[] cert = bytes(Pem.certificate(caCert));
        byte[] encrypted = bytes(TestPki.encryptedPkcs8(caKeys.getPrivate(), "right".toCharArray()));
        refused("enc.pem", "wrong key password", () -> s2mtls.authority().importPem(cert, "ca.pem", encrypted, "enc.pem", Optional.of("wrong".toCharArray()), true));
        refused("enc.pem", "--key-password-file", () -> s2mtls.authority().importPem(cert, "ca.pem", encrypted, "enc.pem", Optional.empty(), true));
    }

    @Test
    void anExpiredCa() {
        S2mtls later = S2mtls.builder(store).clock(Clock.fixed(Instant.now().plus(Duration.ofDays(400)), ZoneOffset.UTC)).build();
        byte[] cert = bytes(Pem.certificate(caCert));
        byte[] key = bytes(Pem.privateKey(caKeys.getPrivate()));
        refused("ca.pem", "expired", () -> later.authority().importPem(cert, "ca.pem", key, "key.pem", Optional.empty(), true));
        refused("store's CA", "expired", () -> later.issuance().issue(IssueCommand.client(DistinguishedName.parse("/CN=late"))));
    }

    @Test
    void aCertificateThatIsNotACa() {
        KeyPair keys = TestPki.ecKeyPair();
        byte[] cert = bytes(Pem.certificate(TestPki.selfSigned(keys, "CN=leaf", false)));
        byte[] key = bytes(Pem.privateKey(keys.getPrivate()));
        refused("leaf.pem", "not a CA", () -> s2mtls.authority().importPem(cert, "leaf.pem", key, "key.pem", Optional.empty(), true));
    }

    @Test
    void aCsrWithABadSignature() {
        IssuanceUseCase.KeyAndRequest made = s2mtls.issuance().createRequest(DistinguishedName.parse("/CN=tampered"), KeySpec.EC_P256, false);
        byte[] der = made.request().der();
        der[der.length - 5] ^= 0x01;
        refused("tampered.csr", "signature does not verify", () -> s2mtls.issuance().sign(der, "tampered.csr", 30, CertificateProfile.CLIENT, Optional.empty(), false));
        refused("junk.csr", "certificate signing request", () -> s2mtls.issuance().sign(bytes("junk"), "junk.csr", 30, CertificateProfile.CLIENT, Optional.empty(), false));
    }

    @Test
    void malformedAndUnsafeSubjects() {
        assertThrows(S2mtlsException.class, () -> DistinguishedName.parse("/CN"));
        refused("subject", "backslash", () -> s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/CN=foo\\\\/O=bar"))));
        refused("--name", "already in the store", () -> s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/CN=existing"))));
        refused("--days", "out of range", () -> s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/CN=x")).withDays(0)));
    }

    @Test
    void aSecondCaNeedsForce() {
        refused("memory:", "already holds a CA", () -> s2mtls.authority().create(DistinguishedName.parse("/CN=Second"), KeySpec.EC_P256, 30, false));
    }
}
