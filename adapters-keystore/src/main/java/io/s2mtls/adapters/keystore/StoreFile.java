package io.s2mtls.adapters.keystore;

import io.s2mtls.adapters.records.CredentialRecord;
import io.s2mtls.adapters.records.EntryRecord;
import io.s2mtls.adapters.records.ManagedUserRecord;
import io.s2mtls.adapters.records.StoreJson;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.CredentialName;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoredCredential;
import io.s2mtls.core.x509.Pkcs12Builder;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One version-2 store file, opened: its index document and its content infos, each kept as the bytes it
 * was stored as, so that a write copies what it does not change without decrypting it.
 *
 * <h2>On-disk format (versions 2 and 3)</h2>
 * A version-3 PFX (RFC 7292) whose authenticated safe is a sequence of {@code encryptedData} content infos,
 * each a SafeContents encrypted on its own:
 * <ol>
 *   <li>the index: one {@code secretBag} of type {@code id-data} named {@value #INDEX_NAME} whose value
 *       is the UTF-8 JSON {@link IndexDocument} (credential names and serials, the inventory, the managed
 *       users, the issuing CA's key reference and the audit key; no private key);</li>
 *   <li>version 3 only: the authorities item, one {@code secretBag} named {@value #AUTHORITIES_NAME} holding the
 *       JSON {@link AuthoritiesDocument} (the rotation phase, and whether there is an other CA and a root, with
 *       their key references);</li>
 *   <li>when there is a CA: the issuing CA's {@code certBag} named {@value Pkcs12Format#CA_NAME}, its
 *       {@code pkcs8ShroudedKeyBag} (when the key is local) and one {@code certBag} named
 *       {@value Pkcs12Format#CA_CHAIN_NAME} per certificate above it, issuer first;</li>
 *   <li>version 3, during a rotation: the other CA's item, the same bags named {@value Pkcs12Format#OTHER_CA_NAME}
 *       and {@value Pkcs12Format#OTHER_CA_NAME} {@code chain};</li>
 *   <li>version 3, when the store holds the root: its item, bags named {@value Pkcs12Format#ROOT_CA_NAME};</li>
 *   <li>one per credential, in the order of the index's {@code credentials} list: its {@code certBag}
 *       and, when s2mtls keeps its key, its {@code pkcs8ShroudedKeyBag}, both named after the credential
 *       and sharing the {@code localKeyId} {@code "s2mtls:" + name}.</li>
 * </ol>
 * Version 2 is written while the store holds one CA at most, version 3 when it holds more. The index document
 * keeps the fields of version 2 in version 3, so that an s2mtls that reads versions 1 and 2 only parses it, reaches
 * its version check and refuses the file as "of format version 3 ... use a newer s2mtls" instead of misreading it
 * (its JSON binding refuses unknown fields, so new fields there would fail before that check).
 *
 * Every item (each content info and, inside it, each private key) is encrypted with PBES2:
 * PBKDF2-HMAC-SHA256 ({@value Pkcs12Builder#PBKDF2_ITERATIONS} iterations) and AES-256-CBC with a fresh
 * random IV. All items of one file share one 16-byte PBKDF2 salt, so one derivation serves the whole file;
 * a fresh salt is drawn when the file is created and when its password changes. The PFX MAC is
 * HMAC-SHA256 keyed by the PKCS #12 KDF with SHA-256 ({@value Pkcs12Builder#MAC_ITERATIONS} iterations);
 * its salt too is kept from write to write. Reading the index decrypts the index item, the authorities item and
 * the CAs' items for their certificates, never a private key; reading the issuing CA decrypts its item and key
 * only; reading a credential decrypts its item and its key only; a write re-encrypts only the index and the items
 * it changes, and copies the authorities and CA items as stored when it does not set the CAs. OpenSSL 3 ({@code openssl pkcs12}) and the JDK's
 * {@code KeyStore.getInstance("PKCS12")} read these files.
 */
final class StoreFile {
    static final String INDEX_NAME = "s2mtls index";
    static final String AUTHORITIES_NAME = "s2mtls authorities";
    static final String FORMAT = "s2mtls-store";
    /** The newest version: written when the store holds more than one CA (a rotation, a root key). */
    static final int VERSION = 3;
    /** Written while the store holds one CA only, so that an s2mtls that reads version 2 still reads the file. */
    static final int SINGLE_CA_VERSION = 2;

    /** What the index keeps of the CA: its key reference when the key is held elsewhere. */
    record AuthorityRecord(String keyReference) {
    }

    /**
     * The authorities item's JSON document (version 3): the rotation phase ({@link RotationPhase#label()}) and, for
     * the rotation's other CA and the root whose key the store holds, whether there is one (null when not) and its key
     * reference. The issuing CA's key reference stays in the index's {@code authority}.
     */
    record AuthoritiesDocument(String phase, AuthorityRecord other, AuthorityRecord root) {
    }

    /**
     * The index item's JSON document. {@code auditKey} (hex) keys the HMAC of every line of the audit
     * sidecar; it is random, kept only inside the encrypted index, and survives password changes.
     */
    record IndexDocument(String format, int version, AuthorityRecord authority, String auditKey,
                         List<CredentialRecord> credentials, List<EntryRecord> inventory, List<ManagedUserRecord> managedUsers) {
    }

    final byte[] salt;
    final byte[] macSalt;
    final int macIterations;
    final IndexDocument document;
    /** Version 3 only: the authorities item's document. */
    final Optional<AuthoritiesDocument> authorities;
    /**
     * The content infos as stored: the index, then (version 3) the authorities item, then the CAs' items (the
     * issuing CA, the rotation's other CA, the root, each when there is one), then one per credential.
     */
    final List<byte[]> contentInfos;
    private final Map<String, Integer> positions = new HashMap<>();

    private StoreFile(byte[] salt, byte[] macSalt, int macIterations, IndexDocument document,
                      Optional<AuthoritiesDocument> authorities, List<byte[]> contentInfos)
            throws Pkcs12Format.UnreadableException {
        this.salt = salt;
        this.macSalt = macSalt;
        this.macIterations = macIterations;
        this.document = document;
        this.authorities = authorities;
        this.contentInfos = contentInfos;
        int first = firstCredentialPosition();
        for (int i = 0; i < document.credentials().size(); i++) {
            if (positions.put(document.credentials().get(i).name(), first + i) != null) {
                throw new Pkcs12Format.UnreadableException("its index lists the credential '"
                        + document.credentials().get(i).name() + "' twice");
            }
        }
        if (contentInfos.size() != first + document.credentials().size()) {
            throw new Pkcs12Format.UnreadableException("it holds " + contentInfos.size() + " items where its index describes "
                    + (first + document.credentials().size()));
        }
    }

    /** The position of the issuing CA's item (when there is a CA). */
    private int issuingPosition() {
        return authorities.isPresent() ? 2 : 1;
    }

    private boolean hasOther() {
        return authorities.map(a -> a.other() != null).orElse(false);
    }

    private boolean hasRoot() {
        return authorities.map(a -> a.root() != null).orElse(false);
    }

    private int otherPosition() {
        return issuingPosition() + 1;
    }

    private int rootPosition() {
        return issuingPosition() + (hasOther() ? 2 : 1);
    }

    private int firstCredentialPosition() {
        if (document.authority() == null) {
            return 1;
        }
        return issuingPosition() + 1 + (hasOther() ? 1 : 0) + (hasRoot() ? 1 : 0);
    }

    /** Whether an opened file is of version 1 (its first content info is plain data). */
    static boolean isVersion1(byte[] authenticatedSafe) throws Pkcs12Format.UnreadableException {
        try {
            List<byte[]> infos = Pkcs12Builder.elements(authenticatedSafe);
            if (infos.isEmpty()) {
                throw new Pkcs12Format.UnreadableException("its authenticated safe is empty");
            }
            return PKCSObjectIdentifiers.data.equals(ContentInfo.getInstance(ASN1Primitive.fromByteArray(infos.get(0))).getContentType());
        } catch (java.io.IOException | RuntimeException e) {
            throw new Pkcs12Format.UnreadableException("its authenticated safe is malformed: " + Pkcs12Format.reason(e));
        }
    }

    /** Reads a version-2 file whose MAC was verified: decrypts the index item only. */
    static StoreFile read(Pkcs12Format.Opened opened, PasswordKeys keys)
            throws Pkcs12Format.UnreadableException, Pkcs12Format.WrongPasswordException {
        List<byte[]> infos;
        EncryptedData index;
        try {
            infos = Pkcs12Builder.elements(opened.authenticatedSafe());
            ContentInfo first = ContentInfo.getInstance(ASN1Primitive.fromByteArray(infos.get(0)));
            if (!PKCSObjectIdentifiers.encryptedData.equals(first.getContentType())) {
                throw new Pkcs12Format.UnreadableException("its first item is not encrypted, so it is not an s2mtls store");
            }
            index = EncryptedData.getInstance(first.getContent());
        } catch (java.io.IOException | RuntimeException e) {
            throw new Pkcs12Format.UnreadableException("its authenticated safe is malformed: " + Pkcs12Format.reason(e));
        }
        byte[] salt;
        try {
            PBKDF2Params kdf = PBKDF2Params.getInstance(PBES2Parameters.getInstance(index.getEncryptionAlgorithm().getParameters())
                    .getKeyDerivationFunc().getParameters());
            salt = kdf.getSalt();
        } catch (RuntimeException e) {
            throw new Pkcs12Format.UnreadableException("its index is not encrypted with PBES2 and PBKDF2: " + Pkcs12Format.reason(e));
        }
        Bags bags = bags(infos.get(0), keys, false);
        if (bags.secrets().size() != 1 || !bags.certificates().isEmpty() || !bags.keys().isEmpty()) {
            throw new Pkcs12Format.UnreadableException("its first item is not an s2mtls index");
        }
        IndexDocument document;
        try {
            document = StoreJson.read(bags.secrets().get(0), IndexDocument.class);
        } catch (IllegalArgumentException e) {
            throw new Pkcs12Format.UnreadableException("its index is not valid JSON: " + StoreMetadata.firstLine(e.getMessage()));
        }
        if (document == null || !FORMAT.equals(document.format())) {
            throw new Pkcs12Format.UnreadableException("its index is not an " + FORMAT + " document");
        }
        if (document.version() != SINGLE_CA_VERSION && document.version() != VERSION) {
            throw new Pkcs12Format.UnreadableException("it has format version " + document.version() + " and this s2mtls reads versions 1 to "
                    + VERSION + "; use a newer s2mtls");
        }
        if (document.credentials() == null || document.inventory() == null || document.managedUsers() == null || document.auditKey() == null) {
            throw new Pkcs12Format.UnreadableException("its index lacks a required list or its audit key");
        }
        Optional<AuthoritiesDocument> authorities = Optional.empty();
        if (document.version() == VERSION) {
            if (document.authority() == null || infos.size() < 3) {
                throw new Pkcs12Format.UnreadableException("it has format version " + VERSION + " but no CA");
            }
            authorities = Optional.of(authoritiesDocument(infos.get(1), keys));
        }
        return new StoreFile(salt, opened.macSalt(), opened.macIterations(), document, authorities, infos);
    }

    /** Decrypts and checks the authorities item (it holds no key). */
    private static AuthoritiesDocument authoritiesDocument(byte[] item, PasswordKeys keys)
            throws Pkcs12Format.UnreadableException, Pkcs12Format.WrongPasswordException {
        Bags bags = bags(item, keys, false);
        if (bags.secrets().size() != 1 || !bags.certificates().isEmpty() || !bags.keys().isEmpty()) {
            throw new Pkcs12Format.UnreadableException("its second item is not the s2mtls authorities item");
        }
        AuthoritiesDocument document;
        try {
            document = StoreJson.read(bags.secrets().get(0), AuthoritiesDocument.class);
        } catch (IllegalArgumentException e) {
            throw new Pkcs12Format.UnreadableException("its authorities item is not valid JSON: " + StoreMetadata.firstLine(e.getMessage()));
        }
        RotationPhase phase;
        try {
            phase = RotationPhase.ofLabel(document == null ? null : document.phase());
        } catch (IllegalArgumentException e) {
            throw new Pkcs12Format.UnreadableException("its authorities item names no known rotation phase: " + e.getMessage());
        }
        if ((document.other() != null) != (phase != RotationPhase.NONE)) {
            throw new Pkcs12Format.UnreadableException("its rotation phase is " + phase.label() + " but it "
                    + (document.other() != null ? "holds a second CA" : "holds no second CA"));
        }
        return document;
    }

    byte[] auditKey() throws Pkcs12Format.UnreadableException {
        try {
            return HexFormat.of().parseHex(document.auditKey());
        } catch (IllegalArgumentException e) {
            throw new Pkcs12Format.UnreadableException("its audit key is not hexadecimal");
        }
    }

    private StoreIndex index;

    /** The index, decrypting the CA's item for its certificates but no private key; built once per opened file. */
    synchronized StoreIndex index(PasswordKeys keys) throws Pkcs12Format.UnreadableException, Pkcs12Format.WrongPasswordException {
        if (index == null) {
            index = buildIndex(keys);
        }
        return index;
    }

    private StoreIndex buildIndex(PasswordKeys keys) throws Pkcs12Format.UnreadableException, Pkcs12Format.WrongPasswordException {
        Optional<Authorities> authority = Optional.empty();
        if (document.authority() != null) {
            CaCertificates issuing = authorityParts(Part.ISSUING, keys, false).certificates();
            Optional<CaCertificates> other = hasOther()
                    ? Optional.of(authorityParts(Part.OTHER, keys, false).certificates()) : Optional.empty();
            Optional<CaCertificates> root = hasRoot()
                    ? Optional.of(authorityParts(Part.ROOT, keys, false).certificates()) : Optional.empty();
            try {
                authority = Optional.of(new Authorities(issuing, other, root, phase()));
            } catch (IllegalArgumentException e) {
                throw new Pkcs12Format.UnreadableException("its CAs do not fit together: " + e.getMessage());
            }
        }
        try {
            Map<String, StoredCredential> credentials = new LinkedHashMap<>();
            for (CredentialRecord record : document.credentials()) {
                StoredCredential credential = record.toCredential();
                credentials.put(credential.name(), credential);
            }
            Map<BigInteger, InventoryEntry> entries = new LinkedHashMap<>();
            for (EntryRecord record : document.inventory()) {
                InventoryEntry entry = record.toEntry();
                entries.put(entry.serial(), entry);
            }
            Map<String, ManagedUser> users = new LinkedHashMap<>();
            for (ManagedUserRecord record : document.managedUsers()) {
                ManagedUser user = record.toUser();
                users.put(user.key(), user);
            }
            return new StoreIndex(authority, credentials, entries, users);
        } catch (RuntimeException e) {
            throw new Pkcs12Format.UnreadableException("its index has an unreadable record: " + Pkcs12Format.reason(e));
        }
    }

    /** The issuing CA with its key: decrypts its item and no other key. */
    Optional<CaMaterial> authority(PasswordKeys keys) throws Pkcs12Format.UnreadableException, Pkcs12Format.WrongPasswordException {
        if (document.authority() == null) {
            return Optional.empty();
        }
        return Optional.of(authorityParts(Part.ISSUING, keys, true).material());
    }

    /** Every CA with its key: decrypts the items and keys of the issuing CA, the other CA and the root. */
    Optional<AuthoritySet> authorities(PasswordKeys keys) throws Pkcs12Format.UnreadableException, Pkcs12Format.WrongPasswordException {
        if (document.authority() == null) {
            return Optional.empty();
        }
        CaMaterial issuing = authorityParts(Part.ISSUING, keys, true).material();
        Optional<CaMaterial> other = hasOther() ? Optional.of(authorityParts(Part.OTHER, keys, true).material()) : Optional.empty();
        Optional<CaMaterial> root = hasRoot() ? Optional.of(authorityParts(Part.ROOT, keys, true).material()) : Optional.empty();
        try {
            return Optional.of(new AuthoritySet(issuing, other, root, phase()));
        } catch (IllegalArgumentException e) {
            throw new Pkcs12Format.UnreadableException("its CAs do not fit together: " + e.getMessage());
        }
    }

    private RotationPhase phase() {
        return authorities.map(a -> RotationPhase.ofLabel(a.phase())).orElse(RotationPhase.NONE);
    }

    Optional<Credential> credential(String name, PasswordKeys keys) throws Pkcs12Format.UnreadableException, Pkcs12Format.WrongPasswordException {
        Integer position = positions.get(name);
        if (position == null) {
            return Optional.empty();
        }
        Bags bags = bags(contentInfos.get(position), keys, true);
        if (bags.certificates().size() != 1 || bags.keys().size() > 1 || !bags.secrets().isEmpty()
                || !bags.certificates().get(0).name().equals(name) || bags.keys().stream().anyMatch(k -> !k.name().equals(name))) {
            throw new Pkcs12Format.UnreadableException("the item of credential '" + name + "' does not hold its certificate and key");
        }
        return Optional.of(new Credential(name, bags.certificates().get(0).certificate(),
                bags.keys().stream().findFirst().map(Pkcs12Format.NamedKey::key)));
    }

    /** The stored bytes of the credential {@code name}'s item. */
    Optional<byte[]> credentialItem(String name) {
        Integer position = positions.get(name);
        return position == null ? Optional.empty() : Optional.of(contentInfos.get(position));
    }

    /**
     * The stored bytes of every item that holds CA material, in file order: the authorities item (version 3) and the
     * items of the issuing CA, the other CA and the root; a write that does not change the CAs copies them as they are.
     */
    List<byte[]> authorityItems() {
        return document.authority() == null ? List.of() : List.copyOf(contentInfos.subList(1, firstCredentialPosition()));
    }

    /** The CAs a store can hold, each in an item of its own, told apart by the friendlyName of its bags. */
    enum Part {
        ISSUING(Pkcs12Format.CA_NAME, "CA"),
        OTHER(Pkcs12Format.OTHER_CA_NAME, "rotation's other CA"),
        ROOT(Pkcs12Format.ROOT_CA_NAME, "root CA");

        final String bagName;
        final String chainName;
        final String description;

        Part(String bagName, String description) {
            this.bagName = bagName;
            this.chainName = bagName + " chain";
            this.description = description;
        }
    }

    private record AuthorityParts(X509Certificate certificate, List<X509Certificate> chain, Optional<PrivateKey> key,
                                  Optional<String> reference) {
        CaCertificates certificates() {
            return new CaCertificates(certificate, chain, reference);
        }

        CaMaterial material() {
            return new CaMaterial(certificate, key, reference, chain);
        }
    }

    private AuthorityParts authorityParts(Part part, PasswordKeys keys, boolean withKey)
            throws Pkcs12Format.UnreadableException, Pkcs12Format.WrongPasswordException {
        int position;
        AuthorityRecord record;
        switch (part) {
            case ISSUING -> {
                position = issuingPosition();
                record = document.authority();
            }
            case OTHER -> {
                position = otherPosition();
                record = authorities.orElseThrow().other();
            }
            default -> {
                position = rootPosition();
                record = authorities.orElseThrow().root();
            }
        }
        Bags bags = bags(contentInfos.get(position), keys, withKey);
        X509Certificate certificate = null;
        List<X509Certificate> chain = new ArrayList<>();
        for (Pkcs12Format.NamedCertificate named : bags.certificates()) {
            if (part.bagName.equals(named.name()) && certificate == null) {
                certificate = named.certificate();
            } else if (part.chainName.equals(named.name())) {
                chain.add(named.certificate());
            } else {
                throw new Pkcs12Format.UnreadableException("the " + part.description + "'s item holds a certificate named '" + named.name() + "'");
            }
        }
        if (certificate == null || bags.keys().size() > 1 || !bags.secrets().isEmpty()
                || bags.keys().stream().anyMatch(k -> !k.name().equals(part.bagName))) {
            throw new Pkcs12Format.UnreadableException("the " + part.description + "'s item does not hold one CA certificate and at most its key");
        }
        Optional<String> reference = Optional.ofNullable(record.keyReference());
        if (bags.keys().isEmpty() == reference.isEmpty()) {
            throw new Pkcs12Format.UnreadableException("its " + part.description + " has "
                    + (reference.isPresent() ? "both a private key and a key reference" : "neither a private key nor a key reference"));
        }
        Optional<PrivateKey> key = withKey ? bags.keys().stream().findFirst().map(Pkcs12Format.NamedKey::key) : Optional.empty();
        return new AuthorityParts(certificate, chain, key, reference);
    }

    // ---------------------------------------------------------------- writing

    /**
     * The index item for {@code index}, encrypted under {@code aesKey}: of version {@value #SINGLE_CA_VERSION} while
     * the store holds one CA at most, else of version {@value #VERSION}.
     */
    static byte[] indexItem(StoreIndex index, byte[] auditKey, byte[] aesKey, byte[] salt) {
        IndexDocument document = new IndexDocument(FORMAT, versionFor(index.authorities()),
                index.authority().map(ca -> new AuthorityRecord(ca.keyReference().orElse(null))).orElse(null),
                HexFormat.of().formatHex(auditKey),
                index.credentials().values().stream().map(CredentialRecord::of).toList(),
                index.inventory().stream().map(EntryRecord::of).toList(),
                index.managedUsers().values().stream().map(ManagedUserRecord::of).toList());
        byte[] json = StoreJson.write(document);
        return Pkcs12Builder.encryptedContentInfo(List.of(Pkcs12Builder.dataSecretBag(json, INDEX_NAME)), aesKey, salt);
    }

    private static int versionFor(Optional<Authorities> authorities) {
        return authorities.filter(a -> a.other().isPresent() || a.root().isPresent()).isPresent() ? VERSION : SINGLE_CA_VERSION;
    }

    /**
     * The items of {@code set}, in file order, encrypted under {@code aesKey}: for a set of more than one CA the
     * authorities item first, then one item per CA (issuing, other, root).
     */
    static List<byte[]> authorityItems(AuthoritySet set, byte[] aesKey, byte[] salt) {
        List<byte[]> items = new ArrayList<>(4);
        if (versionFor(Optional.of(set.certificates())) == VERSION) {
            AuthoritiesDocument document = new AuthoritiesDocument(set.phase().label(),
                    set.other().map(o -> new AuthorityRecord(o.keyReference().orElse(null))).orElse(null),
                    set.root().map(r -> new AuthorityRecord(r.keyReference().orElse(null))).orElse(null));
            items.add(Pkcs12Builder.encryptedContentInfo(List.of(Pkcs12Builder.dataSecretBag(StoreJson.write(document), AUTHORITIES_NAME)),
                    aesKey, salt));
        }
        items.add(authorityItem(set.issuing(), Part.ISSUING, aesKey, salt));
        set.other().ifPresent(other -> items.add(authorityItem(other, Part.OTHER, aesKey, salt)));
        set.root().ifPresent(root -> items.add(authorityItem(root, Part.ROOT, aesKey, salt)));
        return items;
    }

    private static byte[] authorityItem(CaMaterial ca, Part part, byte[] aesKey, byte[] salt) {
        List<byte[]> bags = new ArrayList<>();
        byte[] id = ca.privateKey().isPresent() ? localKeyId(part.bagName) : null;
        bags.add(Pkcs12Builder.certBag(encoded(ca.certificate(), part.bagName), part.bagName, id));
        ca.privateKey().ifPresent(key -> bags.add(keyBag(key, part.bagName, id, aesKey, salt)));
        for (X509Certificate above : ca.chain()) {
            bags.add(Pkcs12Builder.certBag(encoded(above, part.chainName), part.chainName, null));
        }
        return Pkcs12Builder.encryptedContentInfo(bags, aesKey, salt);
    }

    static byte[] credentialItem(Credential credential, byte[] aesKey, byte[] salt) {
        String name = credential.name();
        byte[] id = credential.privateKey().isPresent() ? localKeyId(name) : null;
        List<byte[]> bags = new ArrayList<>();
        bags.add(Pkcs12Builder.certBag(encoded(credential.certificate(), name), name, id));
        credential.privateKey().ifPresent(key -> bags.add(keyBag(key, name, id, aesKey, salt)));
        return Pkcs12Builder.encryptedContentInfo(bags, aesKey, salt);
    }

    private static byte[] keyBag(PrivateKey key, String name, byte[] localKeyId, byte[] aesKey, byte[] salt) {
        byte[] pkcs8 = key.getEncoded();
        if (pkcs8 == null || !"PKCS#8".equalsIgnoreCase(key.getFormat())) {
            throw new IllegalArgumentException("the private key of '" + name + "' cannot be exported (format "
                    + key.getFormat() + "), so it cannot be kept in a PKCS12 file");
        }
        try {
            return Pkcs12Builder.shroudedKeyBag(pkcs8, name, localKeyId, aesKey, salt);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private static byte[] encoded(X509Certificate certificate, String name) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("the certificate of '" + name + "' cannot be encoded: " + e.getMessage(), e);
        }
    }

    private static byte[] localKeyId(String name) {
        return ("s2mtls:" + name).getBytes(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- bags

    private record Bags(List<Pkcs12Format.NamedKey> keys, List<Pkcs12Format.NamedCertificate> certificates, List<byte[]> secrets) {
    }

    /** Decrypts one encryptedData item and reads its bags (their private keys too only when {@code withKeys}). */
    private static Bags bags(byte[] contentInfo, PasswordKeys keys, boolean withKeys)
            throws Pkcs12Format.UnreadableException, Pkcs12Format.WrongPasswordException {
        byte[] safeContents;
        ASN1Sequence sequence;
        try {
            ContentInfo info = ContentInfo.getInstance(ASN1Primitive.fromByteArray(contentInfo));
            if (!PKCSObjectIdentifiers.encryptedData.equals(info.getContentType())) {
                throw new Pkcs12Format.UnreadableException("it holds an item of type " + info.getContentType().getId() + " where an encrypted one belongs");
            }
            EncryptedData encrypted = EncryptedData.getInstance(info.getContent());
            safeContents = Pkcs12Format.decrypt(encrypted.getEncryptionAlgorithm(), encrypted.getContent().getOctets(), keys);
        } catch (java.io.IOException | RuntimeException e) {
            throw new Pkcs12Format.UnreadableException("an item in it is malformed: " + Pkcs12Format.reason(e));
        }
        try {
            sequence = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(safeContents));
        } catch (java.io.IOException | RuntimeException e) {
            // a wrong key yields valid padding once in 256 tries, and then almost never a SEQUENCE
            throw new Pkcs12Format.UnreadableException("a safe in it is malformed: " + Pkcs12Format.reason(e));
        } finally {
            Arrays.fill(safeContents, (byte) 0);
        }
        List<Pkcs12Format.NamedKey> privateKeys = new ArrayList<>();
        List<Pkcs12Format.NamedCertificate> certificates = new ArrayList<>();
        List<byte[]> secrets = new ArrayList<>();
        for (ASN1Encodable element : sequence) {
            Pkcs12Format.readBag(element, keys, withKeys, privateKeys, certificates, secrets);
        }
        for (Pkcs12Format.NamedCertificate certificate : certificates) {
            if (!Pkcs12Format.AUTHORITY_BAG_NAMES.contains(certificate.name())) {
                try {
                    CredentialName.check(certificate.name());
                } catch (RuntimeException e) {
                    throw new Pkcs12Format.UnreadableException("it holds a certificate named '" + certificate.name() + "', which is not a credential name");
                }
            }
        }
        return new Bags(privateKeys, certificates, secrets);
    }
}
