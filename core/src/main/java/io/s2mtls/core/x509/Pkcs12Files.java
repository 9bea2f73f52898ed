package io.s2mtls.core.x509;

import io.s2mtls.core.error.S2mtlsException;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.operator.GenericKey;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.operator.MacCalculator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS12MacCalculatorBuilder;

import javax.crypto.Cipher;
import javax.crypto.CipherOutputStream;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Stand-alone PKCS#12 files (the keystore form the JDBC driver takes, and CA imports), with the
 * strength of the s2mtls store: keys and certificates encrypted with PBES2 (PBKDF2-HMAC-SHA256,
 * {@value #PBKDF2_ITERATIONS} iterations, a 16-byte salt; AES-256-CBC with a fresh IV for each
 * encrypted item), integrity by an HMAC-SHA256 MAC ({@value #MAC_ITERATIONS} iterations of the PKCS #12
 * KDF, one hash each, so a guess costs as much against the MAC as against the encryption). The key is
 * derived once per file. OpenSSL 3 and the JDK's {@code KeyStore.getInstance("PKCS12")} read these files.
 */
public final class Pkcs12Files {
    /** PBKDF2 iterations of every PKCS#12 file s2mtls writes, the store's included. */
    public static final int PBKDF2_ITERATIONS = 100_000;
    /** MAC iterations (PKCS #12 KDF with SHA-256) of every PKCS#12 file s2mtls writes, the store's included. */
    public static final int MAC_ITERATIONS = 200_000;
    private static final int SALT_BYTES = 16;
    private static final int AES_KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AlgorithmIdentifier HMAC_SHA256 = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE);

    /** A key with its certificate chain, leaf first. */
    public record KeyAndChain(PrivateKey privateKey, List<X509Certificate> chain) {
        public KeyAndChain {
            chain = List.copyOf(chain);
        }
    }

    private Pkcs12Files() {
    }

    public static byte[] write(String friendlyName, PrivateKey key, List<X509Certificate> chain, char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] aesKey = null;
        try {
            aesKey = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password, salt, PBKDF2_ITERATIONS, AES_KEY_BYTES * 8)).getEncoded();
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            List<PKCS12SafeBag> certificateBags = new ArrayList<>();
            for (int i = 0; i < chain.size(); i++) {
                JcaPKCS12SafeBagBuilder bag = new JcaPKCS12SafeBagBuilder(chain.get(i));
                if (i == 0) {
                    bag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(friendlyName));
                    bag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId,
                            extensions.createSubjectKeyIdentifier(chain.get(0).getPublicKey()));
                }
                certificateBags.add(bag.build());
            }
            JcaPKCS12SafeBagBuilder keyBag = new JcaPKCS12SafeBagBuilder(key, aes256(aesKey, salt));
            keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(friendlyName));
            keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId,
                    extensions.createSubjectKeyIdentifier(chain.get(0).getPublicKey()));
            PKCS12PfxPduBuilder builder = new PKCS12PfxPduBuilder();
            builder.addEncryptedData(aes256(aesKey, salt), certificateBags.toArray(PKCS12SafeBag[]::new));
            builder.addData(keyBag.build());
            PKCS12PfxPdu pfx = builder.build(new HmacSha256(), password);
            return pfx.getEncoded("DER");
        } catch (Exception e) {
            throw S2mtlsException.internal("cannot write PKCS#12: " + Pem.reason(e), e);
        } finally {
            if (aesKey != null) {
                Arrays.fill(aesKey, (byte) 0);
            }
        }
    }

    /**
     * The PFX integrity MAC: HMAC-SHA256 keyed by the PKCS #12 KDF (RFC 7292 appendix B.2) with SHA-256,
     * {@value #MAC_ITERATIONS} iterations, computed with the JDK's SHA-256 (hardware-accelerated where
     * the CPU has it, several times faster than a pure-Java digest at this count).
     */
    private static final class HmacSha256 implements PKCS12MacCalculatorBuilder {
        private static final AlgorithmIdentifier SHA256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);

        @Override
        public AlgorithmIdentifier getDigestAlgorithmIdentifier() {
            return SHA256;
        }

        @Override
        public MacCalculator build(char[] password) throws OperatorCreationException {
            byte[] salt = new byte[SALT_BYTES];
            RANDOM.nextBytes(salt);
            byte[] key = pkcs12MacKey(password, salt, MAC_ITERATIONS);
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                AlgorithmIdentifier algorithm = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, new PKCS12PBEParams(salt, MAC_ITERATIONS));
                ByteArrayOutputStream content = new ByteArrayOutputStream();
                return new MacCalculator() {
                    @Override
                    public AlgorithmIdentifier getAlgorithmIdentifier() {
                        return algorithm;
                    }

                    @Override
                    public OutputStream getOutputStream() {
                        return content;
                    }

                    @Override
                    public byte[] getMac() {
                        return mac.doFinal(content.toByteArray());
                    }

                    @Override
                    public GenericKey getKey() {
                        return new GenericKey(algorithm, key.clone());
                    }
                };
            } catch (GeneralSecurityException e) {
                throw new OperatorCreationException("HMAC-SHA256 is not available: " + e.getMessage(), e);
            }
        }
    }

    /** RFC 7292 appendix B.2 with SHA-256 (u = 32, v = 64), ID 3 (MAC key), a 32-byte key: one block. */
    static byte[] pkcs12MacKey(char[] password, byte[] salt, int iterations) {
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

    /** PBES2 (PBKDF2-HMAC-SHA256 over {@code salt}, AES-256-CBC) with an already derived key and a fresh IV. */
    private static OutputEncryptor aes256(byte[] aesKey, byte[] salt) throws GeneralSecurityException {
        byte[] iv = new byte[16];
        RANDOM.nextBytes(iv);
        AlgorithmIdentifier algorithm = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2, new PBES2Parameters(
                new KeyDerivationFunc(PKCSObjectIdentifiers.id_PBKDF2, new PBKDF2Params(salt, PBKDF2_ITERATIONS, HMAC_SHA256)),
                new EncryptionScheme(NISTObjectIdentifiers.id_aes256_CBC, new DEROctetString(iv))));
        Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new IvParameterSpec(iv));
        return new OutputEncryptor() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return algorithm;
            }

            @Override
            public OutputStream getOutputStream(OutputStream out) {
                return new CipherOutputStream(out, cipher);
            }

            @Override
            public GenericKey getKey() {
                return new GenericKey(algorithm, aesKey.clone());
            }
        };
    }

    /** Reads the single key entry of a PKCS#12 file (as {@code ca import --pkcs12} takes). */
    public static KeyAndChain read(byte[] data, char[] password, String source) {
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(data), password);
        } catch (java.io.IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw S2mtlsException.badInput(source + ": wrong PKCS#12 password", e);
            }
            throw S2mtlsException.badInput(source + ": not a readable PKCS#12 file (" + Pem.reason(e) + ")", e);
        } catch (Exception e) {
            throw S2mtlsException.badInput(source + ": not a readable PKCS#12 file (" + Pem.reason(e) + ")", e);
        }
        try {
            List<String> keyAliases = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    keyAliases.add(alias);
                }
            }
            if (keyAliases.size() != 1) {
                throw S2mtlsException.badInput(source + ": holds " + keyAliases.size()
                        + " private keys; expected exactly one (the CA key with its certificate)");
            }
            String alias = keyAliases.get(0);
            PrivateKey key = (PrivateKey) store.getKey(alias, password);
            List<X509Certificate> chain = new ArrayList<>();
            Certificate[] certificates = store.getCertificateChain(alias);
            if (certificates == null || certificates.length == 0) {
                throw S2mtlsException.badInput(source + ": the private key has no certificate with it");
            }
            for (Certificate certificate : certificates) {
                chain.add((X509Certificate) certificate);
            }
            return new KeyAndChain(key, chain);
        } catch (S2mtlsException e) {
            throw e;
        } catch (Exception e) {
            throw S2mtlsException.badInput(source + ": cannot read the key entry (" + Pem.reason(e) + ")", e);
        }
    }
}
