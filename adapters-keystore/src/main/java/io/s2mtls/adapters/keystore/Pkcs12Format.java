package io.s2mtls.adapters.keystore;

import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.CredentialName;
import io.s2mtls.core.x509.Pkcs12Builder;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.AuthenticatedSafe;
import org.bouncycastle.asn1.pkcs.CertBag;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.SafeBag;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reading PKCS12 store files: the PFX and its MAC (both format versions), the bags, and the whole content
 * of a version-1 file. The format written now, version 2, is described on {@link StoreFile}.
 *
 * <h2>Version 1 (read only, upgraded on the next write)</h2>
 * A version-3 PFX whose authenticated safe holds two content infos:
 * <ol>
 *   <li>a plain {@code data} SafeContents of {@code pkcs8ShroudedKeyBag}s: the CA key (when local) and
 *       the key of every credential that has one.</li>
 *   <li>an {@code encryptedData} SafeContents holding a {@code certBag} for the CA and for every
 *       credential, and one {@code secretBag} ({@code id-data}) named {@value #METADATA_NAME} with the
 *       JSON document described on {@link StoreMetadata} (inventory, CA key reference, audit trail,
 *       managed users).</li>
 * </ol>
 * Bags are told apart by their {@code friendlyName}: {@value #CA_NAME} for the CA,
 * {@value #CA_CHAIN_NAME} for the certificates above an intermediate CA (in order, its issuer first, up to
 * the root), and the credential name otherwise (the fixed names contain a space, which no credential name
 * can). A key bag and its certificate bag share a {@code localKeyId}. Both versions use PBES2
 * (PBKDF2-HMAC-SHA256, AES-256-CBC) and an HMAC-SHA256 PFX MAC, the parameters of {@link Pkcs12Builder}.
 */
final class Pkcs12Format {
    static final String CA_NAME = "s2mtls CA";
    static final String CA_CHAIN_NAME = "s2mtls CA chain";
    static final String OTHER_CA_NAME = "s2mtls other CA";
    static final String ROOT_CA_NAME = "s2mtls root CA";
    /** The friendlyNames of the CAs' bags (each CA's and its chain's); all contain a space, which no credential name can. */
    static final java.util.Set<String> AUTHORITY_BAG_NAMES = java.util.Set.of(CA_NAME, CA_CHAIN_NAME,
            OTHER_CA_NAME, OTHER_CA_NAME + " chain", ROOT_CA_NAME, ROOT_CA_NAME + " chain");
    static final String METADATA_NAME = "s2mtls inventory";
    private static final int AES_KEY_BYTES = Pkcs12Builder.AES_KEY_BYTES;
    private static final int MAX_ITERATIONS = 10_000_000;
    private static final Map<ASN1ObjectIdentifier, String> KEY_ALGORITHMS = Map.of(
            PKCSObjectIdentifiers.rsaEncryption, "RSA",
            PKCSObjectIdentifiers.id_RSASSA_PSS, "RSASSA-PSS",
            X9ObjectIdentifiers.id_ecPublicKey, "EC",
            EdECObjectIdentifiers.id_Ed25519, "Ed25519",
            EdECObjectIdentifiers.id_Ed448, "Ed448");

    /** The file cannot be a store s2mtls reads; the message is a one-line reason. */
    static final class UnreadableException extends Exception {
        UnreadableException(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The MAC does not verify and the password does not decrypt the content either. */
    static final class WrongPasswordException extends Exception {
        WrongPasswordException() {
            super("wrong store password", null, false, false);
        }
    }

    private Pkcs12Format() {
    }

    // ---------------------------------------------------------------- reading

    /** An opened file: its authenticated safe (MAC verified) and the salt and iteration count of its MAC. */
    record Opened(byte[] authenticatedSafe, byte[] macSalt, int macIterations) {
    }

    /**
     * Parses the PFX and verifies its MAC with the password; a MAC that fails is a wrong password unless the
     * password decrypts an item of the file (then the file is damaged).
     */
    static Opened open(byte[] file, PasswordKeys keys) throws UnreadableException, WrongPasswordException {
        if (file.length == 0) {
            throw new UnreadableException("the file is empty");
        }
        Pfx pfx;
        byte[] authenticatedSafe;
        MacData macData;
        try {
            pfx = Pfx.getInstance(ASN1Primitive.fromByteArray(file));
            if (!PKCSObjectIdentifiers.data.equals(pfx.getAuthSafe().getContentType())) {
                throw new UnreadableException("its content is signed, not password-protected");
            }
            authenticatedSafe = ASN1OctetString.getInstance(pfx.getAuthSafe().getContent()).getOctets();
            macData = pfx.getMacData();
        } catch (IOException | RuntimeException e) {
            throw new UnreadableException("not DER-encoded PKCS12: " + reason(e));
        }
        if (macData == null) {
            throw new UnreadableException("it has no integrity MAC");
        }
        AlgorithmIdentifier macAlgorithm = macData.getMac().getAlgorithmId();
        if (!NISTObjectIdentifiers.id_sha256.equals(macAlgorithm.getAlgorithm())) {
            throw new UnreadableException("its MAC uses " + macAlgorithm.getAlgorithm().getId() + ", not SHA-256");
        }
        int macIterations = iterations(macData.getIterationCount().longValue());
        byte[] macSalt = macData.getSalt();
        byte[] expected = Pkcs12Builder.hmacSha256(keys.pkcs12MacKeySha256(macSalt, macIterations), authenticatedSafe);
        if (!MessageDigest.isEqual(expected, macData.getMac().getDigest())) {
            // The MAC cannot tell a wrong password from a damaged file; the encryption can, nearly always.
            if (passwordOpensAnything(authenticatedSafe, keys)) {
                throw new UnreadableException("its integrity check fails although the password decrypts it: the file is damaged");
            }
            throw new WrongPasswordException();
        }
        return new Opened(authenticatedSafe, macSalt, macIterations);
    }

    /** Everything a version-1 file holds, every key decrypted (the old format cannot give less). */
    record Version1(Optional<CaMaterial> authority, Map<String, Credential> credentials,
                    List<io.s2mtls.core.pki.InventoryEntry> inventory, List<io.s2mtls.core.pki.AuditEvent> audit,
                    Map<String, io.s2mtls.core.pki.ManagedUser> managedUsers) {
        Optional<Credential> credential(String name) {
            return Optional.ofNullable(credentials.get(name));
        }
    }

    /** The whole content of a version-1 file (every key decrypted): what the old format can only give. */
    static Version1 decodeVersion1(byte[] authenticatedSafe, PasswordKeys keys) throws UnreadableException, WrongPasswordException {
        return assemble(readBags(authenticatedSafe, keys));
    }

    /** A key bag's name, localKeyId and key; the key is null when the bag was read without keys. */
    record NamedKey(String name, byte[] localKeyId, PrivateKey key) {
    }

    record NamedCertificate(String name, byte[] localKeyId, X509Certificate certificate) {
    }

    private record Bags(List<NamedKey> keys, List<NamedCertificate> certificates, List<byte[]> metadata) {
    }

    private static Bags readBags(byte[] authenticatedSafe, PasswordKeys keys) throws UnreadableException, WrongPasswordException {
        List<NamedKey> privateKeys = new ArrayList<>();
        List<NamedCertificate> certificates = new ArrayList<>();
        List<byte[]> metadata = new ArrayList<>();
        ContentInfo[] contents;
        try {
            contents = AuthenticatedSafe.getInstance(ASN1Primitive.fromByteArray(authenticatedSafe)).getContentInfo();
        } catch (IOException | RuntimeException e) {
            throw new UnreadableException("its authenticated safe is malformed: " + reason(e));
        }
        for (ContentInfo content : contents) {
            byte[] safeContents;
            try {
                if (PKCSObjectIdentifiers.data.equals(content.getContentType())) {
                    safeContents = ASN1OctetString.getInstance(content.getContent()).getOctets();
                } else if (PKCSObjectIdentifiers.encryptedData.equals(content.getContentType())) {
                    EncryptedData encrypted = EncryptedData.getInstance(content.getContent());
                    safeContents = decrypt(encrypted.getEncryptionAlgorithm(), encrypted.getContent().getOctets(), keys);
                } else {
                    throw new UnreadableException("it holds content of type " + content.getContentType().getId()
                            + ", which s2mtls does not read");
                }
            } catch (RuntimeException e) {
                throw new UnreadableException("its content is malformed: " + reason(e));
            }
            ASN1Sequence bags;
            try {
                bags = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(safeContents));
            } catch (IOException | RuntimeException e) {
                throw new UnreadableException("a safe in it is malformed: " + reason(e));
            }
            for (ASN1Encodable element : bags) {
                readBag(element, keys, true, privateKeys, certificates, metadata);
            }
        }
        return new Bags(privateKeys, certificates, metadata);
    }

    /**
     * Reads one bag into the lists; key bags are decrypted only when {@code withKeys} (otherwise their key
     * is null). Unknown bags are refused.
     */
    static void readBag(ASN1Encodable element, PasswordKeys keys, boolean withKeys, List<NamedKey> privateKeys,
                                List<NamedCertificate> certificates, List<byte[]> metadata)
            throws UnreadableException, WrongPasswordException {
        try {
            SafeBag bag = SafeBag.getInstance(element);
            String name = null;
            byte[] localKeyId = null;
            if (bag.getBagAttributes() != null) {
                for (ASN1Encodable a : bag.getBagAttributes()) {
                    Attribute attribute = Attribute.getInstance(a);
                    if (PKCSObjectIdentifiers.pkcs_9_at_friendlyName.equals(attribute.getAttrType())) {
                        name = DERBMPString.getInstance(attribute.getAttrValues().getObjectAt(0)).getString();
                    } else if (PKCSObjectIdentifiers.pkcs_9_at_localKeyId.equals(attribute.getAttrType())) {
                        localKeyId = ASN1OctetString.getInstance(attribute.getAttrValues().getObjectAt(0)).getOctets();
                    }
                }
            }
            ASN1ObjectIdentifier type = bag.getBagId();
            if (PKCSObjectIdentifiers.pkcs8ShroudedKeyBag.equals(type)) {
                EncryptedPrivateKeyInfo info = EncryptedPrivateKeyInfo.getInstance(bag.getBagValue());
                if (!withKeys) {
                    privateKeys.add(new NamedKey(requireName(name, "a private key"), localKeyId, null));
                    return;
                }
                byte[] pkcs8 = decrypt(info.getEncryptionAlgorithm(), info.getEncryptedData(), keys);
                try {
                    privateKeys.add(new NamedKey(requireName(name, "a private key"), localKeyId, privateKey(pkcs8)));
                } finally {
                    Arrays.fill(pkcs8, (byte) 0);
                }
            } else if (PKCSObjectIdentifiers.certBag.equals(type)) {
                CertBag certBag = CertBag.getInstance(bag.getBagValue());
                if (!PKCSObjectIdentifiers.x509Certificate.equals(certBag.getCertId())) {
                    throw new UnreadableException("it holds a certificate of type " + certBag.getCertId().getId() + ", not X.509");
                }
                certificates.add(new NamedCertificate(requireName(name, "a certificate"), localKeyId,
                        certificate(ASN1OctetString.getInstance(certBag.getCertValue()).getOctets())));
            } else if (PKCSObjectIdentifiers.secretBag.equals(type) && (METADATA_NAME.equals(name) || StoreFile.INDEX_NAME.equals(name)
                    || StoreFile.AUTHORITIES_NAME.equals(name))) {
                ASN1Sequence secret = ASN1Sequence.getInstance(bag.getBagValue());
                ASN1TaggedObject value = ASN1TaggedObject.getInstance(secret.getObjectAt(1));
                metadata.add(ASN1OctetString.getInstance(value.getExplicitBaseObject()).getOctets());
            } else {
                throw new UnreadableException("it holds a " + type.getId() + " bag" + (name == null ? "" : " named '" + name + "'")
                        + ", which s2mtls does not read");
            }
        } catch (RuntimeException e) {
            throw new UnreadableException("a bag in it is malformed: " + reason(e));
        }
    }

    /**
     * Whether any one encrypted item decrypts to well-formed content with the password: a damaged file
     * still has intact items, while a wrong password opens none (a wrong key yields valid padding once
     * in 256 tries, and then almost never a well-formed structure). A structure that does not even
     * parse is damage whatever the password.
     */
    private static boolean passwordOpensAnything(byte[] authenticatedSafe, PasswordKeys keys) throws UnreadableException {
        ContentInfo[] contents;
        try {
            contents = AuthenticatedSafe.getInstance(ASN1Primitive.fromByteArray(authenticatedSafe)).getContentInfo();
        } catch (IOException | RuntimeException e) {
            throw new UnreadableException("its authenticated safe is malformed: " + reason(e));
        }
        for (ContentInfo content : contents) {
            try {
                if (PKCSObjectIdentifiers.encryptedData.equals(content.getContentType())) {
                    EncryptedData encrypted = EncryptedData.getInstance(content.getContent());
                    ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(
                            decrypt(encrypted.getEncryptionAlgorithm(), encrypted.getContent().getOctets(), keys)));
                    return true;
                }
            } catch (IOException | RuntimeException | UnreadableException | WrongPasswordException e) {
                // not this one
            }
            if (PKCSObjectIdentifiers.data.equals(content.getContentType())) {
                ASN1Sequence bags;
                try {
                    bags = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(content.getContent()).getOctets()));
                } catch (IOException | RuntimeException e) {
                    throw new UnreadableException("a safe in it is malformed: " + reason(e));
                }
                for (ASN1Encodable element : bags) {
                    try {
                        SafeBag bag = SafeBag.getInstance(element);
                        if (PKCSObjectIdentifiers.pkcs8ShroudedKeyBag.equals(bag.getBagId())) {
                            EncryptedPrivateKeyInfo info = EncryptedPrivateKeyInfo.getInstance(bag.getBagValue());
                            byte[] pkcs8 = decrypt(info.getEncryptionAlgorithm(), info.getEncryptedData(), keys);
                            try {
                                PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(pkcs8));
                                return true;
                            } finally {
                                Arrays.fill(pkcs8, (byte) 0);
                            }
                        }
                    } catch (IOException | RuntimeException | UnreadableException | WrongPasswordException e) {
                        // not this one
                    }
                }
            }
        }
        return false;
    }

    private static Version1 assemble(Bags bags) throws UnreadableException {
        if (bags.metadata().size() != 1) {
            throw new UnreadableException(bags.metadata().isEmpty() ? "it has no s2mtls inventory, so it is not an s2mtls store"
                    : "it has more than one s2mtls inventory");
        }
        StoreMetadata metadata;
        List<io.s2mtls.core.pki.InventoryEntry> inventory;
        try {
            metadata = StoreMetadata.decode(bags.metadata().get(0));
            inventory = metadata.inventoryEntries();
        } catch (IllegalArgumentException e) {
            throw new UnreadableException(e.getMessage());
        }
        Map<String, NamedKey> keysById = new LinkedHashMap<>();
        for (NamedKey key : bags.keys()) {
            if (key.localKeyId() == null || keysById.put(idText(key.localKeyId()), key) != null) {
                throw new UnreadableException("the private key '" + key.name() + "' has a missing or repeated localKeyId");
            }
        }
        Optional<CaMaterial> authority = Optional.empty();
        Map<String, Credential> credentials = new LinkedHashMap<>();
        List<X509Certificate> chain = new java.util.ArrayList<>();
        for (NamedCertificate certificate : bags.certificates()) {
            if (CA_CHAIN_NAME.equals(certificate.name()) && certificate.localKeyId() == null) {
                chain.add(certificate.certificate());
                continue;
            }
            NamedKey key = certificate.localKeyId() == null ? null : keysById.remove(idText(certificate.localKeyId()));
            if (key != null && !key.name().equals(certificate.name())) {
                throw new UnreadableException("the key and certificate with one localKeyId are named '" + key.name()
                        + "' and '" + certificate.name() + "'");
            }
            Optional<PrivateKey> privateKey = Optional.ofNullable(key).map(NamedKey::key);
            if (CA_NAME.equals(certificate.name())) {
                if (authority.isPresent()) {
                    throw new UnreadableException("it holds two CA certificates");
                }
                if (privateKey.isPresent() == metadata.caKeyReferenceValue().isPresent()) {
                    throw new UnreadableException("its CA has " + (privateKey.isPresent() ? "both a private key and a key reference"
                            : "neither a private key nor a key reference"));
                }
                authority = Optional.of(new CaMaterial(certificate.certificate(), privateKey, metadata.caKeyReferenceValue()));
            } else {
                String name = certificate.name();
                try {
                    CredentialName.check(name);
                } catch (RuntimeException e) {
                    throw new UnreadableException("it holds a certificate named '" + name + "', which is not a credential name");
                }
                if (credentials.put(name, new Credential(name, certificate.certificate(), privateKey)) != null) {
                    throw new UnreadableException("it holds two credentials named '" + name + "'");
                }
            }
        }
        if (!keysById.isEmpty()) {
            throw new UnreadableException("the private key '" + keysById.values().iterator().next().name() + "' has no certificate");
        }
        if (authority.isEmpty() && metadata.caKeyReferenceValue().isPresent()) {
            throw new UnreadableException("it has a CA key reference but no CA certificate");
        }
        if (!chain.isEmpty()) {
            if (authority.isEmpty()) {
                throw new UnreadableException("it has a CA chain but no CA certificate");
            }
            authority = Optional.of(authority.get().withChain(chain));
        }
        return new Version1(authority, credentials, inventory, metadata.auditEvents(), metadata.managedUserRecords());
    }

    private static String requireName(String name, String what) throws UnreadableException {
        if (name == null) {
            throw new UnreadableException(what + " in it has no friendlyName");
        }
        return name;
    }

    static PrivateKey privateKey(byte[] pkcs8) throws UnreadableException {
        try {
            ASN1ObjectIdentifier algorithm = PrivateKeyInfo.getInstance(pkcs8).getPrivateKeyAlgorithm().getAlgorithm();
            String jcaName = KEY_ALGORITHMS.get(algorithm);
            if (jcaName == null) {
                throw new UnreadableException("it holds a private key of type " + algorithm.getId() + ", which s2mtls does not use");
            }
            return KeyFactory.getInstance(jcaName).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new UnreadableException("a private key in it is malformed: " + reason(e));
        }
    }

    static X509Certificate certificate(byte[] der) throws UnreadableException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new UnreadableException("a certificate in it is malformed: " + reason(e));
        }
    }

    /** Decrypts PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) content; anything else is unreadable. */
    static byte[] decrypt(AlgorithmIdentifier algorithm, byte[] ciphertext, PasswordKeys keys)
            throws UnreadableException, WrongPasswordException {
        String unsupported = "it is encrypted with an algorithm s2mtls does not read (";
        if (!PKCSObjectIdentifiers.id_PBES2.equals(algorithm.getAlgorithm())) {
            throw new UnreadableException(unsupported + algorithm.getAlgorithm().getId() + "; s2mtls writes PBES2)");
        }
        PBES2Parameters parameters = PBES2Parameters.getInstance(algorithm.getParameters());
        if (!PKCSObjectIdentifiers.id_PBKDF2.equals(parameters.getKeyDerivationFunc().getAlgorithm())) {
            throw new UnreadableException(unsupported + "key derivation " + parameters.getKeyDerivationFunc().getAlgorithm().getId() + ")");
        }
        PBKDF2Params kdf = PBKDF2Params.getInstance(parameters.getKeyDerivationFunc().getParameters());
        if (!PKCSObjectIdentifiers.id_hmacWithSHA256.equals(kdf.getPrf().getAlgorithm())) {
            throw new UnreadableException(unsupported + "PBKDF2 with " + kdf.getPrf().getAlgorithm().getId() + ")");
        }
        if (kdf.getKeyLength() != null && kdf.getKeyLength().intValue() != AES_KEY_BYTES) {
            throw new UnreadableException(unsupported + "a " + kdf.getKeyLength() + "-byte key)");
        }
        EncryptionScheme scheme = parameters.getEncryptionScheme();
        if (!NISTObjectIdentifiers.id_aes256_CBC.equals(scheme.getAlgorithm())) {
            throw new UnreadableException(unsupported + "cipher " + scheme.getAlgorithm().getId() + "; s2mtls writes AES-256-CBC)");
        }
        byte[] iv = ASN1OctetString.getInstance(scheme.getParameters()).getOctets();
        if (iv.length != 16) {
            throw new UnreadableException("an AES IV in it is " + iv.length + " bytes long");
        }
        byte[] key = keys.pbkdf2Sha256(kdf.getSalt(), iterations(kdf.getIterationCount().longValue()));
        try {
            return aes(Cipher.DECRYPT_MODE, key, iv, ciphertext);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof BadPaddingException || e.getCause() instanceof IllegalBlockSizeException) {
                throw new WrongPasswordException();
            }
            throw e;
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    static int iterations(long count) throws UnreadableException {
        if (count < 1 || count > MAX_ITERATIONS) {
            throw new UnreadableException("it asks for " + count + " key-derivation iterations (at most "
                    + MAX_ITERATIONS + " are accepted)");
        }
        return (int) count;
    }

    // ---------------------------------------------------------------- primitives

    private static byte[] aes(int mode, byte[] key, byte[] iv, byte[] input) {
        return Pkcs12Builder.aes(mode, key, iv, input);
    }

    private static String idText(byte[] id) {
        return java.util.HexFormat.of().formatHex(id);
    }

    static String reason(Exception e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
