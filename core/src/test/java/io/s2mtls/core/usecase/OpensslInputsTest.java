package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.SubjectAltName;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.x509.CertificateSummary;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.KeyPairs;
import io.s2mtls.core.x509.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static io.s2mtls.core.testing.ExternalTool.openssl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inputs made by the real openssl: a PKCS#12 intermediate with its chain, RSA-PSS with SHA-1, and what cert show reads. */
class OpensslInputsTest {
    @TempDir
    Path dir;

    private String path(String name) {
        return dir.resolve(name).toString();
    }

    private byte[] read(String name) throws Exception {
        return Files.readAllBytes(dir.resolve(name));
    }

    private static S2mtls fresh() {
        return S2mtls.builder(new InMemoryCredentialStore(UUID.randomUUID().toString())).build();
    }

    @Test
    void aPkcs12IntermediateBringsItsChainAlong() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("root.key"), "-out", path("root.pem"),
                "-subj", "/CN=P12 Root", "-days", "30");
        Files.writeString(dir.resolve("ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
        openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", path("mid.key"), "-out", path("mid.csr"), "-subj", "/CN=P12 Middle");
        openssl("x509", "-req", "-in", path("mid.csr"), "-CA", path("root.pem"), "-CAkey", path("root.key"), "-CAcreateserial",
                "-days", "30", "-extfile", path("ca.ext"), "-out", path("mid.pem"));
        openssl("pkcs12", "-export", "-inkey", path("mid.key"), "-in", path("mid.pem"), "-certfile", path("root.pem"),
                "-out", path("mid.p12"), "-passout", "pass:secret");
        openssl("pkcs12", "-export", "-inkey", path("mid.key"), "-in", path("mid.pem"), "-out", path("alone.p12"), "-passout", "pass:secret");

        S2mtls s2mtls = fresh();
        S2mtlsException alone = assertThrows(S2mtlsException.class,
                () -> s2mtls.authority().importPkcs12(read("alone.p12"), "alone.p12", "secret".toCharArray(), false));
        assertEquals(ErrorKind.BAD_INPUT, alone.kind());
        assertTrue(alone.getMessage().startsWith("alone.p12: ") && alone.getMessage().contains("--chain"), alone.getMessage());
        // the root given beside a PKCS#12 that lacks it
        CaMaterial beside = s2mtls.authority().importPkcs12(read("alone.p12"), "alone.p12", "secret".toCharArray(),
                Optional.of(new AuthorityUseCase.ChainFile(read("root.pem"), "root.pem")), false);
        assertEquals(List.of(Pem.readCertificate(read("root.pem"), "root.pem")), beside.chain());

        CaMaterial ca = fresh().authority().importPkcs12(read("mid.p12"), "mid.p12", "secret".toCharArray(), false);
        X509Certificate root = Pem.readCertificate(read("root.pem"), "root.pem");
        assertEquals(List.of(root), ca.chain());
        assertEquals("/CN=P12 Middle", Certificates.subjectOf(ca.certificate()).oneline());
    }

    @Test
    void aCsrSignedWithSha1InsideRsaPssIsRefused() throws Exception {
        openssl("genrsa", "-out", path("rsa.key"), "2048");
        openssl("req", "-new", "-key", path("rsa.key"), "-subj", "/CN=pss", "-sha1", "-sigopt", "rsa_padding_mode:pss", "-out", path("pss.csr"));
        assertTrue(openssl("req", "-in", path("pss.csr"), "-noout", "-text").out().contains("rsassaPss"));
        S2mtls s2mtls = fresh();
        s2mtls.authority().create(DistinguishedName.parse("/CN=CA"), KeySpec.EC_P256, 30, false);
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> s2mtls.issuance().sign(read("pss.csr"), "pss.csr", 30,
                CertificateProfile.CLIENT, Optional.empty(), false));
        assertEquals(ErrorKind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().startsWith("pss.csr: ") && e.getMessage().contains("SHA-1"), e.getMessage());
        // with SHA-256 the same key and padding are fine
        openssl("req", "-new", "-key", path("rsa.key"), "-subj", "/CN=pss", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-out", path("pss256.csr"));
        assertEquals("/CN=pss", s2mtls.issuance().sign(read("pss256.csr"), "pss256.csr", 30, CertificateProfile.CLIENT,
                Optional.empty(), false).entry().subject());
    }

    @Test
    void twoCsrsUnderOneNameAreRefusedBeforeAnythingIsStored() throws Exception {
        S2mtls s2mtls = fresh();
        s2mtls.authority().create(DistinguishedName.parse("/CN=CA"), KeySpec.EC_P256, 30, false);
        byte[] one = s2mtls.issuance().createRequest(DistinguishedName.parse("/CN=one"), KeySpec.EC_P256, false).request().pem()
                .getBytes(StandardCharsets.US_ASCII);
        byte[] two = s2mtls.issuance().createRequest(DistinguishedName.parse("/CN=two"), KeySpec.EC_P256, false).request().pem()
                .getBytes(StandardCharsets.US_ASCII);
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> s2mtls.issuance().signAll(List.of(
                new IssuanceUseCase.SignRequest(one, "one.csr", Optional.of("same")),
                new IssuanceUseCase.SignRequest(two, "two.csr", Optional.of("same"))), 30, CertificateProfile.CLIENT, false, 1));
        assertEquals(ErrorKind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("'same'"), e.getMessage());
        assertTrue(s2mtls.inventory().list().isEmpty(), "nothing recorded");
    }

    @Test
    void certShowFactsMatchOpensslAndTheJdk() throws Exception {
        S2mtls s2mtls = fresh();
        s2mtls.authority().create(DistinguishedName.parse("/CN=CA"), KeySpec.RSA_2048, 30, false);
        IssuedCertificate server = s2mtls.issuance().issue(new IssueCommand(DistinguishedName.parse("/O=Org/CN=db.example"),
                KeySpec.EC_P256, 30, Optional.empty(), CertificateProfile.SERVER,
                SubjectAltName.parseList("DNS:db.example,IP:192.0.2.7,IP:2001:db8::1"), false, false));
        X509Certificate certificate = server.certificate();
        Files.writeString(dir.resolve("server.pem"), Pem.certificate(certificate));
        CertificateSummary summary = CertificateSummary.read(read("server.pem"), "server.pem");
        assertEquals(Certificates.subjectOf(certificate), summary.subject());
        assertEquals(Certificates.issuerOf(certificate), summary.issuer());
        assertEquals(certificate.getSerialNumber(), summary.serial());
        assertEquals(certificate.getNotAfter().toInstant(), summary.notAfter());
        assertEquals(KeyPairs.describe(certificate.getPublicKey()), summary.key());
        assertEquals(certificate.getSigAlgName(), summary.signatureAlgorithm());
        assertEquals(List.of("serverAuth"), summary.extendedKeyUsage());
        List<String> jdkNames = certificate.getSubjectAlternativeNames().stream()
                .map(san -> ((Integer) san.get(0) == 2 ? "DNS:" : "IP:") + san.get(1)).toList();
        assertEquals(jdkNames, summary.subjectAltNames());
        assertEquals(Certificates.sha256Fingerprint(certificate), summary.sha256());
        String fingerprint = openssl("x509", "-in", path("server.pem"), "-noout", "-fingerprint", "-sha256").out().strip();
        assertEquals(fingerprint.substring(fingerprint.indexOf('=') + 1).replace(":", "").toLowerCase(java.util.Locale.ROOT), summary.sha256());
    }
}
