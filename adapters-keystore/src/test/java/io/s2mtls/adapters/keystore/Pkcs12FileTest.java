package io.s2mtls.adapters.keystore;

import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreWrite;
import java.security.cert.X509Certificate;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.testing.ExternalTool;
import io.s2mtls.core.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The file on disk: what openssl and the JDK make of it, its mode, and how fast it is written. */
class Pkcs12FileTest {
    @TempDir
    Path directory;

    private final KeyPair caKeys = TestPki.ecKeyPair();

    private final KeyPair rootKeys = TestPki.ecKeyPair();
    private final KeyPair nextKeys = TestPki.ecKeyPair();

    /**
     * A store in the middle of a rotation: the issuing CA and the next one (both intermediates) under a root whose
     * key the store keeps, and two credentials.
     */
    private Path storeWithCaAndTwoCredentials(Map<String, PrivateKey> keys) throws Exception {
        Path file = directory.resolve("store.p12");
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        Stores.Issued alice = Stores.issue("alice", caKeys);
        Stores.Issued bob = Stores.issue("bob", rsa.generateKeyPair(), caKeys);
        keys.put("s2mtls CA", caKeys.getPrivate());
        keys.put("s2mtls other CA", nextKeys.getPrivate());
        keys.put("s2mtls root CA", rootKeys.getPrivate());
        keys.put("alice", alice.credential().privateKey().orElseThrow());
        keys.put("bob", bob.credential().privateKey().orElseThrow());
        X509Certificate root = TestPki.selfSigned(rootKeys, "CN=File Test Root", true);
        CaMaterial issuing = CaMaterial.local(TestPki.signed(caKeys, Stores.CA_SUBJECT, rootKeys, "CN=File Test Root", true),
                caKeys.getPrivate()).withChain(List.of(root));
        CaMaterial next = CaMaterial.local(TestPki.signed(nextKeys, "CN=File Test CA 2", rootKeys, "CN=File Test Root", true),
                nextKeys.getPrivate()).withChain(List.of(root));
        try (CredentialStore store = Stores.open(file)) {
            Stores.commit(store, Optional.of(issuing), List.of(alice, bob));
            store.commit(StoreBatch.of(List.of(new StoreWrite.SetAuthority(new AuthoritySet(issuing, Optional.of(next),
                    Optional.of(CaMaterial.local(root, rootKeys.getPrivate())), RotationPhase.BEGUN),
                    Optional.of(AuthoritySet.single(issuing).state()))), List.of()));
        }
        return file;
    }

    private static ExternalTool.Result openssl(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ExternalTool.require("openssl").toString());
        command.addAll(args);
        return ExternalTool.run(command, null, Map.of("S2MTLS_TEST_PASSWORD", Stores.PASSWORD), null).requireSuccess(command);
    }

    @Test
    void opensslReportsTheAlgorithmsAndExtractsTheSameKeys() throws Exception {
        Map<String, PrivateKey> keys = new java.util.LinkedHashMap<>();
        Path file = storeWithCaAndTwoCredentials(keys);

        ExternalTool.Result info = openssl(List.of("pkcs12", "-info", "-in", file.toString(),
                "-passin", "env:S2MTLS_TEST_PASSWORD", "-noout"));
        String report = info.stderr() + info.out();
        assertTrue(report.contains("MAC: sha256"), report);
        assertTrue(report.contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC"), report);
        assertTrue(report.contains("PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC"), report);
        assertTrue(report.contains("PRF hmacWithSHA256"), report);
        assertFalse(report.matches("(?s).*(RC2|3DES|DES-EDE|sha1).*"), report);

        // -nodes dumps every key in the clear, each after its friendlyName
        ExternalTool.Result dump = openssl(List.of("pkcs12", "-in", file.toString(), "-passin", "env:S2MTLS_TEST_PASSWORD",
                "-nodes", "-nocerts"));
        Matcher matcher = Pattern.compile("friendlyName: ([^\\n]+)\\n(?:(?!Bag Attributes)[^\\n]*\\n)*?(-----BEGIN PRIVATE KEY-----\\n[^-]+-----END PRIVATE KEY-----)")
                .matcher(dump.out());
        Map<String, String> extracted = new java.util.LinkedHashMap<>();
        while (matcher.find()) {
            extracted.put(matcher.group(1).trim(), matcher.group(2));
        }
        assertEquals(keys.keySet(), extracted.keySet(), dump.out());
        for (Map.Entry<String, PrivateKey> key : keys.entrySet()) {
            Path ours = directory.resolve("ours.pem");
            Path theirs = directory.resolve("theirs.pem");
            Files.writeString(ours, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getValue().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
            Files.writeString(theirs, extracted.get(key.getKey()) + "\n");
            byte[] expected = openssl(List.of("pkey", "-in", ours.toString(), "-outform", "DER")).stdout();
            byte[] actual = openssl(List.of("pkey", "-in", theirs.toString(), "-outform", "DER")).stdout();
            assertTrue(expected.length > 0);
            assertArrayEquals(expected, actual, "openssl extracted a different key for " + key.getKey());
        }
    }

    @Test
    void opensslListsTheCertificatesOfEveryCaOfARotationWithoutKeys() throws Exception {
        Path file = storeWithCaAndTwoCredentials(new java.util.LinkedHashMap<>());
        ExternalTool.Result info = openssl(List.of("pkcs12", "-info", "-nokeys", "-in", file.toString(),
                "-passin", "env:S2MTLS_TEST_PASSWORD"));
        String out = info.out();
        assertFalse(out.contains("PRIVATE KEY"), out);
        for (String name : List.of("s2mtls CA", "s2mtls CA chain", "s2mtls other CA", "s2mtls other CA chain", "s2mtls root CA", "alice", "bob")) {
            assertTrue(out.contains("friendlyName: " + name + "\n"), name + " in " + out);
        }
        assertTrue(out.matches("(?s).*subject=\\s*CN\\s*=\\s*File Test CA 2.*"), out);
        assertEquals(7, out.split("-----BEGIN CERTIFICATE-----", -1).length - 1, out);
    }

    @Test
    void theJdkKeyStoreReadsItToo() throws Exception {
        Map<String, PrivateKey> keys = new java.util.LinkedHashMap<>();
        Path file = storeWithCaAndTwoCredentials(keys);
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(file)) {
            keyStore.load(in, Stores.PASSWORD.toCharArray());
        }
        for (String alias : List.of("alice", "bob")) {
            Key key = keyStore.getKey(alias, Stores.PASSWORD.toCharArray());
            assertArrayEquals(keys.get(alias).getEncoded(), key.getEncoded(), alias);
        }
    }

    @Test
    void theStoreAndItsLockAreOwnerOnly() throws Exception {
        Path file = storeWithCaAndTwoCredentials(new java.util.HashMap<>());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("store.p12.lock"))));
        try (var listing = Files.list(directory)) {
            assertEquals(List.of("store.p12", "store.p12.lock"), listing.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void twoHundredCredentialsAreOneQuickWrite() throws Exception {
        Path file = directory.resolve("bulk.p12");
        List<Stores.Issued> batch = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            batch.add(Stores.issue("bulk-" + i, caKeys));
        }
        List<Stores.Issued> second = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            second.add(Stores.issue("more-" + i, caKeys));
        }
        long firstNanos;
        long secondNanos;
        long readNanos;
        Stores.Content read;
        try (CredentialStore store = Stores.open(file)) {
            long start = System.nanoTime();
            Stores.commit(store, batch);
            firstNanos = System.nanoTime() - start;
            start = System.nanoTime();
            Stores.commit(store, second);
            secondNanos = System.nanoTime() - start;
        }
        try (CredentialStore store = Stores.open(file)) {
            long start = System.nanoTime();
            read = Stores.read(store);
            readNanos = System.nanoTime() - start;
        }
        System.out.printf("pkcs12 store: new store + 200 credentials in one update %d ms; +200 more (read 200, write 400) %d ms;"
                + " cold read of 400 %d ms; file %d bytes%n", firstNanos / 1_000_000, secondNanos / 1_000_000,
                readNanos / 1_000_000, Files.size(file));
        assertEquals(400, read.credentials().size());
        assertEquals(400, read.inventory().size());
        for (Credential credential : read.credentials().values()) {
            assertTrue(credential.privateKey().isPresent());
        }
        // generous bounds for a shared 2-core machine; the measured numbers are printed above
        assertTrue(firstNanos < 5_000_000_000L, "200-credential write took " + firstNanos / 1_000_000 + " ms");
        assertTrue(secondNanos < 5_000_000_000L, "400-credential rewrite took " + secondNanos / 1_000_000 + " ms");
    }

    @Test
    void keyReferenceAndKeylessCredentialsRoundTrip() throws Exception {
        Path file = directory.resolve("remote.p12");
        var caCert = TestPki.selfSigned(caKeys, Stores.CA_SUBJECT, true);
        var csrSigned = TestPki.signed(TestPki.ecKeyPair(), "CN=carol", caKeys, Stores.CA_SUBJECT, false);
        try (CredentialStore store = Stores.open(file)) {
            Stores.commit(store, Optional.of(CaMaterial.remote(caCert, "vault-transit:ca")), List.of(
                    new Stores.Issued(new Credential("carol", csrSigned, Optional.empty()), Stores.entry("carol", csrSigned))));
        }
        try (CredentialStore store = Stores.open(file)) {
            Stores.Content read = Stores.read(store);
            assertEquals(Optional.of("vault-transit:ca"), read.requireAuthority().keyReference());
            Credential carol = read.credential("carol").orElseThrow();
            assertTrue(carol.privateKey().isEmpty());
            assertArrayEquals(csrSigned.getEncoded(), carol.certificate().getEncoded());
        }
        ExternalTool.Result info = openssl(List.of("pkcs12", "-info", "-in", file.toString(),
                "-passin", "env:S2MTLS_TEST_PASSWORD", "-noout"));
        assertTrue((info.stderr() + info.out()).contains("Certificate bag"));
    }
}
