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

    /** Creates a CA with a new local key and stores it. Refuses to replace an existing CA unless {@code replace}. */
    public CaMaterial create(DistinguishedName subject, KeySpec key, int days, boolean replace) {
        Validity.checkDays(days);
        SubjectPolicy.requireSafe(subject, false, "--subject");
        StoreIndex seen = refuseExisting(replace);
        KeyPair keys = KeyPairs.generate(key, environment.random());
        X509Certificate certificate = selfSign(subject, days, SigningKey.local(keys.getPrivate(), keys.getPublic()));
        return store(CaMaterial.local(certificate, keys.getPrivate()), seen, replace, "ca.create");
    }

    /**
     * Creates a CA whose key is held by a remote signer (e.g. {@code vault-transit:ca}); only the
     * certificate and the reference are stored.
     */
    public CaMaterial createRemote(DistinguishedName subject, String keyReference, int days, boolean replace) {
        Validity.checkDays(days);
        SubjectPolicy.requireSafe(subject, false, "--subject");
        StoreIndex seen = refuseExisting(replace);
        RemoteSigner signer = environment.remoteSigners().apply(keyReference);
        KeyPairs.requireStrong(signer.publicKey(), "--key " + keyReference);
        X509Certificate certificate = selfSign(subject, days, SigningKey.remote(signer));
        return store(CaMaterial.remote(certificate, keyReference), seen, replace, "ca.create");
    }

    /** The certificates above an intermediate CA (PEM, any order, up to and including the root), and where they came from. */
    public record ChainFile(byte[] data, String source) {
        public ChainFile {
            data = data.clone();
        }
    }

    /** Imports a CA from PEM files: the certificate, and its key (PKCS#1, SEC1, PKCS#8 or encrypted PKCS#8). */
    public CaMaterial importPem(byte[] certificatePem, String certificateSource, byte[] keyPem, String keySource,
                                Optional<char[]> keyPassword, boolean replace) {
        return importPem(certificatePem, certificateSource, keyPem, keySource, keyPassword, Optional.empty(), replace);
    }

    /** As {@link #importPem(byte[], String, byte[], String, Optional, boolean)}, with the chain of an intermediate CA. */
    public CaMaterial importPem(byte[] certificatePem, String certificateSource, byte[] keyPem, String keySource,
                                Optional<char[]> keyPassword, Optional<ChainFile> chain, boolean replace) {
        X509Certificate certificate = Pem.readCertificates(certificatePem, certificateSource).get(0);
        PrivateKey key = Pem.readPrivateKey(keyPem, keySource, keyPassword);
        return importChecked(certificate, certificateSource, key, keySource, chainCandidates(List.of(), chain), chainSource(chain), replace);
    }

    /** Imports a CA from a PKCS#12 file holding exactly one key and its certificate. */
    public CaMaterial importPkcs12(byte[] pkcs12, String source, char[] password, boolean replace) {
        return importPkcs12(pkcs12, source, password, Optional.empty(), replace);
    }

    /** As {@link #importPkcs12(byte[], String, char[], boolean)}; the chain may be in the file, in {@code chain}, or both. */
    public CaMaterial importPkcs12(byte[] pkcs12, String source, char[] password, Optional<ChainFile> chain, boolean replace) {
        Pkcs12Files.KeyAndChain entry = Pkcs12Files.read(pkcs12, password, source);
        List<X509Certificate> inFile = entry.chain().subList(1, entry.chain().size());
        return importChecked(entry.chain().get(0), source, entry.privateKey(), source, chainCandidates(inFile, chain),
                chain.map(ChainFile::source).map(file -> file + " (with the chain in " + source + ")").orElse(source), replace);
    }

    /** Imports the certificate of a CA whose key stays with a remote signer; checks that they match. */
    public CaMaterial importRemote(byte[] certificatePem, String certificateSource, String keyReference, boolean replace) {
        return importRemote(certificatePem, certificateSource, keyReference, Optional.empty(), replace);
    }

    /** As {@link #importRemote(byte[], String, String, boolean)}, with the chain of an intermediate CA. */
    public CaMaterial importRemote(byte[] certificatePem, String certificateSource, String keyReference,
                                   Optional<ChainFile> chain, boolean replace) {
        X509Certificate certificate = Pem.readCertificates(certificatePem, certificateSource).get(0);
        List<X509Certificate> above = checkCaCertificate(certificate, certificateSource, chainCandidates(List.of(), chain), chainSource(chain));
        RemoteSigner signer = environment.remoteSigners().apply(keyReference);
        if (!Certificates.sameKey(signer.publicKey(), certificate.getPublicKey())) {
            throw S2mtlsException.badInput(certificateSource + ": the certificate's public key is not the key of "
                    + keyReference + "; import the certificate that belongs to that key");
        }
        StoreIndex seen = refuseExisting(replace);
        return store(CaMaterial.remote(certificate, keyReference).withChain(above), seen, replace, "ca.import");
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
