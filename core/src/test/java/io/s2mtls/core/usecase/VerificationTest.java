package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.VerificationResult;
import io.s2mtls.core.pki.VerificationResult.Failure;
import io.s2mtls.core.testing.ExternalTool;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.testing.TestPki;
import io.s2mtls.core.x509.Pem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static io.s2mtls.core.testing.ExternalTool.openssl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each failure reason, checked beside openssl verify on the same files. */
class VerificationTest {
    @TempDir
    Path dir;

    private final Instant now = Instant.now();
    private S2mtls s2mtls;
    private CaMaterial ca;
    private Path caFile;

    @BeforeEach
    void createCa() throws Exception {
        s2mtls = S2mtls.builder(new InMemoryCredentialStore(UUID.randomUUID().toString()))
                .clock(Clock.fixed(now, ZoneOffset.UTC)).build();
        ca = s2mtls.authority().create(DistinguishedName.parse("/O=verify/CN=Verify CA"), KeySpec.EC_P256, 3650, false);
        caFile = write("ca.pem", ca.certificate());
    }

    private Path write(String name, X509Certificate certificate) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, Pem.certificate(certificate));
        return file;
    }

    private Failure ours(X509Certificate certificate, Instant at) {
        S2mtls at2 = S2mtls.builder(new InMemoryCredentialStore(UUID.randomUUID().toString())).clock(Clock.fixed(at, ZoneOffset.UTC)).build();
        return at2.verification().verify(certificate, List.of(ca.certificate()), true).failure().orElse(null);
    }

    private String opensslVerdict(Path cert, Instant at, String purpose) {
        List<String> command = List.of(ExternalTool.require("openssl").toString(), "verify", "-purpose", purpose,
                "-attime", Long.toString(at.getEpochSecond()), "-CAfile", caFile.toString(), cert.toString());
        ExternalTool.Result result = ExternalTool.run(command);
        return result.out() + result.stderr();
    }

    private X509Certificate client(String cn) {
        return s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/CN=" + cn)).withKey(KeySpec.EC_P256).withDays(30)).certificate();
    }

    @Test
    void goodCertificatePassesBoth() throws Exception {
        X509Certificate cert = client("good");
        assertEquals(null, ours(cert, now));
        assertTrue(opensslVerdict(write("good.pem", cert), now, "sslclient").contains(": OK"));
    }

    @Test
    void expiredAndNotYetValid() throws Exception {
        X509Certificate cert = client("dated");
        Path file = write("dated.pem", cert);
        Instant later = now.plus(Duration.ofDays(31));
        assertEquals(Failure.EXPIRED, ours(cert, later));
        assertTrue(opensslVerdict(file, later, "sslclient").contains("certificate has expired"));
        Instant earlier = now.minus(Duration.ofHours(1));
        // the CA was made at the same moment; openssl checks dates from the root down, and so do we
        assertEquals(Failure.CA_NOT_YET_VALID, ours(cert, earlier));
        assertTrue(opensslVerdict(file, earlier, "sslclient").contains("certificate is not yet valid"));
    }

    @Test
    void anotherCasCertificateHasAnUnknownIssuer() throws Exception {
        S2mtls other = S2mtls.builder(new InMemoryCredentialStore(UUID.randomUUID().toString())).build();
        other.authority().create(DistinguishedName.parse("/O=elsewhere/CN=Other CA"), KeySpec.EC_P256, 30, false);
        X509Certificate foreign = other.issuance().issue(IssueCommand.client(DistinguishedName.parse("/CN=foreign")).withKey(KeySpec.EC_P256)).certificate();
        assertEquals(Failure.UNKNOWN_ISSUER, ours(foreign, now));
        assertTrue(opensslVerdict(write("foreign.pem", foreign), now, "sslclient").contains("unable to get local issuer certificate"));
    }

    @Test
    void sameNameDifferentKeyIsABadSignature() throws Exception {
        // an impostor CA with the very same subject name signs a certificate
        S2mtls impostor = S2mtls.builder(new InMemoryCredentialStore(UUID.randomUUID().toString())).build();
        impostor.authority().create(DistinguishedName.parse("/O=verify/CN=Verify CA"), KeySpec.EC_P256, 30, false);
        X509Certificate forged = impostor.issuance().issue(IssueCommand.client(DistinguishedName.parse("/CN=forged")).withKey(KeySpec.EC_P256)).certificate();
        assertEquals(Failure.BAD_SIGNATURE, ours(forged, now));
        // openssl matches issuers by name and key identifier, so it calls this one unknown; both refuse it
        assertTrue(opensslVerdict(write("forged.pem", forged), now, "sslclient").contains("verification failed"));
    }

    @Test
    void aTamperedSignatureFailsBoth() throws Exception {
        byte[] der = client("tampered").getEncoded();
        der[der.length - 3] ^= 0x01;
        X509Certificate tampered = Pem.readCertificate(der, "tampered.der");
        assertEquals(Failure.BAD_SIGNATURE, ours(tampered, now));
        assertTrue(opensslVerdict(write("tampered.pem", tampered), now, "sslclient").contains("certificate signature failure"));
    }

    @Test
    void aLeafSignedByANonCaIsRejected() throws Exception {
        KeyPair leafKeys = TestPki.ecKeyPair();
        KeyPair notCaKeys = TestPki.ecKeyPair();
        X509Certificate notCa = TestPki.selfSigned(notCaKeys, "CN=not a CA", false);
        X509Certificate leaf = TestPki.signed(leafKeys, "CN=leaf", notCaKeys, "CN=not a CA", false);
        S2mtls verifier = S2mtls.builder(new InMemoryCredentialStore(UUID.randomUUID().toString())).build();
        assertEquals(Optional.of(Failure.ISSUER_NOT_CA), verifier.verification().verify(leaf, List.of(notCa), true).failure());
        Path bundle = write("notca.pem", notCa);
        Path leafFile = write("leaf.pem", leaf);
        List<String> command = List.of(ExternalTool.require("openssl").toString(), "verify", "-CAfile", bundle.toString(), leafFile.toString());
        ExternalTool.Result result = ExternalTool.run(command);
        assertTrue(result.exitCode() != 0, result.out());
    }

    @Test
    void aServerCertificateCannotLogIn() throws Exception {
        X509Certificate server = s2mtls.issuance().issue(new IssueCommand(DistinguishedName.parse("/CN=db"), KeySpec.EC_P256, 30,
                Optional.empty(), CertificateProfile.SERVER, List.of(), false, false)).certificate();
        assertEquals(Failure.UNSUITABLE_PURPOSE, ours(server, now));
        assertTrue(opensslVerdict(write("server.pem", server), now, "sslclient").contains("unsuitable certificate purpose"));
    }

    @Test
    void sha1SignaturesAreWeak() throws Exception {
        Path key = dir.resolve("sha1-key.pem");
        Path cert = dir.resolve("sha1-ca.pem");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-sha1", "-days", "30",
                "-subj", "/CN=SHA1 CA", "-out", cert.toString());
        Path leafKey = dir.resolve("leaf-key.pem");
        Path csr = dir.resolve("leaf.csr");
        Path leaf = dir.resolve("leaf.pem");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", leafKey.toString(), "-subj", "/CN=sha1 leaf", "-out", csr.toString());
        openssl("x509", "-req", "-in", csr.toString(), "-CA", cert.toString(), "-CAkey", key.toString(), "-CAcreateserial",
                "-sha1", "-days", "10", "-out", leaf.toString());
        X509Certificate leafCert = Pem.readCertificate(Files.readAllBytes(leaf), leaf.toString());
        X509Certificate caCert = Pem.readCertificate(Files.readAllBytes(cert), cert.toString());
        S2mtls verifier = S2mtls.builder(new InMemoryCredentialStore(UUID.randomUUID().toString())).build();
        assertEquals(Optional.of(Failure.WEAK_SIGNATURE), verifier.verification().verify(leafCert, List.of(caCert), true).failure());
    }

    private String opensslCrlVerdict(Path cert, Path crl, Instant at) {
        List<String> command = List.of(ExternalTool.require("openssl").toString(), "verify", "-auth_level", "2", "-purpose", "sslclient",
                "-crl_check", "-CRLfile", crl.toString(), "-attime", Long.toString(at.getEpochSecond()), "-CAfile", caFile.toString(), cert.toString());
        ExternalTool.Result result = ExternalTool.run(command);
        return result.out() + result.stderr();
    }

    @Test
    void aCertificateTheStoreRecordsAsRevokedIsRevoked() throws Exception {
        IssuedCertificate issued = s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/CN=gone")).withKey(KeySpec.EC_P256).withDays(30));
        assertTrue(s2mtls.verification().verify(issued.certificate()).isOk());
        LifecycleUseCase.Revocation revocation = s2mtls.lifecycle().revoke(issued.name(), "left the company");

        VerificationResult ours = s2mtls.verification().verify(issued.certificate());
        assertEquals(Optional.of(Failure.REVOKED), ours.failure());
        assertTrue(ours.describe().startsWith("certificate revoked (the store records serial "), ours.describe());
        // against a given bundle too; and without the store, the CRL it wrote refuses it as openssl does
        VerificationResult withCa = s2mtls.verification().verifyWithStoreRevocations(issued.certificate(), List.of(), List.of(ca.certificate()), true, List.of());
        assertEquals(Optional.of(Failure.REVOKED), withCa.failure());
        Path crl = dir.resolve("crl.pem");
        Files.writeString(crl, revocation.crlPem());
        List<X509CRL> crls = s2mtls.verification().readCrls(Files.readAllBytes(crl), crl.toString(), List.of(ca.certificate()));
        S2mtls noStore = S2mtls.builder(new InMemoryCredentialStore(UUID.randomUUID().toString())).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
        assertEquals(Optional.of(Failure.REVOKED), noStore.verification().verify(issued.certificate(), List.of(), List.of(ca.certificate()), true, crls).failure());
        assertTrue(opensslCrlVerdict(write("gone.pem", issued.certificate()), crl, now).contains("certificate revoked"));

        // a certificate the CRL does not list passes both
        X509Certificate kept = client("kept");
        assertTrue(noStore.verification().verify(kept, List.of(), List.of(ca.certificate()), true, crls).isOk());
        assertTrue(opensslCrlVerdict(write("kept.pem", kept), crl, now).contains(": OK"));
    }

    @Test
    void aCrlFromAnotherCaIsBadInputNamingTheFile() throws Exception {
        X509Certificate cert = client("checked");
        // an impostor CA with the very same name makes a CRL: its signature does not verify with our CA's key
        S2mtls impostor = S2mtls.builder(new InMemoryCredentialStore(UUID.randomUUID().toString())).build();
        impostor.authority().create(DistinguishedName.parse("/O=verify/CN=Verify CA"), KeySpec.EC_P256, 30, false);
        Path forged = dir.resolve("forged-crl.pem");
        Files.writeString(forged, impostor.lifecycle().crl());
        S2mtlsException e = assertThrows(S2mtlsException.class,
                () -> s2mtls.verification().readCrls(Files.readAllBytes(forged), forged.toString(), List.of(ca.certificate())));
        assertEquals(ErrorKind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().startsWith(forged + ": the CRL's signature does not verify"), e.getMessage());
        assertTrue(!opensslCrlVerdict(write("checked.pem", cert), forged, now).contains(": OK"));

        // a CRL from a CA that is not in the bundle at all
        S2mtls other = S2mtls.builder(new InMemoryCredentialStore(UUID.randomUUID().toString())).build();
        other.authority().create(DistinguishedName.parse("/CN=Other CA"), KeySpec.EC_P256, 30, false);
        Path foreign = dir.resolve("foreign-crl.pem");
        Files.writeString(foreign, other.lifecycle().crl());
        e = assertThrows(S2mtlsException.class,
                () -> s2mtls.verification().readCrls(Files.readAllBytes(foreign), foreign.toString(), List.of(ca.certificate())));
        assertTrue(e.getMessage().contains("not a CA in the bundle"), e.getMessage());

        Path garbage = dir.resolve("garbage.crl");
        Files.writeString(garbage, "not a CRL at all\n");
        e = assertThrows(S2mtlsException.class,
                () -> s2mtls.verification().readCrls(Files.readAllBytes(garbage), garbage.toString(), List.of(ca.certificate())));
        assertEquals(ErrorKind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().startsWith(garbage + ": "), e.getMessage());
    }

    @Test
    void anExpiredCrlIsBadInputAsOpensslRefusesIt() throws Exception {
        X509Certificate cert = client("late");
        Path crl = dir.resolve("old-crl.pem");
        Files.writeString(crl, s2mtls.lifecycle().crl());
        Instant later = now.plus(Duration.ofDays(8)); // the CRL is valid for 7 days, the certificate for 30
        S2mtls laterOn = S2mtls.builder(new InMemoryCredentialStore(UUID.randomUUID().toString())).clock(Clock.fixed(later, ZoneOffset.UTC)).build();
        S2mtlsException e = assertThrows(S2mtlsException.class,
                () -> laterOn.verification().readCrls(Files.readAllBytes(crl), crl.toString(), List.of(ca.certificate())));
        assertTrue(e.getMessage().startsWith(crl + ": the CRL has expired"), e.getMessage());
        assertTrue(opensslCrlVerdict(write("late.pem", cert), crl, later).contains("CRL has expired"));
    }
}
