package io.s2mtls.adapters.keystore;

import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.testing.TestPki;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Measures the PKCS12 store, one operation per JVM like the CLI (not a test; no timed assertions anywhere).
 * <pre>
 * java -cp CP io.s2mtls.adapters.keystore.StoreBench create FILE N   # a CA and N EC credentials, one bulk commit
 * java -cp CP io.s2mtls.adapters.keystore.StoreBench issue FILE      # open, read index and CA, sign one, commit it
 * java -cp CP io.s2mtls.adapters.keystore.StoreBench index FILE      # open and read the index
 * </pre>
 * It prints the CPU time of the calling thread and of the whole process for the operation, and the file size.
 */
public final class StoreBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private StoreBench() {
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        long thread0 = THREADS.getCurrentThreadCpuTime();
        long process0 = processCpuNanos();
        long wall0 = System.nanoTime();
        String detail;
        switch (args[0]) {
            case "create" -> detail = create(file, Integer.parseInt(args[2]));
            case "issue" -> detail = issue(file);
            case "phases" -> detail = phases(file);
            case "index" -> {
                try (CredentialStore store = Stores.open(file)) {
                    StoreIndex index = store.index();
                    detail = index.credentials().size() + " credentials, " + index.entries().size() + " entries";
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.printf("%s %s: thread CPU %d ms, process CPU %d ms, wall %d ms; file %d bytes; %s%n", args[0], file.getFileName(),
                (THREADS.getCurrentThreadCpuTime() - thread0) / 1_000_000, (processCpuNanos() - process0) / 1_000_000,
                (System.nanoTime() - wall0) / 1_000_000, Files.size(file), detail);
    }

    private static String create(Path file, int count) {
        KeyPair caKeys = TestPki.ecKeyPair();
        X509Certificate caCert = TestPki.selfSigned(caKeys, Stores.CA_SUBJECT, true);
        StoreBatch.Builder batch = StoreBatch.builder()
                .write(new StoreWrite.SetAuthority(CaMaterial.local(caCert, caKeys.getPrivate()), Optional.empty()));
        for (int i = 0; i < count; i++) {
            Stores.Issued issued = Stores.issue("bench-" + i, caKeys);
            batch.write(new StoreWrite.PutCredential(issued.credential(), Optional.empty())).write(new StoreWrite.AddEntry(issued.entry()));
        }
        StoreBatch built = batch.audit(event("bench.create")).build();
        long thread0 = THREADS.getCurrentThreadCpuTime();
        try (CredentialStore store = Stores.open(file)) {
            store.commit(built);
        }
        return "the bulk commit alone: thread CPU " + (THREADS.getCurrentThreadCpuTime() - thread0) / 1_000_000 + " ms";
    }

    private static String issue(Path file) {
        try (CredentialStore store = Stores.open(file)) {
            StoreIndex index = store.index();
            CaMaterial ca = store.authority().orElseThrow();
            KeyPair keys = TestPki.ecKeyPair();
            String name = "issued-" + System.nanoTime();
            X509Certificate cert = TestPki.signed(keys, "CN=" + name + ",O=s2mtls",
                    new KeyPair(ca.certificate().getPublicKey(), ca.privateKey().orElseThrow()), Stores.CA_SUBJECT, false);
            Credential credential = new Credential(name, cert, Optional.of(keys.getPrivate()));
            store.commit(StoreBatch.builder().write(new StoreWrite.PutCredential(credential, Optional.empty()))
                    .write(new StoreWrite.AddEntry(Stores.entry(name, cert))).audit(event("cert.issue")).build());
            return "store had " + index.credentials().size() + " credentials";
        }
    }

    /** Where the time of reading a store goes, phase by phase (cold, as in a CLI process). */
    private static String phases(Path file) throws Exception {
        StringBuilder out = new StringBuilder();
        long t = THREADS.getCurrentThreadCpuTime();
        byte[] bytes = Files.readAllBytes(file);
        t = lap(out, "read file", t);
        PasswordKeys keys = new PasswordKeys(Stores.PASSWORD.toCharArray());
        org.bouncycastle.asn1.pkcs.Pfx pfx0 = org.bouncycastle.asn1.pkcs.Pfx.getInstance(org.bouncycastle.asn1.ASN1Primitive.fromByteArray(bytes));
        t = lap(out, "parse PFX (Bouncy Castle)", t);
        keys.pkcs12MacKeySha256(pfx0.getMacData().getSalt(), pfx0.getMacData().getIterationCount().intValue());
        t = lap(out, "derive MAC key", t);
        Pkcs12Format.Opened opened = Pkcs12Format.open(bytes, keys);
        t = lap(out, "verify MAC", t);
        byte[] salt0 = StoreFile.read(opened, new PasswordKeys(Stores.PASSWORD.toCharArray())).salt;
        t = lap(out, "first StoreFile.read (PBKDF2 + decrypt index + bind JSON)", t);
        keys.pbkdf2Sha256(salt0, io.s2mtls.core.x509.Pkcs12Builder.PBKDF2_ITERATIONS);
        t = lap(out, "PBKDF2 again (now compiled)", t);
        StoreFile stored = StoreFile.read(opened, keys);
        t = lap(out, "second StoreFile.read (decrypt index + bind JSON)", t);
        StoreIndex index = stored.index(keys);
        t = lap(out, "records to index", t);
        index.applying(StoreBatch.of(List.of(), List.of()));
        t = lap(out, "applying (copy)", t);
        byte[] aes = keys.pbkdf2Sha256(stored.salt, io.s2mtls.core.x509.Pkcs12Builder.PBKDF2_ITERATIONS);
        byte[] item = StoreFile.indexItem(index, new byte[32], aes, stored.salt);
        t = lap(out, "index item (JSON + encrypt)", t);
        List<byte[]> items = new java.util.ArrayList<>(stored.contentInfos);
        items.set(0, item);
        byte[] mac = keys.pkcs12MacKeySha256(stored.macSalt, stored.macIterations);
        byte[] pfx = io.s2mtls.core.x509.Pkcs12Builder.pfx(items, mac, stored.macSalt, stored.macIterations);
        t = lap(out, "assemble + MAC " + pfx.length + " bytes", t);
        return out.toString();
    }

    private static long lap(StringBuilder out, String what, long since) {
        long now = THREADS.getCurrentThreadCpuTime();
        out.append(what).append(' ').append((now - since) / 1_000_000).append(" ms; ");
        return now;
    }

    private static AuditEvent event(String action) {
        return new AuditEvent(Instant.now(), "bench", action, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
