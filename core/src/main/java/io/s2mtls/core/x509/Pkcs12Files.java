package io.s2mtls.core.x509;

import io.s2mtls.core.error.S2mtlsException;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;

import java.io.ByteArrayInputStream;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Stand-alone PKCS#12 files (the keystore form the JDBC driver takes, and CA imports): AES-256-CBC with
 * PBKDF2-HMAC-SHA256 for keys and certificates, HMAC-SHA256 integrity.
 */
public final class Pkcs12Files {
    /**
     * PBKDF2 and MAC iterations of exported credential files: OpenSSL 3's own {@code pkcs12 -export}
     * default. These files travel with (or stand in for) a plaintext 0600 key file, so a higher count
     * would cost every bulk issuance without protecting anything the key file does not already expose;
     * the store itself uses far more (see the keystore adapter).
     */
    public static final int ITERATIONS = 2048;

    /** A key with its certificate chain, leaf first. */
    public record KeyAndChain(PrivateKey privateKey, List<X509Certificate> chain) {
        public KeyAndChain {
            chain = List.copyOf(chain);
        }
    }

    private Pkcs12Files() {
    }

    public static byte[] write(String friendlyName, PrivateKey key, List<X509Certificate> chain, char[] password) {
        try {
            AlgorithmIdentifier prf = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE);
            OutputEncryptor encryptor = new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC)
                    .setProvider(Providers.BC).setPRF(prf).setIterationCount(ITERATIONS).build(password);
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
            JcaPKCS12SafeBagBuilder keyBag = new JcaPKCS12SafeBagBuilder(key, encryptor);
            keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(friendlyName));
            keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId,
                    extensions.createSubjectKeyIdentifier(chain.get(0).getPublicKey()));
            PKCS12PfxPduBuilder builder = new PKCS12PfxPduBuilder();
            builder.addEncryptedData(encryptor, certificateBags.toArray(PKCS12SafeBag[]::new));
            builder.addData(keyBag.build());
            PKCS12PfxPdu pfx = builder.build(new JcePKCS12MacCalculatorBuilder(NISTObjectIdentifiers.id_sha256)
                    .setProvider(Providers.BC).setIterationCount(ITERATIONS), password);
            return pfx.getEncoded("DER");
        } catch (Exception e) {
            throw S2mtlsException.internal("cannot write PKCS#12: " + Pem.reason(e), e);
        }
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
