package io.s2mtls.core.x509;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.dn.DistinguishedName;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Certificate;
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
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

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
import java.util.Arrays;
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
        List<X509Certificate> certificates = new ArrayList<>();
        for (byte[] der : certificateDers(data, source)) {
            certificates.add(derCertificate(der, source));
        }
        return List.copyOf(certificates);
    }

    /**
     * The DER of every certificate in {@code data}, read as openssl reads it: PEM {@code CERTIFICATE},
     * {@code X509 CERTIFICATE} and {@code TRUSTED CERTIFICATE} blocks (the certificate without OpenSSL's trust
     * settings) with any other blocks (a private key, parameters) passed over, a UTF-8 byte-order mark at the
     * start, or one DER certificate. Only the certificate's ASN.1 structure is checked, never its public key.
     */
    public static List<byte[]> certificateDers(byte[] data, String source) {
        data = withoutByteOrderMark(data);
        if (!looksLikePem(data)) {
            return List.of(structure(firstElement(data, source, "certificate"), source, "certificate"));
        }
        List<byte[]> certificates = new ArrayList<>();
        String firstOther = null;
        for (PemObject block : pemBlocks(data, source, "certificate")) {
            if (CERTIFICATE_TYPES.contains(block.getType())) {
                certificates.add(structure(firstElement(block.getContent(), source, "certificate"), source, "certificate"));
            } else if (firstOther == null) {
                firstOther = describe(block.getType());
            }
        }
        if (certificates.isEmpty()) {
            throw S2mtlsException.badInput(source + (firstOther == null
                    ? ": no certificate found (expected -----BEGIN CERTIFICATE-----)"
                    : ": contains " + firstOther + " where a certificate was expected"));
        }
        return List.copyOf(certificates);
    }

    /**
     * The subject of the first certificate or certificate request in {@code data} (PEM or DER), exactly as
     * encoded, read from the ASN.1 structure alone: the public key need not be one s2mtls can use, and a
     * request's signature is not checked.
     */
    public static DistinguishedName readSubject(byte[] data, String source) {
        data = withoutByteOrderMark(data);
        byte[] der;
        boolean request;
        if (looksLikePem(data)) {
            PemObject first = null;
            for (PemObject block : pemBlocks(data, source, "certificate or certificate signing request")) {
                if (CERTIFICATE_TYPES.contains(block.getType()) || REQUEST_TYPES.contains(block.getType())) {
                    first = block;
                    break;
                }
            }
            if (first == null) {
                throw S2mtlsException.badInput(source + ": no certificate or certificate signing request found"
                        + " (expected -----BEGIN CERTIFICATE----- or -----BEGIN CERTIFICATE REQUEST-----)");
            }
            der = firstElement(first.getContent(), source, "certificate");
            request = REQUEST_TYPES.contains(first.getType());
        } else {
            der = firstElement(data, source, "certificate");
            request = isRequest(der);
        }
        try {
            X500Name subject = request
                    ? CertificationRequest.getInstance(der).getCertificationRequestInfo().getSubject()
                    : Certificate.getInstance(der).getSubject();
            return DistinguishedName.fromDer(subject.getEncoded());
        } catch (IOException | RuntimeException e) {
            throw S2mtlsException.badInput(source + ": not a PEM or DER certificate or certificate signing request ("
                    + reason(e) + ")", e);
        }
    }

    private static final java.util.Set<String> CERTIFICATE_TYPES = java.util.Set.of("CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE");
    private static final java.util.Set<String> REQUEST_TYPES = java.util.Set.of("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST");

    /** Whether DER that is not a certificate is a PKCS#10 request (both are SEQUENCE { info, algorithm, signature }). */
    private static boolean isRequest(byte[] der) {
        try {
            Certificate.getInstance(der);
            return false;
        } catch (RuntimeException notCertificate) {
            try {
                CertificationRequest.getInstance(der);
                return true;
            } catch (RuntimeException notRequest) {
                return false;
            }
        }
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
        data = withoutByteOrderMark(data);
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

    /** A public key in PEM {@code PUBLIC KEY} (SubjectPublicKeyInfo) form, as a JDK key object. */
    public static java.security.PublicKey readPublicKey(byte[] data, String source) {
        data = withoutByteOrderMark(data);
        for (Object object : pemObjects(data, source, "public key")) {
            if (object instanceof org.bouncycastle.asn1.x509.SubjectPublicKeyInfo info) {
                try {
                    return KEY_CONVERTER.getPublicKey(info);
                } catch (IOException | RuntimeException e) {
                    throw S2mtlsException.badInput(source + ": unreadable public key (" + reason(e) + ")", e);
                }
            }
        }
        throw S2mtlsException.badInput(source + ": no public key found (expected -----BEGIN PUBLIC KEY-----)");
    }

    /** A PKCS#10 CSR in PEM or DER. The signature is not checked here; see {@link CertificateRequests#parse}. */
    static PKCS10CertificationRequest readCsr(byte[] data, String source) {
        data = withoutByteOrderMark(data);
        byte[] der = null;
        if (!looksLikePem(data)) {
            der = firstElement(data, source, "certificate signing request");
        } else {
            List<PemObject> blocks = pemBlocks(data, source, "certificate signing request");
            List<PemObject> requests = blocks.stream().filter(block -> REQUEST_TYPES.contains(block.getType())).toList();
            if (requests.size() != 1) {
                throw S2mtlsException.badInput(source + ": contains " + (requests.size() > 1 ? "more than one certificate signing request"
                        : blocks.isEmpty() ? "nothing readable" : describe(blocks.get(0).getType()))
                        + " where one certificate signing request was expected");
            }
            der = firstElement(requests.get(0).getContent(), source, "certificate signing request");
        }
        try {
            return new PKCS10CertificationRequest(CertificationRequest.getInstance(der));
        } catch (RuntimeException e) {
            throw S2mtlsException.badInput(source + ": not a PEM or DER certificate signing request (" + reason(e) + ")", e);
        }
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

    private static List<PemObject> pemBlocks(byte[] data, String source, String expected) {
        List<PemObject> blocks = new ArrayList<>();
        try (Reader reader = new InputStreamReader(new ByteArrayInputStream(data), StandardCharsets.ISO_8859_1);
             PemReader parser = new PemReader(reader)) {
            PemObject block;
            while ((block = parser.readPemObject()) != null) {
                blocks.add(block);
            }
        } catch (IOException | RuntimeException e) {
            throw S2mtlsException.badInput(source + ": truncated or malformed PEM where a " + expected
                    + " was expected (" + reason(e) + ")", e);
        }
        return blocks;
    }

    private static byte[] withoutByteOrderMark(byte[] data) {
        if (data.length >= 3 && (data[0] & 0xFF) == 0xEF && (data[1] & 0xFF) == 0xBB && (data[2] & 0xFF) == 0xBF) {
            return Arrays.copyOfRange(data, 3, data.length);
        }
        return data;
    }

    /**
     * The first DER element of {@code data}: a certificate in a {@code TRUSTED CERTIFICATE} block is followed by
     * OpenSSL's trust settings, which are not part of it.
     */
    private static byte[] firstElement(byte[] data, String source, String what) {
        String problem = "not a PEM or DER " + what + ", or truncated";
        if (data.length < 2 || data[0] != 0x30) {
            throw S2mtlsException.badInput(source + ": " + problem + " (it does not start with an ASN.1 SEQUENCE)");
        }
        int first = data[1] & 0xFF;
        long length;
        int header;
        if (first < 0x80) {
            length = first;
            header = 2;
        } else {
            int octets = first & 0x7F;
            if (octets == 0 || octets > 4 || data.length < 2 + octets) {
                throw S2mtlsException.badInput(source + ": " + problem + " (bad DER length)");
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (data[2 + i] & 0xFF);
            }
            header = 2 + octets;
        }
        if (header + length > data.length) {
            throw S2mtlsException.badInput(source + ": " + problem + " (the DER says " + (header + length)
                    + " bytes, the data has " + data.length + ")");
        }
        return Arrays.copyOfRange(data, 0, (int) (header + length));
    }

    /** {@code der} unchanged when it is an X.509 certificate's structure (the key is not looked at). */
    private static byte[] structure(byte[] der, String source, String what) {
        try {
            Certificate.getInstance(der);
            return der;
        } catch (RuntimeException e) {
            throw S2mtlsException.badInput(source + ": not a PEM or DER " + what + ", or truncated (" + reason(e) + ")", e);
        }
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
            // the structure was checked, so the JDK refuses the public key (explicit curve parameters, SM2, DH, a compressed point, ...)
            String weakness = KeyPairs.weakness(Certificate.getInstance(der).getSubjectPublicKeyInfo());
            if (weakness != null) {
                throw S2mtlsException.badInput(source + ": " + weakness + "; " + KeyPairs.USABLE_KEYS
                        + " ('s2mtls subject' and 'cert show' still read this file)", e);
            }
            throw S2mtlsException.badInput(source + ": the certificate cannot be read (" + reason(e) + ")", e);
        }
    }

    /** PEM anywhere in the data, as openssl finds it (after 'openssl x509 -text' output, say); else DER. */
    private static boolean looksLikePem(byte[] data) {
        return new String(data, StandardCharsets.ISO_8859_1).contains("-----BEGIN ");
    }

    private static String describe(String pemType) {
        if (pemType.endsWith("PRIVATE KEY")) {
            return "a private key";
        }
        if (REQUEST_TYPES.contains(pemType)) {
            return "a certificate signing request";
        }
        return "a " + pemType + " block";
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
