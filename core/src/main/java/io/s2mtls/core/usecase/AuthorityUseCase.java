package io.s2mtls.core.usecase;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.AuthorityState;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.port.RemoteSigner;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.KeyPairs;
import io.s2mtls.core.x509.Pem;
import io.s2mtls.core.x509.Pkcs12Files;
import io.s2mtls.core.x509.SigningKey;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
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
        AuthorityKeys.NewKey key = AuthorityKeys.NewKey.of(environment, request.key(), request.keyReference());
        X509Certificate certificate = AuthorityKeys.selfSigned(environment, request.subject(), request.days(), key.signing(), Optional.empty());
        return store(key.material(certificate, List.of()), seen, request.replace(), "ca.create");
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
    public AuthoritySet createIntermediate(IntermediateRequest request) {
        Validity.checkDays(request.rootDays());
        Validity.checkDays(request.days());
        SubjectPolicy.requireSafe(request.rootSubject(), false, "--root-subject");
        SubjectPolicy.requireSafe(request.subject(), false, "--subject");
        if (Arrays.equals(request.rootSubject().toDer(), request.subject().toDer())) {
            throw S2mtlsException.badInput("--subject: the intermediate's subject '" + request.subject().oneline()
                    + "' is the root's; give the intermediate a subject of its own");
        }
        StoreIndex seen = refuseExisting(request.replace());
        AuthorityKeys.NewKey rootKey = AuthorityKeys.NewKey.of(environment, request.rootKey(), request.rootKeyReference());
        AuthorityKeys.NewKey key = AuthorityKeys.NewKey.of(environment, request.key(), request.keyReference());
        if (Certificates.sameKey(rootKey.publicKey(), key.publicKey())) {
            throw S2mtlsException.badInput("--key " + request.keyReference().orElse("") + ": the intermediate's key is the root's;"
                    + " give the intermediate a key of its own");
        }
        X509Certificate rootCertificate = AuthorityKeys.selfSigned(environment, request.rootSubject(), request.rootDays(),
                rootKey.signing(), Optional.of(AuthorityKeys.ROOT_PATH_LENGTH));
        X509Certificate certificate = AuthorityKeys.intermediate(environment, request.subject(), key.publicKey(), request.days(),
                rootCertificate, rootKey.signing());
        CaMaterial root = rootKey.material(rootCertificate, List.of());
        AuthoritySet set = new AuthoritySet(key.material(certificate, List.of(rootCertificate)), Optional.empty(), Optional.of(root),
                RotationPhase.NONE);
        AuditEvent event = event("ca.create", set.issuing(), Optional.of("intermediate under root '"
                + Certificates.subjectOf(rootCertificate).oneline() + "' serial " + hex(rootCertificate)
                + set.issuing().keyReference().map(reference -> "; key at " + reference).orElse("")
                + root.keyReference().map(reference -> "; root key at " + reference).orElse("")));
        return store(set, seen, request.replace(), event);
    }

    /**
     * The root CA with its key, for the operator to keep offline; recorded in the audit trail as
     * {@code ca.root.export}. Refused when the store holds no root key (a root CA is exported with {@code ca export}),
     * and when the root's key is held by a remote signer (it cannot leave it).
     */
    public CaMaterial exportRoot() {
        return exportRoot(root -> { });
    }

    /**
     * As {@link #exportRoot()}, handing the root to {@code writer} (which writes the operator's file) before the
     * export is recorded: when the writer fails, nothing is recorded, so {@link #removeRoot} still refuses.
     */
    public CaMaterial exportRoot(java.util.function.Consumer<CaMaterial> writer) {
        AuthoritySet set = environment.store().authorities().orElseThrow(AuthorityUseCase::noAuthority);
        CaMaterial root = set.root().orElseThrow(() -> noRoot(set));
        if (root.keyReference().isPresent()) {
            throw S2mtlsException.badInput("the root's key is held by " + root.keyReference().get()
                    + " and cannot be exported; keep it there (or forget the reference with 's2mtls ca root remove')");
        }
        writer.accept(root);
        environment.store().appendAudit(List.of(event("ca.root.export", root, Optional.of("root exported with its key"))));
        return root;
    }

    /**
     * Takes the root's key out of the store (the root certificate stays in the chain). Refused unless the root
     * was exported since it was stored (an audit event says so), or {@code force}. A root held remotely has only
     * its reference removed, which needs no export: the key stays with its signer.
     */
    public Authorities removeRoot(boolean force) {
        AuthoritySet set = environment.store().authorities().orElseThrow(AuthorityUseCase::noAuthority);
        CaMaterial root = set.root().orElseThrow(() -> noRoot(set));
        String serial = hex(root.certificate());
        boolean exported = root.keyReference().isPresent() || environment.store().recentAudit(10_000).stream()
                .anyMatch(e -> e.action().equals("ca.root.export") && e.serial().equals(Optional.of(serial)));
        if (!exported && !force) {
            throw S2mtlsException.badInput("the root's key ('" + Certificates.subjectOf(root.certificate()).oneline() + "' serial " + serial
                    + ") was never exported, so removing it would lose it; run 's2mtls ca root export --out FILE' first, or pass --force");
        }
        AuthoritySet without = new AuthoritySet(set.issuing(), set.other(), Optional.empty(), set.phase());
        AuthorityState expected = set.state();
        AuditEvent event = event("ca.root.remove", root, Optional.of(root.keyReference().map(r -> "root key reference " + r + " removed")
                .orElse(exported ? "root key removed after export" : "root key removed without an export (--force)")));
        StoreCommits.commit(environment.store(), index -> {
            Optional<AuthorityState> now = index.authorities().map(Authorities::state);
            if (!now.equals(Optional.of(expected))) {
                throw changedMeanwhile();
            }
            return new StoreCommits.Prepared<>(StoreBatch.of(new StoreWrite.SetAuthority(without, now), event), without);
        });
        return without.certificates();
    }

    private S2mtlsException noRoot(AuthoritySet set) {
        if (set.issuing().chain().isEmpty()) {
            return S2mtlsException.badInput("the store's CA is a root, not an intermediate, so there is no separate root key;"
                    + " export the CA with 's2mtls ca export', or create a root and intermediate with 's2mtls ca create --intermediate'");
        }
        return S2mtlsException.badInput("the store does not hold the root's key (it was removed or never imported);"
                + " the root certificate is in the chain, exported with 's2mtls ca export --bundle'");
    }

    /**
     * The root CA's signing key brought in for one command from {@code source} (never stored): its certificate
     * must be {@code root} exactly, and its key must belong to it.
     */
    SigningKey offlineRoot(ImportSource source, X509Certificate root, String option) {
        X509Certificate certificate;
        SigningKey key;
        String certificateSource;
        if (source instanceof PemFiles pem) {
            certificateSource = pem.certificateSource();
            certificate = Pem.readCertificates(pem.certificate(), pem.certificateSource()).get(0);
            PrivateKey privateKey = Pem.readPrivateKey(pem.key(), pem.keySource(), pem.keyPassword());
            requireRoot(certificate, root, certificateSource, option);
            if (!KeyPairs.matches(privateKey, certificate.getPublicKey())) {
                throw S2mtlsException.badInput(pem.keySource() + ": this private key does not belong to the root certificate in "
                        + certificateSource + "; give the root's own key");
            }
            key = SigningKey.local(privateKey, certificate.getPublicKey());
        } else if (source instanceof Pkcs12File file) {
            certificateSource = file.source();
            Pkcs12Files.KeyAndChain entry = Pkcs12Files.read(file.data(), file.password(), file.source());
            certificate = entry.chain().get(0);
            requireRoot(certificate, root, certificateSource, option);
            if (!KeyPairs.matches(entry.privateKey(), certificate.getPublicKey())) {
                throw S2mtlsException.badInput(file.source() + ": the private key does not belong to its certificate; give the root's own key");
            }
            key = SigningKey.local(entry.privateKey(), certificate.getPublicKey());
        } else {
            RemoteKey remote = (RemoteKey) source;
            certificateSource = remote.certificateSource();
            certificate = Pem.readCertificates(remote.certificate(), remote.certificateSource()).get(0);
            requireRoot(certificate, root, certificateSource, option);
            RemoteSigner signer = environment.remoteSigners().apply(remote.keyReference());
            if (!Certificates.sameKey(signer.publicKey(), certificate.getPublicKey())) {
                throw S2mtlsException.badInput(remote.certificateSource() + ": the root certificate's public key is not the key of "
                        + remote.keyReference() + "; give the reference of the root's own key");
            }
            key = SigningKey.remote(signer);
        }
        return key;
    }

    private static void requireRoot(X509Certificate certificate, X509Certificate root, String source, String option) {
        if (!Arrays.equals(der(certificate), der(root))) {
            throw S2mtlsException.badInput(option + " " + source + ": holds '" + Certificates.subjectOf(certificate).oneline() + "' serial "
                    + hex(certificate) + ", not the root of the store's CA ('" + Certificates.subjectOf(root).oneline() + "' serial "
                    + hex(root) + "); give the root exported with 's2mtls ca root export'");
        }
    }

    static byte[] der(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw S2mtlsException.internal("cannot encode a CA certificate", e);
        }
    }

    /** The serial as upper-case hex, as the audit trail and openssl show it. */
    static String hex(X509Certificate certificate) {
        return certificate.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
    }

    private AuditEvent event(String action, CaMaterial ca, Optional<String> detail) {
        return new AuditEvent(environment.clock().instant(), environment.actor(), action, Optional.of(hex(ca.certificate())),
                Optional.of(Certificates.subjectOf(ca.certificate()).oneline()), Optional.empty(), detail);
    }

    private S2mtlsException changedMeanwhile() {
        return S2mtlsException.badInput(environment.store().describe() + ": another command changed the store's CAs while this one ran;"
                + " nothing was changed, run it again");
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

    /** Refuses to replace an existing CA unless {@code replace}; returns the index read, which the store step expects. */
    private StoreIndex refuseExisting(boolean replace) {
        StoreIndex index = environment.store().index();
        index.authorities().ifPresent(existing -> {
            if (!replace) {
                throw S2mtlsException.badInput(environment.store().describe() + ": already holds a CA ('"
                        + Certificates.subjectOf(existing.issuing().certificate()).oneline() + "'"
                        + (existing.phase() == RotationPhase.NONE ? "" : ", in a rotation " + existing.phase().label())
                        + "); pass --force to replace it (certificates it issued stop verifying against the new one)");
            }
        });
        return index;
    }

    /** Sets one CA (no root, no rotation), as {@link #store(AuthoritySet, StoreIndex, boolean, AuditEvent)}. */
    private CaMaterial store(CaMaterial material, StoreIndex seen, boolean replace, String action) {
        AuditEvent event = event(action, material, material.keyReference().map(reference -> "key at " + reference));
        return store(AuthoritySet.single(material), seen, replace, event).issuing();
    }

    /**
     * Sets every CA with one {@link StoreWrite.SetAuthority} that expects the CAs {@code seen} had (all of them: the
     * issuing CA, a rotation's other CA, the root key and the phase), or none. A CA that appeared meanwhile is refused
     * as an existing one; CAs changed by someone else meanwhile (a rotation's phase, a removed root) are refused even
     * with --force, since the operator never saw them.
     */
    private AuthoritySet store(AuthoritySet set, StoreIndex seen, boolean replace, AuditEvent event) {
        Optional<AuthorityState> seenState = seen.authorities().map(Authorities::state);
        return StoreCommits.commit(environment.store(), seen, index -> {
            Optional<AuthorityState> current = index.authorities().map(Authorities::state);
            if (current.isPresent() && !replace) {
                throw S2mtlsException.badInput(environment.store().describe() + ": already holds a CA; pass --force to replace it");
            }
            if (!current.equals(seenState)) {
                throw S2mtlsException.badInput(environment.store().describe() + ": another command replaced the store's CA while this one ran;"
                        + " nothing was changed, run it again");
            }
            return new StoreCommits.Prepared<>(StoreBatch.of(new StoreWrite.SetAuthority(set, current), event), set);
        }).result();
    }
}
