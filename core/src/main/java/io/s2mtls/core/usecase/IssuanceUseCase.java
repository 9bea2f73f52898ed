package io.s2mtls.core.usecase;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.CredentialName;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoredCredential;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.x509.CertificateRequest;
import io.s2mtls.core.x509.CertificateRequests;
import io.s2mtls.core.x509.CertificateTemplate;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.KeyPairs;
import io.s2mtls.core.x509.SigningKey;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/** Issuing credentials, signing CSRs, and making CSRs. */
public final class IssuanceUseCase {
    private final Environment environment;

    IssuanceUseCase(Environment environment) {
        this.environment = environment;
    }

    /** A new key and a CSR for {@code subject}; nothing is stored. */
    public KeyAndRequest createRequest(DistinguishedName subject, KeySpec key, boolean allowUnsafeSubject) {
        SubjectPolicy.requireSafe(subject, allowUnsafeSubject, "--subject");
        KeyPair keys = KeyPairs.generate(key, environment.random());
        return new KeyAndRequest(keys.getPrivate(), CertificateRequests.create(keys, subject));
    }

    /** A key and the CSR made for it. */
    public record KeyAndRequest(PrivateKey privateKey, CertificateRequest request) {
    }

    /** Issues one credential and records it. */
    public IssuedCertificate issue(IssueCommand command) {
        return issueAll(List.of(command), 1, done -> { }).get(0);
    }

    /**
     * Issues many credentials: keys are generated and certificates signed on {@code parallelism}
     * threads, then all are recorded in one atomic store update (all or none).
     *
     * @param progress called with the number finished so far, from worker threads
     */
    public List<IssuedCertificate> issueAll(List<IssueCommand> commands, int parallelism, IntConsumer progress) {
        return issueAll(commands, parallelism, progress, false);
    }

    /**
     * As {@link #issueAll(List, int, IntConsumer)}; with {@code supersede}, the VALID certificate a replaced
     * credential held is marked SUPERSEDED in the same atomic update (as a renewal does).
     */
    public List<IssuedCertificate> issueAll(List<IssueCommand> commands, int parallelism, IntConsumer progress, boolean supersede) {
        return issueAll(commands, parallelism, progress, supersede, Optional.empty());
    }

    /**
     * As {@link #issueAll(List, int, IntConsumer)}, for a caller that writes the credentials' files: first, before
     * any other check and before anything is signed or stored, {@code beforeSigning} gets the store's CA
     * certificates as its index holds them (no key is decrypted for it), so it can refuse output it could not
     * write (such as a ca-cert.pem of another CA); what it throws propagates and nothing is stored. A store
     * without a CA is refused first, with the message of {@link AuthorityUseCase#show()}.
     */
    public List<IssuedCertificate> issueAll(List<IssueCommand> commands, int parallelism, IntConsumer progress,
                                            Consumer<CaCertificates> beforeSigning) {
        return issueAll(commands, parallelism, progress, false, Optional.of(beforeSigning));
    }

    private List<IssuedCertificate> issueAll(List<IssueCommand> commands, int parallelism, IntConsumer progress, boolean supersede,
                                             Optional<Consumer<CaCertificates>> beforeSigning) {
        StoreIndex first = null;
        if (beforeSigning.isPresent()) {
            first = environment.store().index();
            beforeSigning.get().accept(first.requireAuthority());
        }
        Set<String> names = new HashSet<>();
        for (IssueCommand command : commands) {
            SubjectPolicy.requireSafe(command.subject(), command.allowUnsafeSubject(), "subject");
            if (!names.add(command.effectiveName())) {
                throw S2mtlsException.badInput("two subjects would be stored under the same name '" + command.effectiveName()
                        + "'; give distinct CNs or explicit names");
            }
        }
        CredentialStore store = environment.store();
        StoreIndex index = first != null ? first : store.index();
        index.requireAuthority();
        for (IssueCommand command : commands) {
            if (!command.replace() && index.credentials().containsKey(command.effectiveName())) {
                throw nameTaken(command.effectiveName());
            }
        }
        Issuer issuer = issuer(index);
        List<IssuedCertificate> issued = inParallel(commands, parallelism, progress, command -> {
            KeyPair keys = KeyPairs.generate(command.key(), environment.random());
            return sign(issuer, command.subject(), keys.getPublic(), Optional.of(keys.getPrivate()), command.days(),
                    command.profile(), command.subjectAltNames(), command.effectiveName());
        });
        recordIssued(index, issuer, commands, issued, supersede);
        return issued;
    }

    /**
     * Records issued credentials in one batch built from {@code index}: each credential expecting its name free
     * (or, when its command replaces, holding what it holds now), its inventory entry, its audit event; with
     * {@code supersede}, the VALID entry a replaced credential held becomes SUPERSEDED. Linear in the batch.
     */
    void recordIssued(StoreIndex index, Issuer issuer, List<IssueCommand> commands, List<IssuedCertificate> issued, boolean supersede) {
        CredentialStore store = environment.store();
        StoreCommits.commit(store, index, current -> {
            issuer.requireCurrent(current, store);
            StoreBatch.Builder batch = StoreBatch.builder();
            Set<BigInteger> serials = new HashSet<>();
            for (int i = 0; i < commands.size(); i++) {
                IssueCommand command = commands.get(i);
                IssuedCertificate certificate = issued.get(i);
                Optional<StoredCredential> held = current.credential(certificate.name());
                if (held.isPresent() && !command.replace()) {
                    throw nameTaken(certificate.name());
                }
                requireNewSerial(current, serials, certificate.entry());
                if (supersede && held.isPresent()) {
                    InventoryEntry old = current.entries().get(held.get().serial());
                    if (old != null && old.status() == CertificateStatus.VALID) {
                        batch.write(new StoreWrite.UpdateEntry(old.withStatus(CertificateStatus.SUPERSEDED), CertificateStatus.VALID));
                    }
                }
                batch.write(new StoreWrite.PutCredential(new Credential(certificate.name(), certificate.certificate(), certificate.privateKey()),
                        held.map(StoredCredential::serial)));
                batch.write(new StoreWrite.AddEntry(certificate.entry()));
                batch.audit(event(certificate, "cert.issue"));
            }
            return new StoreCommits.Prepared<>(batch.build(), issued);
        });
    }

    private static S2mtlsException nameTaken(String name) {
        return S2mtlsException.badInput("--name: a credential named '" + name
                + "' is already in the store; choose another name or pass --force to replace it");
    }

    /**
     * Reissues under the issuing CA (after {@code ca rotate switch}, the new one) those credentials of {@code names}
     * that a CA rotation still has to reissue, exactly as {@code cert renew} does: a new key of the same kind (or
     * {@code key}), the same validity (or {@code days}), the subject's DER byte for byte; the others are left
     * alone. Refused while the rotation is only begun; nothing to do outside a rotation. All in one store update.
     *
     * @return the renewals made, each with the entry it superseded
     */
    public List<LifecycleUseCase.Renewal> reissueOnOldCa(java.util.Collection<String> names, Optional<KeySpec> key, Optional<Integer> days,
                                                         int parallelism, IntConsumer progress) {
        return new LifecycleUseCase(environment, this).reissueOnOldCa(names, key, days, parallelism, progress);
    }

    /** Refuses a serial the index (or this batch) already records, so no serial is ever issued twice from one store. */
    static void requireNewSerial(StoreIndex index, Set<BigInteger> inBatch, InventoryEntry entry) {
        if (index.entries().containsKey(entry.serial()) || !inBatch.add(entry.serial())) {
            throw S2mtlsException.internal("serial " + entry.serialHex() + " is already recorded in the store; nothing was stored,"
                    + " run the command again", null);
        }
    }

    private AuditEvent event(IssuedCertificate certificate, String action) {
        return AuditEvent.certificate(certificate.entry().recordedAt(), environment.actor(), action, certificate.entry(),
                Optional.of("name " + certificate.name()));
    }

    /** Signs a CSR, keeping its subject's exact DER; records the certificate in the inventory under {@code name}. */
    public IssuedCertificate sign(byte[] csr, String source, int days, CertificateProfile profile,
                                  Optional<String> name, boolean allowUnsafeSubject) {
        return signAll(List.of(new SignRequest(csr, source, name)), days, profile, allowUnsafeSubject, 1).get(0);
    }

    /** One CSR to sign: its bytes, where they came from (for messages), and an optional inventory name. */
    public record SignRequest(byte[] csr, String source, Optional<String> name) {
    }

    /** Signs many CSRs on {@code parallelism} threads and records them in one store update. */
    public List<IssuedCertificate> signAll(List<SignRequest> requests, int days, CertificateProfile profile,
                                           boolean allowUnsafeSubject, int parallelism) {
        Validity.checkDays(days);
        List<CertificateRequest> parsed = new ArrayList<>();
        for (SignRequest request : requests) {
            CertificateRequest csr = CertificateRequests.parse(request.csr(), request.source());
            SubjectPolicy.requireSafe(csr.subject(), allowUnsafeSubject, request.source());
            request.name().ifPresent(CredentialName::check);
            parsed.add(csr);
        }
        CredentialStore store = environment.store();
        StoreIndex index = store.index();
        index.requireAuthority();
        checkSignNames(index, requests);
        Issuer issuer = issuer(index);
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < parsed.size(); i++) {
            indexes.add(i);
        }
        List<IssuedCertificate> issued = inParallel(indexes, parallelism, done -> { }, i -> {
            CertificateRequest csr = parsed.get(i);
            String name = requests.get(i).name().orElseGet(() ->
                    CredentialName.fileSafe(csr.subject().commonName().orElse(csr.subject().oneline())));
            return sign(issuer, csr.subject(), csr.publicKey(), Optional.empty(), days, profile, List.of(), name);
        });
        StoreCommits.commit(store, index, current -> {
            issuer.requireCurrent(current, store);
            if (current != index) {
                checkSignNames(current, requests);
            }
            StoreBatch.Builder batch = StoreBatch.builder();
            Set<BigInteger> serials = new HashSet<>();
            for (IssuedCertificate certificate : issued) {
                requireNewSerial(current, serials, certificate.entry());
                batch.write(new StoreWrite.AddEntry(certificate.entry()));
                batch.audit(event(certificate, "cert.sign"));
            }
            return new StoreCommits.Prepared<>(batch.build(), issued);
        });
        return issued;
    }

    /** Refuses an explicit name that a credential or an inventory entry already has, or that two requests share. */
    private static void checkSignNames(StoreIndex index, List<SignRequest> requests) {
        if (requests.stream().allMatch(request -> request.name().isEmpty())) {
            return;
        }
        Set<String> recorded = new HashSet<>(index.credentials().keySet());
        index.inventory().forEach(entry -> recorded.add(entry.name()));
        Set<String> names = new HashSet<>();
        for (SignRequest request : requests) {
            if (request.name().isEmpty()) {
                continue;
            }
            String name = request.name().get();
            boolean taken = recorded.contains(name);
            if (taken || !names.add(name)) {
                throw S2mtlsException.badInput("--name: a credential named '" + name + "' "
                        + (taken ? "is already in the store" : "would be signed for two CSRs") + "; choose another name");
            }
        }
    }

    /**
     * The CA certificate that signs, its signing key, the chain above it (its issuer first, up to and including the
     * root; empty for a root) and what servers trust while it signs (every CA of the store with its chain).
     */
    record Issuer(X509Certificate certificate, SigningKey key, List<X509Certificate> chain, List<X509Certificate> trustBundle) {
        Issuer {
            chain = List.copyOf(chain);
            trustBundle = List.copyOf(trustBundle);
        }

        /** A root CA that servers trust alone. */
        Issuer(X509Certificate certificate, SigningKey key) {
            this(certificate, key, List.of(), List.of(certificate));
        }

        /** Refuses to record what this CA signed when another command replaced the store's CA meanwhile. */
        void requireCurrent(StoreIndex index, CredentialStore store) {
            if (!index.authority().map(CaCertificates::serial).equals(Optional.of(certificate.getSerialNumber()))) {
                throw S2mtlsException.badInput(store.describe() + ": another command replaced the store's CA while this one ran;"
                        + " nothing was stored, run it again");
            }
        }
    }

    /**
     * The store's issuing CA as a signer: a remote key needs no store read beyond {@code index}; a local one is read
     * with {@link CredentialStore#authority()}, which decrypts the CA key and no other. The chain and the trust
     * bundle come from {@code index}.
     */
    Issuer issuer(StoreIndex index) {
        CaCertificates seen = index.requireAuthority();
        Validity.requireCurrent(seen.certificate(), environment.clock().instant(), "the store's CA");
        List<X509Certificate> trust = index.authorities().map(Authorities::trustBundle).orElseGet(seen::bundle);
        if (seen.keyReference().isPresent()) {
            return new Issuer(seen.certificate(), SigningKey.remote(environment.remoteSigners().apply(seen.keyReference().get())),
                    seen.chain(), trust);
        }
        CaMaterial ca = environment.store().authority().orElseThrow(AuthorityUseCase::noAuthority);
        SigningKey key = ca.privateKey()
                .map(privateKey -> SigningKey.local(privateKey, ca.certificate().getPublicKey()))
                .orElseGet(() -> SigningKey.remote(environment.remoteSigners().apply(ca.keyReference().orElseThrow())));
        boolean sameCa = ca.certificate().equals(seen.certificate());
        return new Issuer(ca.certificate(), key, sameCa ? seen.chain() : ca.chain(), sameCa ? trust : ca.bundle());
    }

    IssuedCertificate sign(Issuer issuer, DistinguishedName subject, PublicKey publicKey, Optional<PrivateKey> privateKey,
                                   int days, CertificateProfile profile, List<io.s2mtls.core.pki.SubjectAltName> sans, String name) {
        KeyPairs.requireStrong(publicKey, "subject key");
        Instant now = environment.clock().instant();
        CertificateTemplate template = new CertificateTemplate(subject, publicKey, profile,
                Certificates.randomSerial(environment.random()), Validity.notBefore(now),
                Validity.notAfter(now, days, issuer.certificate()), sans);
        X509Certificate certificate = Certificates.issue(template, issuer.certificate(), issuer.key());
        InventoryEntry entry = new InventoryEntry(certificate.getSerialNumber(), name, subject.oneline(),
                certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(),
                Certificates.sha256Fingerprint(certificate), profile, CertificateStatus.VALID, now,
                Optional.of(issuer.certificate().getSerialNumber()));
        return new IssuedCertificate(certificate, privateKey, issuer.certificate(), entry, issuer.chain(), issuer.trustBundle());
    }

    interface Work<T> {
        IssuedCertificate run(T item);
    }

    static <T> List<IssuedCertificate> inParallel(List<T> items, int parallelism, IntConsumer progress, Work<T> work) {
        if (parallelism <= 1 || items.size() <= 1) {
            List<IssuedCertificate> results = new ArrayList<>();
            for (T item : items) {
                results.add(work.run(item));
                progress.accept(results.size());
            }
            return results;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, items.size()), runnable -> {
            Thread thread = new Thread(runnable, "s2mtls-issue");
            thread.setDaemon(true);
            return thread;
        });
        try {
            AtomicInteger done = new AtomicInteger();
            List<Future<IssuedCertificate>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> {
                    IssuedCertificate result = work.run(item);
                    progress.accept(done.incrementAndGet());
                    return result;
                }));
            }
            List<IssuedCertificate> results = new ArrayList<>();
            for (Future<IssuedCertificate> future : futures) {
                results.add(future.get());
            }
            return results;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw S2mtlsException.internal("issuance failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw S2mtlsException.internal("issuance interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
