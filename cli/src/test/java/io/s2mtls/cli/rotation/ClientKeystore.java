package io.s2mtls.cli.rotation;

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
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's PKCS12 keystore file, the form the JDBC driver takes: the key, then the leaf and the chain given (as
 * s2mtls puts them in {@code NAME.p12}), mode 0600, replaced by a rename so that a login reads either the old file
 * or the new one, never a mix.
 *
 * <p>The driver reads and decrypts the keystore on every connection. s2mtls's own {@code NAME.p12} takes
 * 100,000 PBKDF2 and 200,000 MAC iterations (about half a second of CPU per load, by design), so 50 logins a
 * second on two cores cannot read it; these files hold the same key and certificates with the same algorithms
 * (PBES2 with AES-256 and HMAC-SHA256, an HMAC-SHA256 MAC) and {@value #ITERATIONS} iterations. That the driver
 * logs in with s2mtls's own file is checked separately (see the rotation test).
 */
final class ClientKeystore {
    static final int ITERATIONS = 1000;
    private static final java.security.Provider PROVIDER = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private ClientKeystore() {
    }

    /** Writes (or atomically replaces) {@code file} with {@code key} and {@code chain} (leaf first) under {@code password}. */
    static void install(Path file, String name, PrivateKey key, List<X509Certificate> chain, String password) {
        write(file, pkcs12(name, key, chain, password.toCharArray()));
    }

    /** Writes (or atomically replaces) {@code file} with {@code data}, mode 0600. */
    static void write(Path file, byte[] data) {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(next);
            Files.createFile(next, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(next, data);
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] pkcs12(String name, PrivateKey key, List<X509Certificate> chain, char[] password) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            OutputEncryptor encryptor = new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC)
                    .setPRF(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE))
                    .setProvider(PROVIDER).setIterationCount(ITERATIONS).build(password);
            List<PKCS12SafeBag> certificates = new ArrayList<>();
            for (int i = 0; i < chain.size(); i++) {
                PKCS12SafeBagBuilder bag = new JcaPKCS12SafeBagBuilder(chain.get(i));
                if (i == 0) {
                    bag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(name));
                    bag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, utils.createSubjectKeyIdentifier(chain.get(0).getPublicKey()));
                }
                certificates.add(bag.build());
            }
            PKCS12SafeBagBuilder keyBag = new JcaPKCS12SafeBagBuilder(key, encryptor);
            keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(name));
            keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, utils.createSubjectKeyIdentifier(chain.get(0).getPublicKey()));
            PKCS12PfxPduBuilder builder = new PKCS12PfxPduBuilder();
            builder.addEncryptedData(encryptor, certificates.toArray(PKCS12SafeBag[]::new));
            builder.addData(keyBag.build());
            PKCS12PfxPdu pfx = builder.build(new JcePKCS12MacCalculatorBuilder(NISTObjectIdentifiers.id_sha256).setProvider(PROVIDER).setIterationCount(ITERATIONS),
                    password);
            return pfx.getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the keystore of " + name + ": " + e, e);
        }
    }
}
