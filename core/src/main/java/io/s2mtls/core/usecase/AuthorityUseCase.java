package io.s2mtls.core.usecase;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.port.RemoteSigner;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.x509.CertificateTemplate;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.KeyPairs;
import io.s2mtls.core.x509.Pem;
import io.s2mtls.core.x509.Pkcs12Files;
import io.s2mtls.core.x509.SigningKey;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Creating, importing and reading the certificate authority. */
public final class AuthorityUseCase {
    /** The CA defaults of the manual openssl procedure: RSA 4096, SHA-256, 3650 days. */
    public static final KeySpec DEFAULT_KEY = KeySpec.RSA_4096;
    public static final int DEFAULT_DAYS = 3650;

    private final Environment environment;

    AuthorityUseCase(Environment environment) {
        this.environment = environment;
    }

    /**
     * What a new CA is made of: its subject, its validity in days, whether it may replace a CA the store holds, and
     * its key: a new local key of type {@code key}, or the key a remote signer holds under {@code keyReference}
     * (e.g. {@code vault-transit:ca}). Exactly one of the two is given.
     */
    public record CreateRequest(DistinguishedName subject, Optional<KeySpec> key, Optional<String> keyReference, int days, boolean replace) {
        public CreateRequest {
            java.util.Objects.requireNonNull(subject, "subject is null");
            if (key.isPresent() == keyReference.isPresent()) {
                throw new IllegalArgumentException("give either a local key type or a remote key reference");
            }
        }

        /** A CA with a new local key of type {@code key}. */
        public static CreateRequest local(DistinguishedName subject, KeySpec key, int days, boolean replace) {
            return new CreateRequest(subject, Optional.of(key), Optional.empty(), days, replace);
        }

        /** A CA whose key the remote signer holds under {@code keyReference}; only its certificate and the reference are stored. */
        public static CreateRequest remote(DistinguishedName subject, String keyReference, int days, boolean replace) {
            return new CreateRequest(subject, Optional.empty(), Optional.of(keyReference), days, replace);
        }
    }

    /** Creates a CA with a new local key and stores it. Refuses to replace an existing CA unless {@code replace}. */
    public CaMaterial create(DistinguishedName subject, KeySpec key, int days, boolean replace) {
        return create(CreateRequest.local(subject, key, days, replace));
    }

    /**
     * Creates the CA {@code request} describes and stores it: with a new local key, or with the key of a remote
     * signer (only the certificate and the reference are stored). Refuses to replace an existing CA unless the
     * request says so.
     */
    public CaMaterial create(CreateRequest request) {
        Validity.checkDays(request.days());
        SubjectPolicy.requireSafe(request.subject(), false, "--subject");
        StoreIndex seen = refuseExisting(request.replace());
        if (request.keyReference().isPresent()) {
            String keyReference = request.keyReference().get();
            RemoteSigner signer = environment.remoteSigners().apply(keyReference);
            KeyPairs.requireStrong(signer.publicKey(), "--key " + keyReference);
            X509Certificate certificate = selfSign(request.subject(), request.days(), SigningKey.remote(signer));
            return store(CaMaterial.remote(certificate, keyReference), seen, request.replace(), "ca.create");
        }
        KeyPair keys = KeyPairs.generate(request.key().orElseThrow(), environment.random());
        X509Certificate certificate = selfSign(request.subject(), request.days(), SigningKey.local(keys.getPrivate(), keys.getPublic()));
        return store(CaMaterial.local(certificate, keys.getPrivate()), seen, request.replace(), "ca.create");
    }

    /** The same as {@link #createIntermediate}: {@code ca create --intermediate} (one command, one use-case method). */
    public io.s2mtls.core.pki.AuthoritySet create(IntermediateRequest request) {
        return createIntermediate(request);
    }

    /**
     * A root CA and an intermediate under it, made together: the intermediate issues client certificates, the root
     * signs only intermediates. Each key is a new local key of the given type or a remote signer's key (exactly one
     * of the two per CA). {@code rootDays} and {@code days}: validity of the root and of the intermediate (which
     * must end before the root's).
     */
    public record IntermediateRequest(DistinguishedName rootSubject, Optional<KeySpec> rootKey, Optional<String> rootKeyReference,
                                      int rootDays, DistinguishedName subject, Optional<KeySpec> key,
                                      Optional<String> keyReference, int days, boolean replace) {
        public IntermediateRequest {
            java.util.Objects.requireNonNull(rootSubject, "rootSubject is null");
            java.util.Objects.requireNonNull(subject, "subject is null");
            if (rootKey.isPresent() == rootKeyReference.isPresent()) {
                throw new IllegalArgumentException("give the root either a local key type or a remote key reference");
            }
            if (key.isPresent() == keyReference.isPresent()) {
                throw new IllegalArgumentException("give the intermediate either a local key type or a remote key reference");
            }
        }
    }

    /**
     * Creates a root and an intermediate under it and stores both: the intermediate issues, the root's key (or
     * reference) is kept as the set's root until {@link #removeRoot} takes it out. Refuses to replace an existing
     * CA unless the request says so.
     */
    public io.s2mtls.core.pki.AuthoritySet createIntermediate(IntermediateRequest request) {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * The root CA with its key, for the operator to keep offline; recorded in the audit trail as
     * {@code ca.root.export}. Refused when the store holds no root key (a root CA is exported with {@code ca export}).
     */
    public CaMaterial exportRoot() {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * Takes the root's key out of the store (the root certificate stays in the chain). Refused unless the root
     * was exported since it was stored (an audit event says so), or {@code force}. A root held remotely has only
     * its reference removed.
     */
    public io.s2mtls.core.pki.Authorities removeRoot(boolean force) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Every CA the store holds, from the index, decrypting no key; a bad-input error when there is none. */
    public io.s2mtls.core.pki.Authorities authorities() {
        return environment.store().index().authorities().orElseThrow(AuthorityUseCase::noAuthority);
    }

    /** The certificates above an intermediate CA (PEM, any order, up to and including the root), and where they came from. */
    public record ChainFile(byte[] data, String source) {
        public ChainFile {
            data = data.clone();
        }
    }

    /**
     * An existing CA to import: where its certificate and key come from, the chain of an intermediate CA (when
     * not in the source itself), and whether it may replace a CA the store holds.
     */
    public record ImportRequest(ImportSource source, Optional<ChainFile> chain, boolean replace) {
        public ImportRequest {
            java.util.Objects.requireNonNull(source, "source is null");
            java.util.Objects.requireNonNull(chain, "chain is null");
        }
    }

    /** Where an imported CA comes from: PEM files, a PKCS#12 file, or a PEM certificate whose key a remote signer holds. */
    public sealed interface ImportSource permits PemFiles, Pkcs12File, RemoteKey {
    }

    /** A PEM certificate and its key (PKCS#1, SEC1, PKCS#8 or encrypted PKCS#8, with {@code keyPassword}); sources name them in messages. */
    public record PemFiles(byte[] certificate, String certificateSource, byte[] key, String keySource,
                           Optional<char[]> keyPassword) implements ImportSource {
        public PemFiles {
            certificate = certificate.clone();
            key = key.clone();
        }
    }

    /** A PKCS#12 file holding exactly one key and its certificate (and perhaps the chain above it). */
    public record Pkcs12File(byte[] data, String source, char[] password) implements ImportSource {
        public Pkcs12File {
            data = data.clone();
        }
    }

    /** A PEM certificate whose key stays with the remote signer under {@code keyReference}. */
    public record RemoteKey(byte[] certificate, String certificateSource, String keyReference) implements ImportSource {
        public RemoteKey {
            certificate = certificate.clone();
        }
    }

    /** Imports a CA from PEM files: the certificate, and its key (PKCS#1, SEC1, PKCS#8 or encrypted PKCS#8). */
    public CaMaterial importPem(byte[] certificatePem, String certificateSource, byte[] keyPem, String keySource,
                                Optional<char[]> keyPassword, boolean replace) {
        return importCa(new ImportRequest(new PemFiles(certificatePem, certificateSource, keyPem, keySource, keyPassword), Optional.empty(), replace));
    }

    /** Imports a CA from a PKCS#12 file holding exactly one key and its certificate. */
    public CaMaterial importPkcs12(byte[] pkcs12, String source, char[] password, boolean replace) {
        return importPkcs12(pkcs12, source, password, Optional.empty(), replace);
    }

    /** As {@link #importPkcs12(byte[], String, char[], boolean)}; the chain may be in the file, in {@code chain}, or both. */
    public CaMaterial importPkcs12(byte[] pkcs12, String source, char[] password, Optional<ChainFile> chain, boolean replace) {
        return importCa(new ImportRequest(new Pkcs12File(pkcs12, source, password), chain, replace));
    }

    /**
     * Imports the CA {@code request} describes and stores it. The key must belong to the certificate (for a
     * remote key: the signer's public key must be the certificate's), and the certificate and its chain must be
     * a CA that can sign client certificates.
     */
    public CaMaterial importCa(ImportRequest request) {
        Optional<ChainFile> chain = request.chain();
        if (request.source() instanceof PemFiles pem) {
            X509Certificate certificate = Pem.readCertificates(pem.certificate(), pem.certificateSource()).get(0);
            PrivateKey key = Pem.readPrivateKey(pem.key(), pem.keySource(), pem.keyPassword());
            return importChecked(certificate, pem.certificateSource(), key, pem.keySource(), chainCandidates(List.of(), chain),
                    chainSource(chain), request.replace());
        }
        if (request.source() instanceof Pkcs12File file) {
            Pkcs12Files.KeyAndChain entry = Pkcs12Files.read(file.data(), file.password(), file.source());
            List<X509Certificate> inFile = entry.chain().subList(1, entry.chain().size());
            return importChecked(entry.chain().get(0), file.source(), entry.privateKey(), file.source(), chainCandidates(inFile, chain),
                    chain.map(ChainFile::source).map(given -> given + " (with the chain in " + file.source() + ")").orElse(file.source()),
                    request.replace());
        }
        RemoteKey remote = (RemoteKey) request.source();
        X509Certificate certificate = Pem.readCertificates(remote.certificate(), remote.certificateSource()).get(0);
        List<X509Certificate> above = checkCaCertificate(certificate, remote.certificateSource(), chainCandidates(List.of(), chain), chainSource(chain));
        RemoteSigner signer = environment.remoteSigners().apply(remote.keyReference());
        if (!Certificates.sameKey(signer.publicKey(), certificate.getPublicKey())) {
            throw S2mtlsException.badInput(remote.certificateSource() + ": the certificate's public key is not the key of "
                    + remote.keyReference() + "; import the certificate that belongs to that key");
        }
        StoreIndex seen = refuseExisting(request.replace());
        return store(CaMaterial.remote(certificate, remote.keyReference()).withChain(above), seen, request.replace(), "ca.import");
    }

    private static List<X509Certificate> chainCandidates(List<X509Certificate> inFile, Optional<ChainFile> chain) {
        List<X509Certificate> candidates = new java.util.ArrayList<>(inFile);
        chain.ifPresent(file -> candidates.addAll(Pem.readCertificates(file.data(), file.source())));
        return candidates;
    }

    private static String chainSource(Optional<ChainFile> chain) {
        return chain.map(ChainFile::source).orElse("--chain");
    }

    /**
     * The store's CA with its key (or key reference), or a bad-input error telling the operator to create one.
     * It decrypts the CA key; {@link #certificates()} does not.
     */
    public CaMaterial show() {
        return environment.store().authority().orElseThrow(AuthorityUseCase::noAuthority);
    }

    /** The error for a store without a CA: the same words as {@link StoreIndex#requireAuthority()}. */
    static S2mtlsException noAuthority() {
        return S2mtlsException.badInput("the store has no CA yet; run 's2mtls ca create --subject DN' or 's2mtls ca import' first");
    }

    /** The store's CA certificate and chain, read from the index without decrypting any key; a bad-input error when there is none. */
    public CaCertificates certificates() {
        return environment.store().index().requireAuthority();
    }

    private CaMaterial importChecked(X509Certificate certificate, String certificateSource, PrivateKey key,
                                     String keySource, List<X509Certificate> chainCandidates, String chainSource, boolean replace) {
        List<X509Certificate> above = checkCaCertificate(certificate, certificateSource, chainCandidates, chainSource);
        if (!KeyPairs.matches(key, certificate.getPublicKey())) {
            throw S2mtlsException.badInput(keySource + ": this private key does not belong to the certificate in "
                    + certificateSource + "; give the CA's own key");
        }
        StoreIndex seen = refuseExisting(replace);
        return store(CaMaterial.local(certificate, key).withChain(above), seen, replace, "ca.import");
    }

    /**
     * Refuses a CA that cannot sign client certificates the server accepts (not a CA, no keyCertSign, an extended
     * key usage without clientAuth, a weak key, outside its validity, or an intermediate without its chain), and
     * returns its chain, checked the same way, issuer first.
     */
    private List<X509Certificate> checkCaCertificate(X509Certificate certificate, String source,
                                                     List<X509Certificate> chainCandidates, String chainSource) {
        checkOneCa(certificate, source);
        List<X509Certificate> chain = Certificates.chainOf(certificate, chainCandidates, source, chainSource);
        for (X509Certificate above : chain) {
            checkOneCa(above, chainSource + " ('" + Certificates.subjectOf(above).oneline() + "')");
        }
        return chain;
    }

    private void checkOneCa(X509Certificate certificate, String source) {
        String problem = Certificates.caProblem(certificate);
        if (problem != null) {
            throw S2mtlsException.badInput(source + ": " + problem);
        }
        KeyPairs.requireStrong(certificate.getPublicKey(), source);
        Validity.requireCurrent(certificate, environment.clock().instant(), source + ": the CA certificate");
    }

    private X509Certificate selfSign(DistinguishedName subject, int days, SigningKey key) {
        Instant now = environment.clock().instant();
        Instant notBefore = Validity.notBefore(now);
        Instant notAfter = now.plus(java.time.Duration.ofDays(days)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        CertificateTemplate template = new CertificateTemplate(subject, key.publicKey(), CertificateProfile.CA,
                Certificates.randomSerial(environment.random()), notBefore, notAfter, List.of());
        return Certificates.selfSignedCa(template, key);
    }

    /** Refuses to replace an existing CA unless {@code replace}; returns the index read, which the store step expects. */
    private StoreIndex refuseExisting(boolean replace) {
        StoreIndex index = environment.store().index();
        index.authority().ifPresent(existing -> {
            if (!replace) {
                throw S2mtlsException.badInput(environment.store().describe() + ": already holds a CA ('"
                        + Certificates.subjectOf(existing.certificate()).oneline()
                        + "'); pass --force to replace it (certificates it issued stop verifying against the new one)");
            }
        });
        return index;
    }

    /**
     * Sets the CA with one {@link StoreWrite.SetAuthority} that expects the CA {@code seen} had (or none). A CA
     * that appeared meanwhile is refused as an existing one; one replaced by someone else meanwhile is refused
     * even with --force, since the operator never saw it.
     */
    private CaMaterial store(CaMaterial material, StoreIndex seen, boolean replace, String action) {
        AuditEvent event = new AuditEvent(environment.clock().instant(), environment.actor(), action,
                Optional.of(material.certificate().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT)),
                Optional.of(Certificates.subjectOf(material.certificate()).oneline()), Optional.empty(),
                material.keyReference().map(reference -> "key at " + reference));
        Optional<BigInteger> seenSerial = seen.authority().map(CaCertificates::serial);
        return StoreCommits.commit(environment.store(), seen, index -> {
            Optional<BigInteger> current = index.authority().map(CaCertificates::serial);
            if (current.isPresent() && !replace) {
                throw S2mtlsException.badInput(environment.store().describe() + ": already holds a CA; pass --force to replace it");
            }
            if (!current.equals(seenSerial)) {
                throw S2mtlsException.badInput(environment.store().describe() + ": another command replaced the store's CA while this one ran;"
                        + " nothing was changed, run it again");
            }
            return new StoreCommits.Prepared<>(StoreBatch.of(new StoreWrite.SetAuthority(material, current), event), material);
        }).result();
    }
}
