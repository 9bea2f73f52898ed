package io.s2mtls.core.usecase;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.port.RemoteSigner;
import io.s2mtls.core.x509.CertificateTemplate;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.KeyPairs;
import io.s2mtls.core.x509.SigningKey;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Making CA certificates and reaching CA keys, shared by creating a CA and by a rotation: a root signs itself, an
 * intermediate is signed by its root and never outlives it.
 */
final class AuthorityKeys {
    /** A root that signs intermediates allows one CA below it. */
    static final int ROOT_PATH_LENGTH = 1;
    /** An intermediate signs end-entity certificates only. */
    static final int INTERMEDIATE_PATH_LENGTH = 0;

    private AuthorityKeys() {
    }

    /** The key of a new CA: generated here (kept in the store), or held by a remote signer (only the reference is stored). */
    record NewKey(SigningKey signing, Optional<PrivateKey> privateKey, Optional<String> reference) {
        static NewKey of(Environment environment, Optional<KeySpec> spec, Optional<String> reference) {
            if (reference.isPresent()) {
                RemoteSigner signer = environment.remoteSigners().apply(reference.get());
                KeyPairs.requireStrong(signer.publicKey(), "--key " + reference.get());
                return new NewKey(SigningKey.remote(signer), Optional.empty(), reference);
            }
            KeyPair keys = KeyPairs.generate(spec.orElseThrow(), environment.random());
            return new NewKey(SigningKey.local(keys.getPrivate(), keys.getPublic()), Optional.of(keys.getPrivate()), Optional.empty());
        }

        PublicKey publicKey() {
            return signing.publicKey();
        }

        CaMaterial material(X509Certificate certificate, List<X509Certificate> chain) {
            CaMaterial material = privateKey.map(key -> CaMaterial.local(certificate, key))
                    .orElseGet(() -> CaMaterial.remote(certificate, reference.orElseThrow()));
            return material.withChain(chain);
        }
    }

    /** The signing key of a stored CA: its local key, or its remote signer. */
    static SigningKey signingKey(Environment environment, CaMaterial ca) {
        return ca.privateKey()
                .map(key -> SigningKey.local(key, ca.certificate().getPublicKey()))
                .orElseGet(() -> SigningKey.remote(environment.remoteSigners().apply(ca.keyReference().orElseThrow())));
    }

    /** A self-signed root valid for {@code days}; {@code pathLength} empty: no limit on the CAs below it. */
    static X509Certificate selfSigned(Environment environment, DistinguishedName subject, int days, SigningKey key,
                                      Optional<Integer> pathLength) {
        Instant now = environment.clock().instant();
        Instant notAfter = now.plus(Duration.ofDays(days)).truncatedTo(ChronoUnit.SECONDS);
        CertificateTemplate template = new CertificateTemplate(subject, key.publicKey(), CertificateProfile.CA,
                Certificates.randomSerial(environment.random()), Validity.notBefore(now), notAfter, List.of());
        return pathLength.map(length -> Certificates.selfSignedCa(template, key, length))
                .orElseGet(() -> Certificates.selfSignedCa(template, key));
    }

    /** An intermediate CA for {@code publicKey}, signed by {@code root}, valid for {@code days} but never beyond the root. */
    static X509Certificate intermediate(Environment environment, DistinguishedName subject, PublicKey publicKey, int days,
                                        X509Certificate root, SigningKey rootKey) {
        Instant now = environment.clock().instant();
        Validity.requireCurrent(root, now, "the root CA");
        CertificateTemplate template = new CertificateTemplate(subject, publicKey, CertificateProfile.CA,
                Certificates.randomSerial(environment.random()), Validity.notBefore(now),
                Validity.notAfter(now, days, root), List.of());
        return Certificates.issueCa(template, root, rootKey, INTERMEDIATE_PATH_LENGTH);
    }

    /** The key type of {@code key}, so a next CA can have the same; a bad-input error naming {@code --key} when s2mtls does not generate that type. */
    static KeySpec keySpecOf(PublicKey key, String what) {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            for (KeySpec spec : List.of(KeySpec.RSA_2048, KeySpec.RSA_3072, KeySpec.RSA_4096)) {
                if (spec.bits() == bits) {
                    return spec;
                }
            }
        } else if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            if (bits == 256) {
                return KeySpec.EC_P256;
            }
            if (bits == 384) {
                return KeySpec.EC_P384;
            }
        } else if ("Ed25519".equalsIgnoreCase(key.getAlgorithm()) || "EdDSA".equalsIgnoreCase(key.getAlgorithm())) {
            return KeySpec.ED25519;
        }
        throw S2mtlsException.badInput(what + " has a " + KeyPairs.describe(key) + " key, which s2mtls does not generate;"
                + " give the next CA's key type with --key (e.g. rsa:4096 or ec:p256)");
    }

    /** The validity of {@code certificate} in whole days (rounded), for a successor that lives as long. */
    static int lifetimeDays(X509Certificate certificate) {
        Duration lifetime = Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
        long days = (lifetime.toSeconds() + Duration.ofDays(1).toSeconds() / 2) / Duration.ofDays(1).toSeconds();
        return (int) Math.max(1, Math.min(days, Validity.MAX_DAYS));
    }
}
