package io.s2mtls.core.x509;

import io.s2mtls.core.error.S2mtlsException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Reading and writing PEM (and DER) certificates, keys and CSRs. Every error is one line that names
 * the source (usually the file name) and what was wrong with it.
 */
public final class Pem {
    // JDK key objects, so keys from any source behave the same with the JDK's signature and TLS code.
    private static final JcaPEMKeyConverter KEY_CONVERTER = new JcaPEMKeyConverter();

    private Pem() {
    }

    public static String certificate(X509Certificate certificate) {
        try {
            return block("CERTIFICATE", certificate.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw S2mtlsException.internal("cannot encode certificate: " + e.getMessage(), e);
        }
    }

    /** PKCS#8 {@code PRIVATE KEY}, the form openssl 3 writes and reads by default. */
    public static String privateKey(PrivateKey key) {
        return block("PRIVATE KEY", key.getEncoded());
    }

    static String block(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    /** Every certificate in {@code data} (PEM, possibly several, or one DER certificate). */
    public static List<X509Certificate> readCertificates(byte[] data, String source) {
        if (!looksLikePem(data)) {
            return List.of(derCertificate(data, source));
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (Object object : pemObjects(data, source, "certificate")) {
            if (object instanceof X509CertificateHolder holder) {
                certificates.add(derCertificate(encoded(holder, source), source));
            } else {
                throw S2mtlsException.badInput(source + ": contains " + describe(object) + " where a certificate was expected");
            }
        }
        if (certificates.isEmpty()) {
            throw S2mtlsException.badInput(source + ": no certificate found (expected -----BEGIN CERTIFICATE-----)");
        }
        return List.copyOf(certificates);
    }

    /** Exactly one certificate. */
    public static X509Certificate readCertificate(byte[] data, String source) {
        List<X509Certificate> all = readCertificates(data, source);
        if (all.size() != 1) {
            throw S2mtlsException.badInput(source + ": holds " + all.size() + " certificates; expected exactly one");
        }
        return all.get(0);
    }

    /**
     * A private key in PEM: PKCS#8, encrypted PKCS#8 (needs {@code password}), PKCS#1 RSA, SEC1 EC,
     * or legacy OpenSSL-encrypted PKCS#1.
     */
    public static PrivateKey readPrivateKey(byte[] data, String source, Optional<char[]> password) {
        if (!looksLikePem(data)) {
            throw S2mtlsException.badInput(source + ": not a PEM private key (expected a PEM block such as BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)");
        }
        List<Object> objects = pemObjects(data, source, "private key");
        PrivateKey found = null;
        for (Object object : objects) {
            PrivateKey key = toPrivateKey(object, source, password);
            if (key != null) {
                if (found != null) {
                    throw S2mtlsException.badInput(source + ": holds more than one private key; expected exactly one");
                }
                found = key;
            }
        }
        if (found == null) {
            String what = objects.isEmpty() ? "nothing readable" : describe(objects.get(0));
            throw S2mtlsException.badInput(source + ": contains " + what + " where a private key was expected");
        }
        return found;
    }

    /** A PKCS#10 CSR in PEM or DER. The signature is not checked here; see {@link CertificateRequests#parse}. */
    static PKCS10CertificationRequest readCsr(byte[] data, String source) {
        if (!looksLikePem(data)) {
            try {
                return new PKCS10CertificationRequest(data);
            } catch (IOException | RuntimeException e) {
                throw S2mtlsException.badInput(source + ": not a PEM or DER certificate signing request (" + reason(e) + ")", e);
            }
        }
        List<Object> objects = pemObjects(data, source, "certificate signing request");
        if (objects.size() != 1 || !(objects.get(0) instanceof PKCS10CertificationRequest csr)) {
            throw S2mtlsException.badInput(source + ": contains " + (objects.isEmpty() ? "nothing readable" : describe(objects.get(0)))
                    + " where one certificate signing request was expected");
        }
        return csr;
    }

    private static PrivateKey toPrivateKey(Object object, String source, Optional<char[]> password) {
        try {
            if (object instanceof PrivateKeyInfo info) {
                return KEY_CONVERTER.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return KEY_CONVERTER.getKeyPair(pair).getPrivate();
            }
            if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                char[] secret = password.orElseThrow(() -> S2mtlsException.badInput(source
                        + ": the private key is encrypted; give its password with --key-password-file"));
                InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(Providers.BC).build(secret);
                return KEY_CONVERTER.getPrivateKey(encrypted.decryptPrivateKeyInfo(decryptor));
            }
            if (object instanceof PEMEncryptedKeyPair encrypted) {
                char[] secret = password.orElseThrow(() -> S2mtlsException.badInput(source
                        + ": the private key is encrypted; give its password with --key-password-file"));
                return KEY_CONVERTER.getKeyPair(encrypted.decryptKeyPair(
                        new JcePEMDecryptorProviderBuilder().setProvider(Providers.BC).build(secret))).getPrivate();
            }
            return null;
        } catch (S2mtlsException e) {
            throw e;
        } catch (Exception e) {
            if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
                throw S2mtlsException.badInput(source + ": cannot decrypt the private key: wrong key password?", e);
            }
            throw S2mtlsException.badInput(source + ": unreadable private key (" + reason(e) + ")", e);
        }
    }

    private static List<Object> pemObjects(byte[] data, String source, String expected) {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = new InputStreamReader(new ByteArrayInputStream(data), StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            throw S2mtlsException.badInput(source + ": truncated or malformed PEM where a " + expected
                    + " was expected (" + reason(e) + ")", e);
        }
        return objects;
    }

    private static X509Certificate derCertificate(byte[] der, String source) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            X509Certificate certificate = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
            if (certificate == null) {
                throw new CertificateException("empty input");
            }
            return certificate;
        } catch (CertificateException | RuntimeException e) {
            throw S2mtlsException.badInput(source + ": not a PEM or DER certificate, or truncated (" + reason(e) + ")", e);
        }
    }

    private static byte[] encoded(X509CertificateHolder holder, String source) {
        try {
            return holder.getEncoded();
        } catch (IOException e) {
            throw S2mtlsException.badInput(source + ": malformed certificate (" + reason(e) + ")", e);
        }
    }

    private static boolean looksLikePem(byte[] data) {
        String head = new String(data, 0, Math.min(data.length, 4096), StandardCharsets.ISO_8859_1);
        return head.contains("-----BEGIN ");
    }

    private static String describe(Object object) {
        if (object instanceof X509CertificateHolder) {
            return "a certificate";
        }
        if (object instanceof PKCS10CertificationRequest) {
            return "a certificate signing request";
        }
        if (object instanceof PrivateKeyInfo || object instanceof PEMKeyPair
                || object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
            return "a private key";
        }
        return "a " + object.getClass().getSimpleName();
    }

    static String reason(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        // the JDK and Bouncy Castle put class names of nested exceptions into messages; operators need only the words
        return message.replaceAll("([a-z]+\\.)+[A-Za-z]*(Exception|Error): ", "").replace('\n', ' ').replace('\r', ' ');
    }
}
