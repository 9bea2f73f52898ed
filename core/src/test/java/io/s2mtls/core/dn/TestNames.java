package io.s2mtls.core.dn;

import io.s2mtls.core.testing.TestPki;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * Builds Names in test code with Bouncy Castle (independent of the code under test): DER SET OF
 * sorting is Bouncy Castle's, value encodings are written byte by byte.
 */
final class TestNames {
    static final int BIT_STRING = 3;
    static final int UTF8 = 12;
    static final int NUMERIC = 18;
    static final int PRINTABLE = 19;
    static final int T61 = 20;
    static final int IA5 = 22;
    static final int VISIBLE = 26;
    static final int GENERAL = 27;
    static final int UNIVERSAL = 28;
    static final int BMP = 30;

    private static final KeyPair KEYS = TestPki.ecKeyPair();

    /** One attribute: OID, universal tag, content octets. */
    record Attr(String oid, int tag, byte[] content) {
        static Attr utf8(String oid, String text) {
            return new Attr(oid, UTF8, text.getBytes(StandardCharsets.UTF_8));
        }

        String describe() {
            StringBuilder hex = new StringBuilder();
            for (byte b : content) {
                hex.append(String.format("%02x", b & 0xFF));
            }
            return oid + "/" + tag + "/" + hex;
        }
    }

    private TestNames() {
    }

    static byte[] tlv(int identifier, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(identifier);
        int length = content.length;
        if (length < 128) {
            out.write(length);
        } else if (length < 256) {
            out.write(0x81);
            out.write(length);
        } else if (length < 65536) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write(length >> 8);
            out.write(length);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    /** A Name's DER, RDNs in the given order, each RDN's values sorted by Bouncy Castle's DERSet. */
    static byte[] nameDer(List<List<Attr>> rdns) {
        try {
            List<ASN1Encodable> sets = new ArrayList<>();
            for (List<Attr> rdn : rdns) {
                ASN1Encodable[] pairs = new ASN1Encodable[rdn.size()];
                for (int i = 0; i < rdn.size(); i++) {
                    Attr attr = rdn.get(i);
                    ASN1Primitive value = ASN1Primitive.fromByteArray(tlv(attr.tag() == 16 ? 0x30 : attr.tag(), attr.content()));
                    pairs[i] = new DERSequence(new ASN1Encodable[] {new ASN1ObjectIdentifier(attr.oid()), value});
                }
                sets.add(new DERSet(pairs));
            }
            return new DERSequence(sets.toArray(ASN1Encodable[]::new)).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A self-signed-style certificate (issuer CN=issuer) whose subject is exactly {@code subjectDer}. */
    static X509CertificateHolder certificate(byte[] subjectDer) {
        try {
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    new X500Name("CN=issuer"), BigInteger.valueOf(now.toEpochMilli()).add(BigInteger.ONE.shiftLeft(70)),
                    Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)),
                    X500Name.getInstance(subjectDer), KEYS.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(KEYS.getPrivate());
            // A holder, not an X509Certificate: the JDK refuses certificates with an empty subject and no SAN.
            return builder.build(signer);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(X509CertificateHolder certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
