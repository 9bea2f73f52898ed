package io.s2mtls.adapters.vault;

import io.s2mtls.adapters.vault.testing.TestPluginContext;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.spi.CredentialStoreProvider;
import io.s2mtls.core.spi.S2mtlsPlugin;
import io.s2mtls.core.spi.StoreLocation;
import io.s2mtls.core.testing.TestPki;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A child process for the concurrency test: finds the vault plugin with ServiceLoader, prepares COUNT
 * credentials, prints "ready", waits for a line on stdin, then adds them one commit at a time and prints
 * "done conflicts=N". Arguments: STORE-URI PREFIX COUNT; environment: VAULT_ADDR, VAULT_TOKEN.
 */
public final class StoreWriterMain {
    private StoreWriterMain() {
    }

    private record Prepared(Credential credential, InventoryEntry entry) {
    }

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        String prefix = args[1];
        int count = Integer.parseInt(args[2]);
        StoreLocation location = StoreLocation.parse(uri);
        CredentialStoreProvider provider = null;
        for (S2mtlsPlugin plugin : ServiceLoader.load(S2mtlsPlugin.class)) {
            for (CredentialStoreProvider candidate : plugin.credentialStores()) {
                if (candidate.scheme().equals(location.scheme())) {
                    provider = candidate;
                }
            }
        }
        if (provider == null) {
            throw new IllegalStateException("no plugin serves " + location.scheme());
        }
        KeyPair caKeys = TestPki.ecKeyPair();
        List<Prepared> prepared = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = prefix + "-" + i;
            KeyPair keys = TestPki.ecKeyPair();
            X509Certificate cert = TestPki.signed(keys, "CN=" + name + ",O=s2mtls", caKeys, "CN=" + prefix + " CA", false);
            prepared.add(new Prepared(new Credential(name, cert, Optional.of(keys.getPrivate())),
                    new InventoryEntry(cert.getSerialNumber(), name, "O = s2mtls, CN = " + name, cert.getNotBefore().toInstant(),
                            cert.getNotAfter().toInstant(), "00".repeat(32), CertificateProfile.CLIENT, CertificateStatus.VALID, Instant.now())));
        }
        Map<String, String> environment = Map.of("VAULT_ADDR", System.getenv("VAULT_ADDR"), "VAULT_TOKEN", System.getenv("VAULT_TOKEN"));
        try (CredentialStore store = provider.open(location, TestPluginContext.of(environment))) {
            System.out.println("ready");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            for (Prepared item : prepared) {
                StoreBatch batch = StoreBatch.builder().write(new StoreWrite.PutCredential(item.credential(), Optional.empty()))
                        .write(new StoreWrite.AddEntry(item.entry()))
                        .audit(AuditEvent.certificate(item.entry().recordedAt(), "writer " + prefix, "cert.issue", item.entry(), Optional.empty()))
                        .build();
                store.commit(batch); // names are this process's own: a conflict would be a lost update, and fails the run
            }
            System.out.println("done conflicts=" + ((VaultCredentialStore) store).conflicts());
            System.out.flush();
        }
    }
}
