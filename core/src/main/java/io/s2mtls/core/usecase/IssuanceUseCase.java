package io.s2mtls.core.usecase;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.CredentialName;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.port.StoreSnapshot;
import io.s2mtls.core.x509.CertificateRequest;
import io.s2mtls.core.x509.CertificateRequests;
import io.s2mtls.core.x509.CertificateTemplate;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.KeyPairs;
import io.s2mtls.core.x509.SigningKey;

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
        Set<String> names = new HashSet<>();
        for (IssueCommand command : commands) {
            SubjectPolicy.requireSafe(command.subject(), command.allowUnsafeSubject(), "subject");
            if (!names.add(command.effectiveName())) {
                throw S2mtlsException.badInput("two subjects would be stored under the same name '" + command.effectiveName()
                        + "'; give distinct CNs or explicit names");
            }
        }
        StoreSnapshot snapshot = environment.store().read();
        Issuer issuer = issuer(snapshot);
        for (IssueCommand command : commands) {
            if (!command.replace() && snapshot.credential(command.effectiveName()).isPresent()) {
                throw S2mtlsException.badInput("--name: a credential named '" + command.effectiveName()
                        + "' is already in the store; choose another name or pass --force to replace it");
            }
        }
        List<IssuedCertificate> issued = inParallel(commands, parallelism, progress, command -> {
            KeyPair keys = KeyPairs.generate(command.key(), environment.random());
            return sign(issuer, command.subject(), keys.getPublic(), Optional.of(keys.getPrivate()), command.days(),
                    command.profile(), command.subjectAltNames(), command.effectiveName());
        });
        boolean replace = commands.stream().anyMatch(IssueCommand::replace);
        environment.store().update(current -> withIssued(supersede ? superseded(current, issued) : current, issued, replace, "cert.issue"));
        return issued;
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
        StoreSnapshot snapshot = environment.store().read();
        Issuer issuer = issuer(snapshot);
        Set<String> names = new HashSet<>();
        for (SignRequest request : requests) {
            if (request.name().isEmpty()) {
                continue;
            }
            String name = request.name().get();
            boolean taken = snapshot.credential(name).isPresent()
                    || snapshot.inventory().stream().anyMatch(entry -> entry.name().equals(name));
            if (taken || !names.add(name)) {
                throw S2mtlsException.badInput("--name: a credential named '" + name + "' "
                        + (taken ? "is already in the store" : "would be signed for two CSRs") + "; choose another name");
            }
        }
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
        record(issued, false, "cert.sign");
        return issued;
    }

    record Issuer(X509Certificate certificate, SigningKey key) {
    }

    Issuer issuer(StoreSnapshot snapshot) {
        CaMaterial ca = snapshot.requireAuthority();
        Validity.requireCurrent(ca.certificate(), environment.clock().instant(), "the store's CA");
        SigningKey key = ca.privateKey()
                .map(privateKey -> SigningKey.local(privateKey, ca.certificate().getPublicKey()))
                .orElseGet(() -> SigningKey.remote(environment.remoteSigners().apply(ca.keyReference().orElseThrow())));
        return new Issuer(ca.certificate(), key);
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
                Certificates.sha256Fingerprint(certificate), profile, CertificateStatus.VALID, now);
        return new IssuedCertificate(certificate, privateKey, issuer.certificate(), entry);
    }

    /** {@code current} with the VALID certificate of each credential about to be replaced marked SUPERSEDED. */
    private static StoreSnapshot superseded(StoreSnapshot current, List<IssuedCertificate> issued) {
        StoreSnapshot next = current;
        for (IssuedCertificate certificate : issued) {
            Optional<Credential> old = next.credential(certificate.name());
            if (old.isPresent()) {
                Optional<InventoryEntry> entry = next.entry(old.get().certificate().getSerialNumber());
                if (entry.isPresent() && entry.get().status() == CertificateStatus.VALID) {
                    next = next.withEntry(entry.get().withStatus(CertificateStatus.SUPERSEDED));
                }
            }
        }
        return next;
    }

    private void record(List<IssuedCertificate> issued, boolean replace, String action) {
        environment.store().update(current -> withIssued(current, issued, replace, action));
    }

    /** The store content with {@code issued} recorded (credentials, inventory entries, audit events). */
    StoreSnapshot withIssued(StoreSnapshot current, List<IssuedCertificate> issued, boolean replace, String action) {
        StoreSnapshot next = current;
        List<AuditEvent> events = new ArrayList<>();
        for (IssuedCertificate certificate : issued) {
            Optional<Credential> credential = certificate.privateKey()
                    .map(key -> new Credential(certificate.name(), certificate.certificate(), Optional.of(key)));
            next = next.withIssued(credential, certificate.entry(), replace);
            events.add(AuditEvent.certificate(certificate.entry().recordedAt(), environment.actor(), action, certificate.entry(),
                    Optional.of("name " + certificate.name())));
        }
        return next.withAudit(events);
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
