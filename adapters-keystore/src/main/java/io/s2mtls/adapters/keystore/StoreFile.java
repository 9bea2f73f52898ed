package io.s2mtls.adapters.keystore;

import io.s2mtls.adapters.records.CredentialRecord;
import io.s2mtls.adapters.records.EntryRecord;
import io.s2mtls.adapters.records.ManagedUserRecord;
import io.s2mtls.adapters.records.StoreJson;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.CredentialName;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
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
 * <h2>On-disk format (version 2)</h2>
 * A version-3 PFX (RFC 7292) whose authenticated safe is a sequence of {@code encryptedData} content infos,
 * each a SafeContents encrypted on its own:
 * <ol>
 *   <li>the index: one {@code secretBag} of type {@code id-data} named {@value #INDEX_NAME} whose value
 *       is the UTF-8 JSON {@link IndexDocument} (credential names and serials, the inventory, the managed
 *       users, the CA key reference and the audit key; no private key);</li>
 *   <li>when there is a CA: its {@code certBag} named {@value Pkcs12Format#CA_NAME}, its
 *       {@code pkcs8ShroudedKeyBag} (when the key is local) and one {@code certBag} named
 *       {@value Pkcs12Format#CA_CHAIN_NAME} per certificate above it, issuer first;</li>
 *   <li>one per credential, in the order of the index's {@code credentials} list: its {@code certBag}
 *       and, when s2mtls keeps its key, its {@code pkcs8ShroudedKeyBag}, both named after the credential
 *       and sharing the {@code localKeyId} {@code "s2mtls:" + name}.</li>
 * </ol>
 * Every item (each content info and, inside it, each private key) is encrypted with PBES2:
 * PBKDF2-HMAC-SHA256 ({@value Pkcs12Builder#PBKDF2_ITERATIONS} iterations) and AES-256-CBC with a fresh
 * random IV. All items of one file share one 16-byte PBKDF2 salt, so one derivation serves the whole file;
 * a fresh salt is drawn when the file is created and when its password changes. The PFX MAC is
 * HMAC-SHA256 keyed by the PKCS #12 KDF with SHA-256 ({@value Pkcs12Builder#MAC_ITERATIONS} iterations);
 * its salt too is kept from write to write. Reading the index decrypts the index item (and the CA's
 * certificates), never a private key; reading a credential decrypts its item and its key only; a write
 * re-encrypts only the index and the items it changes. OpenSSL 3 ({@code openssl pkcs12}) and the JDK's
 * {@code KeyStore.getInstance("PKCS12")} read these files.
 */
final class StoreFile {
    static final String INDEX_NAME = "s2mtls index";
    static final String FORMAT = "s2mtls-store";
    static final int VERSION = 2;

    /** What the index keeps of the CA: its key reference when the key is held elsewhere. */
    record AuthorityRecord(String keyReference) {
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
    /** The content infos as stored: the index, then the CA's (when there is one), then one per credential. */
    final List<byte[]> contentInfos;
    private final Map<String, Integer> positions = new HashMap<>();

    private StoreFile(byte[] salt, byte[] macSalt, int macIterations, IndexDocument document, List<byte[]> contentInfos)
            throws Pkcs12Format.UnreadableException {
        this.salt = salt;
        this.macSalt = macSalt;
        this.macIterations = macIterations;
        this.document = document;
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

    private int firstCredentialPosition() {
        return document.authority() == null ? 1 : 2;
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
        if (document.version() != VERSION) {
            throw new Pkcs12Format.UnreadableException("it has format version " + document.version() + " and this s2mtls reads versions 1 and "
                    + VERSION + "; use a newer s2mtls");
        }
        if (document.credentials() == null || document.inventory() == null || document.managedUsers() == null || document.auditKey() == null) {
            throw new Pkcs12Format.UnreadableException("its index lacks a required list or its audit key");
        }
        return new StoreFile(salt, opened.macSalt(), opened.macIterations(), document, infos);
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
        Optional<CaCertificates> authority = Optional.empty();
        if (document.authority() != null) {
            AuthorityParts parts = authorityParts(keys, false);
            authority = Optional.of(new CaCertificates(parts.certificate(), parts.chain(),
                    Optional.ofNullable(document.authority().keyReference())));
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
            return new StoreIndex(authority.map(io.s2mtls.core.pki.Authorities::single), credentials, entries, users);
        } catch (RuntimeException e) {
            throw new Pkcs12Format.UnreadableException("its index has an unreadable record: " + Pkcs12Format.reason(e));
        }
    }

    Optional<CaMaterial> authority(PasswordKeys keys) throws Pkcs12Format.UnreadableException, Pkcs12Format.WrongPasswordException {
        if (document.authority() == null) {
            return Optional.empty();
        }
        AuthorityParts parts = authorityParts(keys, true);
        return Optional.of(new CaMaterial(parts.certificate(), parts.key(), Optional.ofNullable(document.authority().keyReference()),
                parts.chain()));
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

    Optional<byte[]> authorityItem() {
        return document.authority() == null ? Optional.empty() : Optional.of(contentInfos.get(1));
    }

    private record AuthorityParts(X509Certificate certificate, List<X509Certificate> chain, Optional<PrivateKey> key) {
    }

    private AuthorityParts authorityParts(PasswordKeys keys, boolean withKey) throws Pkcs12Format.UnreadableException, Pkcs12Format.WrongPasswordException {
        Bags bags = bags(contentInfos.get(1), keys, withKey);
        X509Certificate certificate = null;
        List<X509Certificate> chain = new ArrayList<>();
        for (Pkcs12Format.NamedCertificate named : bags.certificates()) {
            if (Pkcs12Format.CA_NAME.equals(named.name()) && certificate == null) {
                certificate = named.certificate();
            } else if (Pkcs12Format.CA_CHAIN_NAME.equals(named.name())) {
                chain.add(named.certificate());
            } else {
                throw new Pkcs12Format.UnreadableException("the CA item holds a certificate named '" + named.name() + "'");
            }
        }
        if (certificate == null || bags.keys().size() > 1 || !bags.secrets().isEmpty()) {
            throw new Pkcs12Format.UnreadableException("the CA item does not hold one CA certificate and at most one key");
        }
        Optional<String> reference = Optional.ofNullable(document.authority().keyReference());
        if (bags.keys().isEmpty() == reference.isEmpty()) {
            throw new Pkcs12Format.UnreadableException("its CA has " + (reference.isPresent() ? "both a private key and a key reference"
                    : "neither a private key nor a key reference"));
        }
        Optional<PrivateKey> key = withKey ? bags.keys().stream().findFirst().map(Pkcs12Format.NamedKey::key) : Optional.empty();
        return new AuthorityParts(certificate, chain, key);
    }

    // ---------------------------------------------------------------- writing

    /** The index item for {@code index}, encrypted under {@code aesKey}. */
    static byte[] indexItem(StoreIndex index, byte[] auditKey, byte[] aesKey, byte[] salt) {
        IndexDocument document = new IndexDocument(FORMAT, VERSION,
                index.authority().map(ca -> new AuthorityRecord(ca.keyReference().orElse(null))).orElse(null),
                HexFormat.of().formatHex(auditKey),
                index.credentials().values().stream().map(CredentialRecord::of).toList(),
                index.inventory().stream().map(EntryRecord::of).toList(),
                index.managedUsers().values().stream().map(ManagedUserRecord::of).toList());
        byte[] json = StoreJson.write(document);
        return Pkcs12Builder.encryptedContentInfo(List.of(Pkcs12Builder.dataSecretBag(json, INDEX_NAME)), aesKey, salt);
    }

    static byte[] authorityItem(CaMaterial ca, byte[] aesKey, byte[] salt) {
        List<byte[]> bags = new ArrayList<>();
        byte[] id = ca.privateKey().isPresent() ? localKeyId(Pkcs12Format.CA_NAME) : null;
        bags.add(Pkcs12Builder.certBag(encoded(ca.certificate(), Pkcs12Format.CA_NAME), Pkcs12Format.CA_NAME, id));
        ca.privateKey().ifPresent(key -> bags.add(keyBag(key, Pkcs12Format.CA_NAME, id, aesKey, salt)));
        for (X509Certificate above : ca.chain()) {
            bags.add(Pkcs12Builder.certBag(encoded(above, Pkcs12Format.CA_CHAIN_NAME), Pkcs12Format.CA_CHAIN_NAME, null));
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
            if (!Pkcs12Format.CA_NAME.equals(certificate.name()) && !Pkcs12Format.CA_CHAIN_NAME.equals(certificate.name())) {
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
