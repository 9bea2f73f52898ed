package io.s2mtls.adapters.keystore;

import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoreWrite;
import java.util.LinkedHashMap;
import java.util.Map;
import io.s2mtls.core.spi.StoreLocation;
import io.s2mtls.core.testing.TestPki;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Test helpers: open stores and make credentials without the issuing code. */
final class Stores {
    static final String PASSWORD = "correct horse battery staple";
    static final String CA_SUBJECT = "CN=Store Test CA,O=s2mtls";

    private Stores() {
    }

    static CredentialStore open(Path file, String password) {
        return new Pkcs12StoreProvider().open(new StoreLocation("pkcs12", file.toString()), new FixedPasswordContext(password));
    }

    static CredentialStore open(Path file) {
        return open(file, PASSWORD);
    }

    /** A credential signed by {@code caKeys}, with its inventory entry. */
    static Issued issue(String name, KeyPair caKeys) {
        KeyPair keys = TestPki.ecKeyPair();
        return issue(name, keys, caKeys);
    }

    static Issued issue(String name, KeyPair keys, KeyPair caKeys) {
        X509Certificate cert = TestPki.signed(keys, "CN=" + name + ",O=s2mtls", caKeys, CA_SUBJECT, false);
        return new Issued(new Credential(name, cert, Optional.of(keys.getPrivate())), entry(name, cert));
    }

    static InventoryEntry entry(String name, X509Certificate cert) {
        try {
            String fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
            return new InventoryEntry(cert.getSerialNumber(), name, "/O=s2mtls/CN=" + name, cert.getNotBefore().toInstant(),
                    cert.getNotAfter().toInstant(), fingerprint, CertificateProfile.CLIENT, CertificateStatus.VALID, Instant.now());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Commits {@code issued} (names that must be free) in one batch. */
    static void commit(CredentialStore store, List<Issued> issued) {
        commit(store, Optional.empty(), issued);
    }

    /** Sets the CA to {@code authority} (when given) and commits {@code issued} in one batch. */
    static void commit(CredentialStore store, Optional<CaMaterial> authority, List<Issued> issued) {
        StoreBatch.Builder batch = StoreBatch.builder();
        authority.ifPresent(ca -> batch.write(new StoreWrite.SetAuthority(ca,
                store.index().authority().map(CaCertificates::serial))));
        for (Issued i : issued) {
            batch.write(new StoreWrite.PutCredential(i.credential(), Optional.empty())).write(new StoreWrite.AddEntry(i.entry()));
        }
        store.commit(batch.build());
    }

    /** Everything a store holds, every key decrypted: a test aid that costs O(store). */
    record Content(Optional<CaMaterial> authority, Map<String, Credential> credentials, List<InventoryEntry> inventory) {
        CaMaterial requireAuthority() {
            return authority.orElseThrow();
        }

        Optional<Credential> credential(String name) {
            return Optional.ofNullable(credentials.get(name));
        }
    }

    static Content read(CredentialStore store) {
        StoreIndex index = store.index();
        Map<String, Credential> credentials = new LinkedHashMap<>();
        for (String name : index.credentials().keySet()) {
            credentials.put(name, store.credential(name).orElseThrow());
        }
        return new Content(index.authority().isPresent() ? store.authority() : Optional.empty(), credentials,
                List.copyOf(index.inventory()));
    }

    record Issued(Credential credential, InventoryEntry entry) {
    }
}
