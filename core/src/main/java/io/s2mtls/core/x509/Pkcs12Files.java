package io.s2mtls.core.x509;

import io.s2mtls.core.error.S2mtlsException;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

import java.io.ByteArrayInputStream;
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
 * Stand-alone PKCS#12 files (the keystore form the JDBC driver takes, and CA imports), built by
 * {@link Pkcs12Builder} with the strength of the s2mtls store: keys and certificates encrypted with PBES2
 * (PBKDF2-HMAC-SHA256, {@value #PBKDF2_ITERATIONS} iterations, a 16-byte salt; AES-256-CBC with a fresh
 * IV for each encrypted item), integrity by an HMAC-SHA256 MAC ({@value #MAC_ITERATIONS} iterations of
 * the PKCS #12 KDF). The key is derived once per file. OpenSSL 3 and the JDK's
 * {@code KeyStore.getInstance("PKCS12")} read these files.
 */
public final class Pkcs12Files {
    /** PBKDF2 iterations of every PKCS#12 file s2mtls writes, the store's included. */
    public static final int PBKDF2_ITERATIONS = Pkcs12Builder.PBKDF2_ITERATIONS;
    /** MAC iterations (PKCS #12 KDF with SHA-256) of every PKCS#12 file s2mtls writes, the store's included. */
    public static final int MAC_ITERATIONS = Pkcs12Builder.MAC_ITERATIONS;

    /** A key with its certificate chain, leaf first. */
    public record KeyAndChain(PrivateKey privateKey, List<X509Certificate> chain) {
        public KeyAndChain {
            chain = List.copyOf(chain);
        }
    }

    private Pkcs12Files() {
    }

    /**
     * A PFX holding {@code key} and {@code chain} (leaf first): the certificates in one encrypted safe, the
     * leaf named {@code friendlyName}; the key in a shrouded key bag of the same name; both sharing the
     * leaf's subject key identifier as localKeyId.
     */
    public static byte[] write(String friendlyName, PrivateKey key, List<X509Certificate> chain, char[] password) {
        byte[] salt = Pkcs12Builder.newSalt();
        byte[] macSalt = Pkcs12Builder.newSalt();
        byte[] aesKey = null;
        byte[] macKey = null;
        byte[] pkcs8 = null;
        try {
            aesKey = Pkcs12Builder.pbkdf2Sha256(password, salt, PBKDF2_ITERATIONS);
            byte[] localKeyId = new JcaX509ExtensionUtils().createSubjectKeyIdentifier(chain.get(0).getPublicKey()).getKeyIdentifier();
            List<byte[]> certificateBags = new ArrayList<>();
            for (int i = 0; i < chain.size(); i++) {
                certificateBags.add(i == 0 ? Pkcs12Builder.certBag(chain.get(i).getEncoded(), friendlyName, localKeyId)
                        : Pkcs12Builder.certBag(chain.get(i).getEncoded(), null, null));
            }
            pkcs8 = key.getEncoded();
            byte[] keyBag = Pkcs12Builder.shroudedKeyBag(pkcs8, friendlyName, localKeyId, aesKey, salt);
            macKey = Pkcs12Builder.pkcs12MacKey(password, macSalt, MAC_ITERATIONS);
            return Pkcs12Builder.pfx(List.of(Pkcs12Builder.encryptedContentInfo(certificateBags, aesKey, salt),
                    Pkcs12Builder.dataContentInfo(List.of(keyBag))), macKey, macSalt, MAC_ITERATIONS);
        } catch (Exception e) {
            throw S2mtlsException.internal("cannot write PKCS#12: " + Pem.reason(e), e);
        } finally {
            for (byte[] secret : new byte[][] {aesKey, macKey, pkcs8}) {
                if (secret != null) {
                    Arrays.fill(secret, (byte) 0);
                }
            }
        }
    }

    /** RFC 7292 appendix B.2 with SHA-256, ID 3 (MAC key): {@link Pkcs12Builder#pkcs12MacKey}. */
    static byte[] pkcs12MacKey(char[] password, byte[] salt, int iterations) {
        return Pkcs12Builder.pkcs12MacKey(password, salt, iterations);
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
