package io.s2mtls.core.x509;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
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
import org.bouncycastle.asn1.pkcs.SafeBag;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one place s2mtls builds PKCS #12 (PFX, RFC 7292) structures, for the client {@code .p12} files
 * ({@link Pkcs12Files}) and the PKCS12 credential store alike: bytes in, bytes out, no I/O. Every item is
 * encrypted with PBES2: PBKDF2-HMAC-SHA256 ({@value #PBKDF2_ITERATIONS} iterations, 16-byte salt) and
 * AES-256-CBC with a fresh random IV per item. Integrity: the PFX MAC, HMAC-SHA256 keyed by the PKCS #12
 * KDF with SHA-256 ({@value #MAC_ITERATIONS} iterations: one hash per iteration, so twice PBKDF2's count
 * keeps a password guess against the MAC as costly as against the encryption).
 *
 * <p>The key derivations are the slow part by design. Callers derive each key once per file (every item
 * of a file shares one PBKDF2 salt) and pass the derived key in; the derivations here use the JDK's
 * SHA-256, which is several times faster than a pure-Java digest.
 */
public final class Pkcs12Builder {
    /** PBKDF2 iterations of every PKCS#12 file s2mtls writes, the store's included. */
    public static final int PBKDF2_ITERATIONS = 100_000;
    /** MAC iterations (PKCS #12 KDF with SHA-256) of every PKCS#12 file s2mtls writes, the store's included. */
    public static final int MAC_ITERATIONS = 200_000;
    public static final int SALT_BYTES = 16;
    public static final int AES_KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AlgorithmIdentifier HMAC_SHA256 = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE);
    private static final AlgorithmIdentifier SHA256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);

    private Pkcs12Builder() {
    }

    // ---------------------------------------------------------------- randomness and keys

    public static byte[] newSalt() {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return salt;
    }

    public static byte[] newIv() {
        byte[] iv = new byte[16];
        RANDOM.nextBytes(iv);
        return iv;
    }

    /** PBKDF2-HMAC-SHA256 (PKCS #5 v2.1) over the password's UTF-8 bytes, one 32-byte block, as OpenSSL and the JDK compute it. */
    public static byte[] pbkdf2Sha256(char[] password, byte[] salt, int iterations) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] key = new byte[encoded.remaining()];
        encoded.get(key);
        Arrays.fill(encoded.array(), (byte) 0);
        byte[] ipad = new byte[64];
        byte[] opad = new byte[64];
        try {
            MessageDigest inner = MessageDigest.getInstance("SHA-256");
            if (key.length > 64) {
                byte[] hashed = inner.digest(key);
                Arrays.fill(key, (byte) 0);
                key = hashed;
            }
            for (int i = 0; i < 64; i++) {
                byte b = i < key.length ? key[i] : 0;
                ipad[i] = (byte) (b ^ 0x36);
                opad[i] = (byte) (b ^ 0x5c);
            }
            inner.update(ipad);
            MessageDigest outer = MessageDigest.getInstance("SHA-256");
            outer.update(opad);
            MessageDigest step = (MessageDigest) inner.clone();
            step.update(salt);
            step.update(new byte[] {0, 0, 0, 1});
            byte[] u = step.digest();
            step = (MessageDigest) outer.clone();
            step.update(u);
            u = step.digest();
            byte[] t = u.clone();
            for (int i = 1; i < iterations; i++) {
                step = (MessageDigest) inner.clone();
                step.update(u);
                u = step.digest();
                step = (MessageDigest) outer.clone();
                step.update(u);
                u = step.digest();
                for (int j = 0; j < t.length; j++) {
                    t[j] ^= u[j];
                }
            }
            Arrays.fill(u, (byte) 0);
            return t;
        } catch (GeneralSecurityException | CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(ipad, (byte) 0);
            Arrays.fill(opad, (byte) 0);
        }
    }

    /** RFC 7292 appendix B.2 with SHA-256 (u = 32, v = 64), ID 3 (MAC key), a 32-byte key: one block. */
    public static byte[] pkcs12MacKey(char[] password, byte[] salt, int iterations) {
        int v = 64;
        byte[] passwordBytes = new byte[password.length == 0 ? 0 : (password.length + 1) * 2]; // BMPString, NUL-terminated
        for (int i = 0; i < password.length; i++) {
            passwordBytes[2 * i] = (byte) (password[i] >>> 8);
            passwordBytes[2 * i + 1] = (byte) password[i];
        }
        byte[] input = new byte[v + v * ((salt.length + v - 1) / v) + v * ((passwordBytes.length + v - 1) / v)];
        Arrays.fill(input, 0, v, (byte) 3);
        int s = v * ((salt.length + v - 1) / v);
        for (int i = 0; i < s; i++) {
            input[v + i] = salt[i % salt.length];
        }
        for (int i = 0; i < input.length - v - s; i++) {
            input[v + s + i] = passwordBytes[i % passwordBytes.length];
        }
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] a = sha256.digest(input);
            for (int i = 1; i < iterations; i++) {
                a = sha256.digest(a);
            }
            return a;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        } finally {
            Arrays.fill(passwordBytes, (byte) 0);
            Arrays.fill(input, (byte) 0);
        }
    }

    public static byte[] hmacSha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** AES-256-CBC with PKCS #7 padding; a wrong key on decryption shows as {@link javax.crypto.BadPaddingException} in the cause. */
    public static byte[] aes(int mode, byte[] key, byte[] iv, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CBC failed: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- structures

    /** The PBES2 algorithm identifier s2mtls writes: PBKDF2-HMAC-SHA256 over {@code salt}, AES-256-CBC with {@code iv}. */
    public static AlgorithmIdentifier pbes2(byte[] salt, byte[] iv) {
        return new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2, new PBES2Parameters(
                new KeyDerivationFunc(PKCSObjectIdentifiers.id_PBKDF2, new PBKDF2Params(salt, PBKDF2_ITERATIONS, HMAC_SHA256)),
                new EncryptionScheme(NISTObjectIdentifiers.id_aes256_CBC, new DEROctetString(iv))));
    }

    /** A {@code pkcs8ShroudedKeyBag} holding {@code pkcs8} encrypted under {@code aesKey} (derived from {@code salt}). */
    public static byte[] shroudedKeyBag(byte[] pkcs8, String friendlyName, byte[] localKeyId, byte[] aesKey, byte[] salt) {
        byte[] iv = newIv();
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(pbes2(salt, iv), aes(Cipher.ENCRYPT_MODE, aesKey, iv, pkcs8));
        return der(new SafeBag(PKCSObjectIdentifiers.pkcs8ShroudedKeyBag, info, attributes(friendlyName, localKeyId)));
    }

    /** A {@code certBag} (x509Certificate) holding the DER certificate {@code certificate}; without attributes when {@code friendlyName} is null. */
    public static byte[] certBag(byte[] certificate, String friendlyName, byte[] localKeyId) {
        CertBag bag = new CertBag(PKCSObjectIdentifiers.x509Certificate, new DEROctetString(certificate));
        return der(friendlyName == null ? new SafeBag(PKCSObjectIdentifiers.certBag, bag)
                : new SafeBag(PKCSObjectIdentifiers.certBag, bag, attributes(friendlyName, localKeyId)));
    }

    /** A {@code secretBag} of type {@code id-data} whose value is an OCTET STRING holding {@code value}. */
    public static byte[] dataSecretBag(byte[] value, String friendlyName) {
        return der(new SafeBag(PKCSObjectIdentifiers.secretBag,
                new DERSequence(new ASN1Encodable[] {PKCSObjectIdentifiers.data, new DERTaggedObject(true, 0, new DEROctetString(value))}),
                attributes(friendlyName, null)));
    }

    /** A {@code data} content info holding the SafeContents made of {@code bags} (DER SafeBags). */
    public static byte[] dataContentInfo(List<byte[]> bags) {
        return der(new ContentInfo(PKCSObjectIdentifiers.data, new DEROctetString(sequence(bags))));
    }

    /** An {@code encryptedData} content info holding the SafeContents made of {@code bags}, encrypted under {@code aesKey}. */
    public static byte[] encryptedContentInfo(List<byte[]> bags, byte[] aesKey, byte[] salt) {
        byte[] iv = newIv();
        byte[] plain = sequence(bags);
        try {
            return der(new ContentInfo(PKCSObjectIdentifiers.encryptedData, new EncryptedData(
                    PKCSObjectIdentifiers.data, pbes2(salt, iv), new DEROctetString(aes(Cipher.ENCRYPT_MODE, aesKey, iv, plain)))));
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /**
     * The PFX around {@code contentInfos} (DER content infos, copied as they are): the authenticated safe
     * and its HMAC-SHA256 MAC under {@code macKey}, which was derived from {@code macSalt} with {@code macIterations}.
     */
    public static byte[] pfx(List<byte[]> contentInfos, byte[] macKey, byte[] macSalt, int macIterations) {
        byte[] authenticatedSafe = sequence(contentInfos);
        byte[] mac = hmacSha256(macKey, authenticatedSafe);
        return der(new Pfx(new ContentInfo(PKCSObjectIdentifiers.data, new DEROctetString(authenticatedSafe)),
                new MacData(new DigestInfo(SHA256, mac), macSalt, macIterations)));
    }

    /** The attributes s2mtls puts on a bag: its friendlyName and, when not null, its localKeyId. */
    public static ASN1Set attributes(String friendlyName, byte[] localKeyId) {
        ASN1EncodableVector attributes = new ASN1EncodableVector();
        attributes.add(new Attribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERSet(new DERBMPString(friendlyName))));
        if (localKeyId != null) {
            attributes.add(new Attribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, new DERSet(new DEROctetString(localKeyId))));
        }
        return new DERSet(attributes);
    }

    // ---------------------------------------------------------------- raw DER

    /** A DER SEQUENCE whose elements are {@code elements}, copied byte for byte (no parsing, no re-encoding). */
    public static byte[] sequence(List<byte[]> elements) {
        long length = 0;
        for (byte[] element : elements) {
            length += element.length;
        }
        if (length > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a PKCS12 structure of " + length + " bytes is too large");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) length + 6);
        out.write(0x30);
        writeLength(out, (int) length);
        for (byte[] element : elements) {
            out.writeBytes(element);
        }
        return out.toByteArray();
    }

    /**
     * The elements of the DER SEQUENCE {@code der}, each as its own bytes, found by reading only the tags and
     * lengths (nothing inside an element is parsed). A malformed encoding is an {@link IllegalArgumentException}.
     */
    public static List<byte[]> elements(byte[] der) {
        if (der.length < 2 || der[0] != 0x30) {
            throw new IllegalArgumentException("not a DER SEQUENCE");
        }
        int[] header = length(der, 1);
        int start = header[1];
        int end = start + header[0];
        if (end != der.length) {
            throw new IllegalArgumentException("the SEQUENCE length does not match its content");
        }
        List<byte[]> elements = new ArrayList<>();
        int at = start;
        while (at < end) {
            if ((der[at] & 0x1f) == 0x1f) {
                throw new IllegalArgumentException("multi-byte tags are not used in PKCS12");
            }
            int[] element = length(der, at + 1);
            int next = element[1] + element[0];
            if (next > end || next < at) {
                throw new IllegalArgumentException("an element runs past the end of its SEQUENCE");
            }
            elements.add(Arrays.copyOfRange(der, at, next));
            at = next;
        }
        return elements;
    }

    /** {length, offset of the content} for the length octets at {@code at}. */
    private static int[] length(byte[] der, int at) {
        if (at >= der.length) {
            throw new IllegalArgumentException("truncated DER");
        }
        int first = der[at] & 0xff;
        if (first < 0x80) {
            return new int[] {first, at + 1};
        }
        int count = first & 0x7f;
        if (count == 0 || count > 4 || at + count >= der.length) {
            throw new IllegalArgumentException("unsupported or truncated DER length");
        }
        long length = 0;
        for (int i = 1; i <= count; i++) {
            length = (length << 8) | (der[at + i] & 0xff);
        }
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("DER length too large");
        }
        return new int[] {(int) length, at + 1 + count};
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >>> 8);
            out.write(length);
        } else if (length < 0x1000000) {
            out.write(0x83);
            out.write(length >>> 16);
            out.write(length >>> 8);
            out.write(length);
        } else {
            out.write(0x84);
            out.write(length >>> 24);
            out.write(length >>> 16);
            out.write(length >>> 8);
            out.write(length);
        }
    }

    public static byte[] der(ASN1Encodable value) {
        try {
            return value.toASN1Primitive().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("cannot DER-encode a PKCS12 structure", e);
        }
    }
}
