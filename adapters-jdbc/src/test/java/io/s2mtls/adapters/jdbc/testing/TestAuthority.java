package io.s2mtls.adapters.jdbc.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

/**
 * A test CA built directly with Bouncy Castle, independent of the issuing code under development, so
 * the database tests do not depend on it. EC P-256 keys, SHA-256 signatures.
 */
public final class TestAuthority {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A certificate with its private key. */
    public record Issued(X509Certificate certificate, PrivateKey privateKey) {
        public String certificatePem() {
            return pem(certificate);
        }

        public String keyPem() {
            return pem(privateKey);
        }

        /** Writes {@code <name>-cert.pem} and {@code <name>-key.pem} (0600) into {@code dir}. */
        public Path[] write(Path dir, String name) {
            try {
                Files.createDirectories(dir);
                Path cert = dir.resolve(name + "-cert.pem");
                Path key = dir.resolve(name + "-key.pem");
                Files.writeString(cert, certificatePem());
                Files.writeString(key, keyPem());
                key.toFile().setReadable(false, false);
                key.toFile().setReadable(true, true);
                return new Path[] {cert, key};
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final KeyPair keys;
    private final X509Certificate certificate;

    private TestAuthority(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    public static TestAuthority create(String subject) {
        KeyPair keys = ecKeyPair();
        X500Name name = new X500Name(subject);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(3650, ChronoUnit.DAYS)), name, keys.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
            return new TestAuthority(keys, sign(builder, keys.getPrivate(), keys.getPublic()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public String certificatePem() {
        return pem(certificate);
    }

    /** A client certificate valid from an hour ago for 30 days. */
    public Issued issueClient(X500Name subject) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return issue(subject, ecKeyPair(), now.minus(1, ChronoUnit.HOURS), now.plus(30, ChronoUnit.DAYS), null);
    }

    public Issued issueClient(String rfc2253Subject) {
        return issueClient(new X500Name(rfc2253Subject));
    }

    /** A client certificate that expired {@code ago} ago. */
    public Issued issueExpired(X500Name subject, Duration ago) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return issue(subject, ecKeyPair(), now.minus(ago).minus(30, ChronoUnit.DAYS), now.minus(ago), null);
    }

    /** A server certificate for the IP address {@code 127.0.0.1} only (so that {@code localhost} fails verify-full). */
    public Issued issueServer(String subject) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        GeneralNames names = new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1")});
        return issue(new X500Name(subject), ecKeyPair(), now.minus(1, ChronoUnit.HOURS), now.plus(30, ChronoUnit.DAYS), names);
    }

    /** Signs a CSR, keeping its subject exactly as encoded (string types, RDN order, multi-valued RDNs). */
    public X509Certificate signCsr(PKCS10CertificationRequest csr) {
        try {
            PublicKey publicKey = new JcaPKCS10CertificationRequest(csr).getPublicKey();
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            return build(csr.getSubject(), publicKey, now.minus(1, ChronoUnit.HOURS), now.plus(30, ChronoUnit.DAYS), null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Issued issue(X500Name subject, KeyPair subjectKeys, Instant notBefore, Instant notAfter, GeneralNames serverNames) {
        return new Issued(build(subject, subjectKeys.getPublic(), notBefore, notAfter, serverNames), subjectKeys.getPrivate());
    }

    private X509Certificate build(X500Name subject, PublicKey publicKey, Instant notBefore, Instant notAfter, GeneralNames serverNames) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(notBefore), Date.from(notAfter), subject, publicKey);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    serverNames == null ? KeyPurposeId.id_kp_clientAuth : KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(certificate));
            if (serverNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, serverNames);
            }
            return sign(builder, keys.getPrivate(), keys.getPublic());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey, PublicKey issuerPublic) throws Exception {
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        cert.verify(issuerPublic);
        return cert;
    }

    public static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(80, RANDOM).setBit(79);
    }

    public static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object instanceof PrivateKey key
                    ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null).generate() : object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
