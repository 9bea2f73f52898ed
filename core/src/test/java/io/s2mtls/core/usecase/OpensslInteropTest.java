package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.SubjectAltName;
import io.s2mtls.core.testing.ExternalTool;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.Pem;
import io.s2mtls.core.x509.Pkcs12Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.s2mtls.core.testing.ExternalTool.openssl;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our certificates, keys and PKCS#12 files, read and checked by the real openssl binary, and the manual openssl procedure's steps reproduced. */
class OpensslInteropTest {
    @TempDir
    Path dir;

    private S2mtls fresh() {
        return S2mtls.builder(new InMemoryCredentialStore(UUID.randomUUID().toString())).build();
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static String opensslSubject(Path cert) {
        String out = openssl("x509", "-in", cert.toString(), "-noout", "-subject", "-nameopt", "compat").out().strip();
        assertTrue(out.startsWith("subject="), out);
        return out.substring("subject=".length());
    }

    @Test
    void seedProcedureWithOpensslMadeCaAndCsr() throws Exception {
        // The manual openssl procedure's commands, run as written (CA key, CA certificate, client key and CSR) ...
        Path caKey = dir.resolve("ca-key.pem");
        Path caCert = dir.resolve("ca-cert.pem");
        Path clientKey = dir.resolve("client-key.pem");
        Path clientReq = dir.resolve("client-req.pem");
        openssl("genrsa", "-out", caKey.toString(), "4096");
        openssl("req", "-x509", "-new", "-nodes", "-key", caKey.toString(), "-sha256", "-days", "3650", "-out", caCert.toString(),
                "-subj", "/C=US/ST=CA/L=SanFrancisco/O=ExampleOrg/OU=IT/CN=Example-CA");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", clientKey.toString(), "-out", clientReq.toString(),
                "-subj", "/C=US/ST=CA/L=SanFrancisco/O=ExampleOrg/OU=Client/CN=client.example.com");
        // ... then our import and signing in place of 'openssl x509 -req'.
        S2mtls s2mtls = fresh();
        s2mtls.authority().importPem(Files.readAllBytes(caCert), caCert.toString(), Files.readAllBytes(caKey), caKey.toString(), Optional.empty(), false);
        IssuedCertificate issued = s2mtls.issuance().sign(Files.readAllBytes(clientReq), clientReq.toString(), 365,
                CertificateProfile.CLIENT, Optional.empty(), false);
        Path clientCert = write("client-cert.pem", Pem.certificate(issued.certificate()));
        assertEquals(clientCert + ": OK", openssl("verify", "-CAfile", caCert.toString(), clientCert.toString()).out().strip());
        assertEquals("/C=US/ST=CA/L=SanFrancisco/O=ExampleOrg/OU=Client/CN=client.example.com", opensslSubject(clientCert));
        assertEquals(opensslSubject(clientCert), issued.entry().subject());
        String reqSubject = openssl("req", "-in", clientReq.toString(), "-noout", "-subject", "-nameopt", "compat").out().strip();
        assertEquals("subject=" + issued.entry().subject(), reqSubject);
        assertEquals("client.example.com", issued.name());
        String text = openssl("x509", "-in", clientCert.toString(), "-noout", "-text").out();
        assertTrue(text.contains("sha256WithRSAEncryption"), text);
        assertTrue(text.contains("TLS Web Client Authentication"), text);
        assertTrue(text.contains("CA:FALSE"), text);
        assertTrue(text.contains("Digital Signature, Key Encipherment"), text);
        assertTrue(text.contains("X509v3 Authority Key Identifier"), text);
        assertTrue(text.contains("X509v3 Subject Key Identifier"), text);
    }

    @ParameterizedTest
    @EnumSource(KeySpec.class)
    void ourCaAndCredentialsVerifyWithOpenssl(KeySpec key) throws Exception {
        S2mtls s2mtls = fresh();
        KeySpec caKey = key == KeySpec.RSA_4096 || key == KeySpec.RSA_3072 ? KeySpec.RSA_2048 : key;
        CaMaterial ca = s2mtls.authority().create(DistinguishedName.parse("/O=s2mtls test/CN=CA " + key), caKey, 30, false);
        IssuedCertificate issued = s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/O=s2mtls test/CN=client+UID=42")).withKey(key));
        Path caFile = write("ca.pem", Pem.certificate(ca.certificate()));
        Path certFile = write("cert.pem", Pem.certificate(issued.certificate()));
        Path keyFile = write("key.pem", Pem.privateKey(issued.privateKey().orElseThrow()));
        assertEquals(certFile + ": OK", openssl("verify", "-purpose", "sslclient", "-CAfile", caFile.toString(), certFile.toString()).out().strip());
        // openssl reads our PKCS#8 key, and it is the certificate's key
        String keyPublic = openssl("pkey", "-in", keyFile.toString(), "-pubout").out();
        String certPublic = openssl("x509", "-in", certFile.toString(), "-noout", "-pubkey").out();
        assertEquals(certPublic, keyPublic);
        String caText = openssl("x509", "-in", caFile.toString(), "-noout", "-text").out();
        assertTrue(caText.contains("CA:TRUE"), caText);
        assertTrue(caText.matches("(?s).*Basic Constraints: critical.*"), caText);
        assertTrue(caText.contains("Certificate Sign, CRL Sign"), caText);
        assertTrue(!caText.contains("sha1With") && !caText.contains("md5With"), caText);
        assertEquals(opensslSubject(certFile), issued.entry().subject());
        assertEquals("/O=s2mtls test/CN=client+UID=42", issued.entry().subject());
    }

    @Test
    void serverCertificatesCarryServerAuthAndAltNames() throws Exception {
        S2mtls s2mtls = fresh();
        CaMaterial ca = s2mtls.authority().create(DistinguishedName.parse("/CN=Server CA"), KeySpec.EC_P256, 30, false);
        IssueCommand command = new IssueCommand(DistinguishedName.parse("/CN=db.example.com"), KeySpec.EC_P256, 30, Optional.of("db"),
                CertificateProfile.SERVER, SubjectAltName.parseList("DNS:db.example.com,IP:127.0.0.1"), false, false);
        IssuedCertificate issued = s2mtls.issuance().issue(command);
        Path caFile = write("ca.pem", Pem.certificate(ca.certificate()));
        Path certFile = write("server.pem", Pem.certificate(issued.certificate()));
        openssl("verify", "-purpose", "sslserver", "-CAfile", caFile.toString(), certFile.toString());
        openssl("verify", "-purpose", "sslserver", "-verify_hostname", "db.example.com", "-CAfile", caFile.toString(), certFile.toString());
        openssl("verify", "-purpose", "sslserver", "-verify_ip", "127.0.0.1", "-CAfile", caFile.toString(), certFile.toString());
        String text = openssl("x509", "-in", certFile.toString(), "-noout", "-text").out();
        assertTrue(text.contains("TLS Web Server Authentication"), text);
    }

    @Test
    void opensslReadsOurPkcs12WithAes256AndSha256() throws Exception {
        S2mtls s2mtls = fresh();
        CaMaterial ca = s2mtls.authority().create(DistinguishedName.parse("/CN=P12 CA"), KeySpec.EC_P256, 30, false);
        IssuedCertificate issued = s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/CN=p12 user")).withKey(KeySpec.EC_P256));
        byte[] p12 = Pkcs12Files.write("p12user", issued.privateKey().orElseThrow(), List.of(issued.certificate(), ca.certificate()),
                "pa55 word".toCharArray());
        Path file = dir.resolve("user.p12");
        Files.write(file, p12);
        List<String> info = List.of(ExternalTool.require("openssl").toString(), "pkcs12", "-info", "-in", file.toString(), "-passin", "env:P12PW", "-noout");
        ExternalTool.Result result = ExternalTool.run(info, null, Map.of("P12PW", "pa55 word"), null).requireSuccess(info);
        String all = result.out() + result.stderr();
        assertTrue(all.contains("MAC: sha256"), all);
        assertTrue(all.contains("PBES2, PBKDF2, AES-256-CBC"), all);
        assertTrue(all.contains("PRF hmacWithSHA256"), all);
        assertTrue(!all.contains("RC2") && !all.contains("3DES") && !all.contains("SHA1"), all);
        // the store's strength: at least 100,000 PBKDF2 iterations for the key and the certificates, and for the MAC
        java.util.regex.Matcher iterations = java.util.regex.Pattern.compile("Iteration (\\d+)").matcher(all);
        int counted = 0;
        while (iterations.find()) {
            assertTrue(Integer.parseInt(iterations.group(1)) >= Pkcs12Files.PBKDF2_ITERATIONS, all);
            counted++;
        }
        assertEquals(3, counted, all);
        assertTrue(Pkcs12Files.PBKDF2_ITERATIONS >= 100_000);
        List<String> dump = List.of(ExternalTool.require("openssl").toString(), "pkcs12", "-in", file.toString(), "-passin", "env:P12PW", "-nodes", "-nocerts");
        String keyPem = ExternalTool.run(dump, null, Map.of("P12PW", "pa55 word"), null).requireSuccess(dump).out();
        Path keyFile = write("from-p12.pem", keyPem);
        Path certFile = write("cert.pem", Pem.certificate(issued.certificate()));
        assertEquals(openssl("x509", "-in", certFile.toString(), "-noout", "-pubkey").out(),
                openssl("pkey", "-in", keyFile.toString(), "-pubout").out());
        // and it round-trips through our reader (and so through the JDK's PKCS12 KeyStore, which the JDBC driver uses)
        Pkcs12Files.KeyAndChain back = Pkcs12Files.read(p12, "pa55 word".toCharArray(), file.toString());
        assertArrayEquals(issued.privateKey().orElseThrow().getEncoded(), back.privateKey().getEncoded());
        assertEquals(2, back.chain().size());
    }

    @Test
    void importsEveryKeyFormatOpensslWrites() throws Exception {
        Path rsaKey = dir.resolve("rsa.pem");
        Path rsaPkcs1 = dir.resolve("rsa-pkcs1.pem");
        Path rsaEncrypted = dir.resolve("rsa-enc.pem");
        Path caCert = dir.resolve("ca.pem");
        openssl("genrsa", "-out", rsaKey.toString(), "2048");
        openssl("rsa", "-in", rsaKey.toString(), "-traditional", "-out", rsaPkcs1.toString());
        openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", rsaKey.toString(), "-out", rsaEncrypted.toString(), "-passout", "pass:secret");
        openssl("req", "-x509", "-new", "-key", rsaKey.toString(), "-sha256", "-days", "30", "-subj", "/CN=Imported CA", "-out", caCert.toString());
        assertTrue(Files.readString(rsaPkcs1).contains("BEGIN RSA PRIVATE KEY"));
        assertTrue(Files.readString(rsaEncrypted).contains("BEGIN ENCRYPTED PRIVATE KEY"));
        byte[] cert = Files.readAllBytes(caCert);
        for (Path key : List.of(rsaKey, rsaPkcs1)) {
            CaMaterial ca = fresh().authority().importPem(cert, caCert.toString(), Files.readAllBytes(key), key.toString(), Optional.empty(), false);
            assertEquals("/CN=Imported CA", Certificates.subjectOf(ca.certificate()).oneline());
        }
        fresh().authority().importPem(cert, caCert.toString(), Files.readAllBytes(rsaEncrypted), rsaEncrypted.toString(),
                Optional.of("secret".toCharArray()), false);
        // an EC key in SEC1 form
        Path ecKey = dir.resolve("ec.pem");
        Path ecCert = dir.resolve("ec-ca.pem");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", ecKey.toString());
        openssl("req", "-x509", "-new", "-key", ecKey.toString(), "-sha256", "-days", "30", "-subj", "/CN=EC CA", "-out", ecCert.toString());
        assertTrue(Files.readString(ecKey).contains("BEGIN EC PRIVATE KEY"));
        S2mtls ecStore = fresh();
        ecStore.authority().importPem(Files.readAllBytes(ecCert), ecCert.toString(), Files.readAllBytes(ecKey), ecKey.toString(), Optional.empty(), false);
        IssuedCertificate issued = ecStore.issuance().issue(IssueCommand.client(DistinguishedName.parse("/CN=via ec")).withKey(KeySpec.EC_P256));
        Path leaf = write("leaf.pem", Pem.certificate(issued.certificate()));
        assertEquals(leaf + ": OK", openssl("verify", "-CAfile", ecCert.toString(), leaf.toString()).out().strip());
        // a PKCS#12 made by openssl
        Path p12 = dir.resolve("ca.p12");
        List<String> export = List.of(ExternalTool.require("openssl").toString(), "pkcs12", "-export", "-inkey", rsaKey.toString(),
                "-in", caCert.toString(), "-out", p12.toString(), "-passout", "env:PW");
        ExternalTool.run(export, null, Map.of("PW", "p12pass"), null).requireSuccess(export);
        CaMaterial fromP12 = fresh().authority().importPkcs12(Files.readAllBytes(p12), p12.toString(), "p12pass".toCharArray(), false);
        assertEquals("/CN=Imported CA", Certificates.subjectOf(fromP12.certificate()).oneline());
    }
}
