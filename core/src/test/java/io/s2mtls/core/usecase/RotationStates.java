package io.s2mtls.core.usecase;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.x509.CertificateTemplate;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.KeyPairs;
import io.s2mtls.core.x509.SigningKey;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * CAs and rotation states set up directly in a store (one {@link StoreWrite.SetAuthority}), so the tests of what
 * issuance, renewal, verification and plan do in each phase do not depend on the rotation use case.
 */
public final class RotationStates {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RotationStates() {
    }

    /** A self-signed root CA with a local EC P-256 key, valid from an hour before {@code now} for ten years. */
    public static CaMaterial root(String subject, Instant now) {
        KeyPair keys = KeyPairs.generate(KeySpec.EC_P256, RANDOM);
        CertificateTemplate template = new CertificateTemplate(DistinguishedName.parse(subject), keys.getPublic(), CertificateProfile.CA,
                Certificates.randomSerial(RANDOM), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(3650)), List.of());
        X509Certificate certificate = Certificates.selfSignedCa(template, SigningKey.local(keys.getPrivate(), keys.getPublic()));
        return CaMaterial.local(certificate, keys.getPrivate());
    }

    /** An intermediate CA signed by {@code root}, with a local EC P-256 key and the root as its chain. */
    public static CaMaterial intermediate(CaMaterial root, String subject, Instant now) {
        KeyPair keys = KeyPairs.generate(KeySpec.EC_P256, RANDOM);
        CertificateTemplate template = new CertificateTemplate(DistinguishedName.parse(subject), keys.getPublic(), CertificateProfile.CA,
                Certificates.randomSerial(RANDOM), now.minus(Duration.ofMinutes(30)), now.plus(Duration.ofDays(1825)), List.of());
        X509Certificate certificate = Certificates.issue(template, root.certificate(),
                SigningKey.local(root.privateKey().orElseThrow(), root.certificate().getPublicKey()));
        return CaMaterial.local(certificate, keys.getPrivate()).withChain(root.bundle());
    }

    /** A fresh in-memory store whose one CA, {@code oldCa}, issues, and the root {@code nextCa} a rotation can bring in. */
    public record BeforeRotation(InMemoryCredentialStore store, CaMaterial oldCa, CaMaterial nextCa) {
        /** Old CA "/O=rotation/CN=Old CA" in the store, next CA "/O=rotation/CN=Next CA" outside it, both valid at {@code now}. */
        public static BeforeRotation at(Instant now) {
            InMemoryCredentialStore store = new InMemoryCredentialStore(UUID.randomUUID().toString());
            CaMaterial oldCa = root("/O=rotation/CN=Old CA", now);
            set(store, AuthoritySet.single(oldCa));
            return new BeforeRotation(store, oldCa, root("/O=rotation/CN=Next CA", now));
        }
    }

    /** Replaces every CA of {@code store} with {@code set}, expecting what the store holds now. */
    public static void set(CredentialStore store, AuthoritySet set) {
        store.commit(StoreBatch.of(List.of(new StoreWrite.SetAuthority(set, store.index().authorities().map(Authorities::state))), List.of()));
    }

    /** Phase begun: {@code old} still issues, {@code next} is trusted too. */
    public static void begun(CredentialStore store, CaMaterial old, CaMaterial next) {
        set(store, new AuthoritySet(old, Optional.of(next), Optional.empty(), RotationPhase.BEGUN));
    }

    /** Phase switched: {@code next} issues, {@code old} is still trusted. */
    public static void switched(CredentialStore store, CaMaterial old, CaMaterial next) {
        set(store, new AuthoritySet(next, Optional.of(old), Optional.empty(), RotationPhase.SWITCHED));
    }

    /** Rotation finished: {@code next} alone. */
    public static void finished(CredentialStore store, CaMaterial next) {
        set(store, AuthoritySet.single(next));
    }
}
