package io.s2mtls.adapters.vault;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/** PEM text for certificates, PKCS#8 private keys and SubjectPublicKeyInfo public keys, with the JDK only. */
final class Pem {
    private static final Base64.Encoder MIME = Base64.getMimeEncoder(64, new byte[] {'\n'});
    /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), followed by the 32 raw key bytes. */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private Pem() {
    }

    static String encode(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + MIME.encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    static byte[] decode(String label, String pem) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("not a PEM " + label);
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    }

    static String certificate(X509Certificate certificate) {
        try {
            return encode("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateException e) {
            throw new IllegalArgumentException("certificate cannot be encoded", e);
        }
    }

    static X509Certificate parseCertificate(String pem) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(decode("CERTIFICATE", pem)));
    }

    static String privateKey(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("private key is not PKCS#8 encodable (" + key.getFormat() + ")");
        }
        return encode("PRIVATE KEY", key.getEncoded());
    }

    /** Parses a PKCS#8 key, choosing the KeyFactory from the key's own AlgorithmIdentifier. */
    static PrivateKey parsePrivateKey(String pem) throws GeneralSecurityException {
        byte[] der = decode("PRIVATE KEY", pem);
        return KeyFactory.getInstance(keyAlgorithm(Der.privateKeyAlgorithmOid(der))).generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    static PublicKey parsePublicKey(String pem) throws GeneralSecurityException {
        byte[] der = decode("PUBLIC KEY", pem);
        return KeyFactory.getInstance(keyAlgorithm(Der.publicKeyAlgorithmOid(der))).generatePublic(new X509EncodedKeySpec(der));
    }

    /** An Ed25519 public key from its 32 raw bytes (how Transit reports it). */
    static PublicKey ed25519PublicKey(byte[] raw) throws GeneralSecurityException {
        if (raw.length != 32) {
            throw new GeneralSecurityException("an Ed25519 public key has 32 bytes, not " + raw.length);
        }
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + 32];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, 32);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }

    private static String keyAlgorithm(String oid) throws GeneralSecurityException {
        switch (oid) {
            case "1.2.840.113549.1.1.1":
                return "RSA";
            case "1.2.840.113549.1.1.10":
                return "RSASSA-PSS";
            case "1.2.840.10045.2.1":
                return "EC";
            case "1.3.101.112":
                return "Ed25519";
            case "1.3.101.113":
                return "Ed448";
            default:
                throw new GeneralSecurityException("unsupported key algorithm " + oid.toLowerCase(Locale.ROOT));
        }
    }

    /** Just enough DER reading to find the algorithm OID of PKCS#8 and SubjectPublicKeyInfo structures. */
    private static final class Der {
        private final byte[] bytes;
        private int position;

        private Der(byte[] bytes) {
            this.bytes = bytes;
        }

        /** PrivateKeyInfo ::= SEQUENCE { version INTEGER, algorithm SEQUENCE { OID, ... }, ... } */
        static String privateKeyAlgorithmOid(byte[] der) throws GeneralSecurityException {
            Der reader = new Der(der);
            reader.enter(0x30);
            reader.skip(0x02);
            reader.enter(0x30);
            return reader.oid();
        }

        /** SubjectPublicKeyInfo ::= SEQUENCE { algorithm SEQUENCE { OID, ... }, BIT STRING } */
        static String publicKeyAlgorithmOid(byte[] der) throws GeneralSecurityException {
            Der reader = new Der(der);
            reader.enter(0x30);
            reader.enter(0x30);
            return reader.oid();
        }

        private int header(int tag) throws GeneralSecurityException {
            if (position >= bytes.length || (bytes[position] & 0xff) != tag) {
                throw new GeneralSecurityException("malformed key encoding");
            }
            position++;
            int length = bytes[position++] & 0xff;
            if (length > 0x80) {
                int count = length - 0x80;
                if (count > 3) {
                    throw new GeneralSecurityException("malformed key encoding");
                }
                length = 0;
                for (int i = 0; i < count; i++) {
                    length = (length << 8) | (bytes[position++] & 0xff);
                }
            }
            if (position + length > bytes.length) {
                throw new GeneralSecurityException("malformed key encoding");
            }
            return length;
        }

        private void enter(int tag) throws GeneralSecurityException {
            header(tag);
        }

        private void skip(int tag) throws GeneralSecurityException {
            int length = header(tag);
            position += length;
        }

        private String oid() throws GeneralSecurityException {
            int length = header(0x06);
            StringBuilder text = new StringBuilder();
            long value = 0;
            for (int i = 0; i < length; i++) {
                int b = bytes[position + i] & 0xff;
                value = (value << 7) | (b & 0x7f);
                if ((b & 0x80) == 0) {
                    if (text.length() == 0) {
                        int first = (int) Math.min(value / 40, 2);
                        text.append(first).append('.').append(value - 40L * first);
                    } else {
                        text.append('.').append(value);
                    }
                    value = 0;
                }
            }
            position += length;
            return text.toString();
        }
    }
}
