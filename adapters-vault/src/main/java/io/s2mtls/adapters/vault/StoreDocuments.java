package io.s2mtls.adapters.vault;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.s2mtls.adapters.records.AuditRecord;
import io.s2mtls.adapters.records.CredentialRecord;
import io.s2mtls.adapters.records.EntryRecord;
import io.s2mtls.adapters.records.ManagedUserRecord;
import io.s2mtls.adapters.records.StoreJson;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.x509.Pem;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JSON documents of the granular Vault store, one per KV v2 secret (the {@code data} map of each), bound with
 * the shared persisted records of {@code io.s2mtls.adapters.records}. See {@link VaultCredentialStore} for where
 * each one lives.
 */
final class StoreDocuments {
    /** The format of the granular layout, in the marker secret at the store's own path. */
    static final String FORMAT = "s2mtls-store/2";
    /** The format of a store kept whole in one secret (s2mtls before the granular layout). */
    static final String LEGACY_FORMAT = "s2mtls-store/1";

    private StoreDocuments() {
    }

    /** At the store's path: which layout, and the directory (generation) under it that holds the store. */
    record Marker(String format, String generation, int nameShards, int entryShards, int userShards) {
    }

    /**
     * {@code GEN/ca}: every CA the store holds, in one secret so that a rotation's phase change is one check-and-set
     * write. The issuing CA's fields are at the top level ({@code certificate}, {@code privateKey} (PKCS#8 PEM) or
     * {@code keyReference}, {@code chain}), as in a store without a rotation; {@code phase} ({@code begun} or
     * {@code switched}; absent means none), {@code other} (the rotation's other CA) and {@code root} (a root whose key
     * or key reference the store holds) are written only when there is something to say, so a one-CA document is
     * what earlier versions wrote, and an earlier version refuses (unknown field) a document it would truncate.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CaDocument(String certificate, String privateKey, String keyReference, List<String> chain, String phase, CaPart other,
                      CaPart root) {
        /** One CA, nothing else. */
        CaDocument(String certificate, String privateKey, String keyReference, List<String> chain) {
            this(certificate, privateKey, keyReference, chain, null, null, null);
        }

        static CaDocument of(CaMaterial ca) {
            return of(AuthoritySet.single(ca));
        }

        static CaDocument of(AuthoritySet set) {
            CaPart issuing = CaPart.of(set.issuing());
            return new CaDocument(issuing.certificate(), issuing.privateKey(), issuing.keyReference(),
                    issuing.chain() == null ? List.of() : issuing.chain(),
                    set.phase() == RotationPhase.NONE ? null : set.phase().label(),
                    set.other().map(CaPart::of).orElse(null), set.root().map(CaPart::of).orElse(null));
        }

        private CaPart issuing() {
            return new CaPart(certificate, privateKey, keyReference, chain);
        }

        private RotationPhase rotationPhase() {
            return phase == null ? RotationPhase.NONE : RotationPhase.ofLabel(phase);
        }

        /** Every CA's certificates: no key is parsed. */
        Authorities authorities(String source) {
            CaCertificates issuing = issuing().certificates(source);
            Optional<CaCertificates> rootCertificates = Optional.ofNullable(root).map(r -> r.certificates(source + " root"));
            rootCertificates.ifPresent(r -> requireTopOfChain(issuing, r.certificate()));
            return new Authorities(issuing, Optional.ofNullable(other).map(o -> o.certificates(source + " other CA")), rootCertificates,
                    rotationPhase());
        }

        /** The issuing CA with its key (or reference); no other key is parsed. */
        CaMaterial material(String source) {
            return issuing().material(source);
        }

        /** Every CA with its key (or reference). */
        AuthoritySet authoritySet(String source) {
            return new AuthoritySet(material(source), Optional.ofNullable(other).map(o -> o.material(source + " other CA")),
                    Optional.ofNullable(root).map(r -> r.material(source + " root")), rotationPhase());
        }

        private static void requireTopOfChain(CaCertificates issuing, X509Certificate root) {
            if (issuing.chain().isEmpty() || !issuing.chain().get(issuing.chain().size() - 1).equals(root)) {
                throw new IllegalArgumentException("the root is not the top of the issuing CA's chain");
            }
        }
    }

    /** One CA in a {@link CaDocument}: its certificate, its key (PKCS#8 PEM) or the reference to a remote key, and its chain. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CaPart(String certificate, String privateKey, String keyReference, List<String> chain) {
        static CaPart of(CaMaterial ca) {
            List<String> chain = new ArrayList<>();
            ca.chain().forEach(c -> chain.add(Pem.certificate(c)));
            return new CaPart(Pem.certificate(ca.certificate()), ca.privateKey().map(Pem::privateKey).orElse(null),
                    ca.keyReference().orElse(null), chain.isEmpty() ? null : chain);
        }

        /** The certificates only: no key is parsed. */
        CaCertificates certificates(String source) {
            return new CaCertificates(parseCertificate(certificate, source), chain(source), Optional.ofNullable(keyReference));
        }

        CaMaterial material(String source) {
            X509Certificate cert = parseCertificate(certificate, source);
            if (privateKey != null && keyReference != null) {
                throw new IllegalArgumentException("fields 'privateKey' and 'keyReference' are both present");
            }
            CaMaterial material;
            if (privateKey != null) {
                material = CaMaterial.local(cert, Pem.readPrivateKey(bytes(privateKey), source, Optional.empty()));
            } else if (keyReference != null) {
                material = CaMaterial.remote(cert, keyReference);
            } else {
                throw new IllegalArgumentException("field 'privateKey' or 'keyReference' is missing");
            }
            return material.withChain(chain(source));
        }

        private List<X509Certificate> chain(String source) {
            List<X509Certificate> certificates = new ArrayList<>();
            if (chain != null) {
                chain.forEach(pem -> certificates.add(parseCertificate(pem, source)));
            }
            return certificates;
        }
    }

    /** {@code GEN/credentials/NAME}: one credential's certificate and key (PKCS#8 PEM); no key for a certificate kept alone. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CredentialDocument(String name, String certificate, String privateKey) {
        static CredentialDocument of(Credential credential) {
            return new CredentialDocument(credential.name(), Pem.certificate(credential.certificate()),
                    credential.privateKey().map(Pem::privateKey).orElse(null));
        }

        Credential credential(String source) {
            if (name == null || certificate == null) {
                throw new IllegalArgumentException("field '" + (name == null ? "name" : "certificate") + "' is missing");
            }
            return new Credential(name, parseCertificate(certificate, source),
                    privateKey == null ? Optional.empty() : Optional.of(Pem.readPrivateKey(bytes(privateKey), source, Optional.empty())));
        }
    }

    /** {@code GEN/names/HH}: the references of the credentials whose name hashes to shard HH. */
    record NameShard(List<ShardCredential> credentials) {
        NameShard {
            credentials = credentials == null ? List.of() : credentials;
        }
    }

    /** A named credential and the version of its {@code credentials/NAME} secret that holds its certificate and key. */
    record ShardCredential(CredentialRecord credential, long version) {
    }

    /** {@code GEN/entries/HH}: the inventory entries whose serial hashes to shard HH. */
    record EntryShard(List<ShardEntry> entries) {
        EntryShard {
            entries = entries == null ? List.of() : entries;
        }
    }

    /** An inventory entry with its place in the store-wide order of recording. */
    record ShardEntry(long order, EntryRecord entry) {
    }

    /** {@code GEN/users/HH}: the managed database users whose key hashes to shard HH. */
    record UserShard(List<ManagedUserRecord> users) {
        UserShard {
            users = users == null ? List.of() : users;
        }
    }

    /** {@code GEN/audit/N}: a chunk of the audit trail, oldest first. */
    record AuditChunk(List<AuditRecord> events) {
        AuditChunk {
            events = events == null ? List.of() : events;
        }
    }

    /** {@code GEN/audit/head}: the number of the chunk being appended to (a lower bound: later chunks may exist). */
    record AuditHead(long chunk) {
    }

    /** {@code data} bound to {@code type}; an {@link IllegalArgumentException} says what is wrong. */
    static <T> T read(JsonNode data, Class<T> type) {
        try {
            return StoreJson.mapper().treeToValue(data, type);
        } catch (JsonProcessingException | RuntimeException e) {
            String message = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + " document: " + message, e);
        }
    }

    static JsonNode tree(Object document) {
        return StoreJson.mapper().valueToTree(document);
    }

    private static X509Certificate parseCertificate(String pem, String source) {
        if (pem == null) {
            throw new IllegalArgumentException("field 'certificate' is missing");
        }
        return Pem.readCertificate(bytes(pem), source);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
