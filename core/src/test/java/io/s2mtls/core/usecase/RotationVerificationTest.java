package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.doctor.CheckResult;
import io.s2mtls.core.doctor.DoctorReport;
import io.s2mtls.core.doctor.DoctorStep;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.VerificationResult;
import io.s2mtls.core.pki.VerificationResult.Failure;
import io.s2mtls.core.port.DoctorServer;
import io.s2mtls.core.testing.ExternalTool;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.x509.CertificateTemplate;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.KeyPairs;
import io.s2mtls.core.x509.Pem;
import io.s2mtls.core.x509.SigningKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cert verify} and the doctor in each phase of a root CA rotation: a credential passes when it chains to any
 * CA servers are told to trust, the result names that CA, and after the rotation finished a certificate of the
 * retired CA fails saying why; openssl verify against the same bundle agrees.
 */
class RotationVerificationTest {
    private static final Instant NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    private static final UserAccount APP = UserAccount.anyHost("alice");

    @TempDir
    Path dir;

    private InMemoryCredentialStore store;
    private S2mtls s2mtls;
    private CaMaterial oldCa;
    private CaMaterial nextCa;

    @BeforeEach
    void setUp() {
        RotationStates.BeforeRotation before = RotationStates.BeforeRotation.at(NOW);
        store = before.store();
        oldCa = before.oldCa();
        nextCa = before.nextCa();
        s2mtls = S2mtls.builder(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    }

    private IssuedCertificate issue(String name) {
        return s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/O=rotation/CN=" + name)).withKey(KeySpec.EC_P256).withName(name));
    }

    /** A client certificate signed by {@code ca} outside the store, as the next CA would sign it. */
    private static X509Certificate signedBy(CaMaterial ca, String cn) {
        KeyPair keys = KeyPairs.generate(KeySpec.EC_P256, new SecureRandom());
        CertificateTemplate template = new CertificateTemplate(DistinguishedName.parse("/O=rotation/CN=" + cn), keys.getPublic(),
                CertificateProfile.CLIENT, Certificates.randomSerial(new SecureRandom()), NOW.minus(Duration.ofMinutes(5)),
                NOW.plus(Duration.ofDays(30)), List.of());
        return Certificates.issue(template, ca.certificate(), SigningKey.local(ca.privateKey().orElseThrow(), ca.certificate().getPublicKey()));
    }

    private List<VerifyRequest.FileResult> verify(X509Certificate... certificates) {
        return s2mtls.verification().verifyFiles(new VerifyRequest(java.util.Arrays.stream(certificates)
                .map(c -> new VerifyRequest.Input(c.getSubjectX500Principal().getName(), () -> Pem.certificate(c).getBytes(StandardCharsets.US_ASCII)))
                .toList(), Optional.empty(), List.of(), true));
    }

    private boolean opensslAccepts(X509Certificate certificate) throws Exception {
        Path bundle = dir.resolve("bundle-" + UUID.randomUUID() + ".pem");
        StringBuilder text = new StringBuilder();
        store.index().authorities().orElseThrow().trustBundle().forEach(c -> text.append(Pem.certificate(c)));
        Files.writeString(bundle, text.toString());
        Path leaf = dir.resolve("leaf-" + UUID.randomUUID() + ".pem");
        Files.writeString(leaf, Pem.certificate(certificate));
        ExternalTool.Result result = ExternalTool.run(List.of(ExternalTool.require("openssl").toString(), "verify", "-purpose", "sslclient",
                "-CAfile", bundle.toString(), leaf.toString()));
        return result.exitCode() == 0 && result.out().contains(": OK");
    }

    @Test
    void duringARotationBothCasVerifyAndEachResultNamesItsCa() throws Exception {
        X509Certificate alice = issue("alice").certificate();
        RotationStates.begun(store, oldCa, nextCa);
        X509Certificate fromNext = signedBy(nextCa, "early");

        List<VerifyRequest.FileResult> begun = verify(alice, fromNext);
        assertTrue(begun.get(0).ok() && begun.get(1).ok(), begun.toString());
        assertEquals(new VerifyRequest.ChainsTo("/O=rotation/CN=Old CA", hex(oldCa), Optional.of("issuing")), begun.get(0).chainsTo().orElseThrow());
        assertEquals(new VerifyRequest.ChainsTo("/O=rotation/CN=Next CA", hex(nextCa), Optional.of("next")), begun.get(1).chainsTo().orElseThrow());
        assertTrue(s2mtls.verification().verify(fromNext).isOk(), "the next CA is trusted from begin on");
        assertTrue(opensslAccepts(alice) && opensslAccepts(fromNext));

        RotationStates.switched(store, oldCa, nextCa);
        List<VerifyRequest.FileResult> switched = verify(alice, fromNext);
        assertEquals(Optional.of("previous"), switched.get(0).chainsTo().orElseThrow().role());
        assertEquals(Optional.of("issuing"), switched.get(1).chainsTo().orElseThrow().role());
        assertTrue(s2mtls.verification().verify(alice).isOk(), "the previous CA stays trusted until finish");
        assertTrue(opensslAccepts(alice) && opensslAccepts(fromNext));
    }

    @Test
    void afterFinishACertificateOfTheRetiredCaFailsWithAClearReason() throws Exception {
        X509Certificate alice = issue("alice").certificate();
        RotationStates.switched(store, oldCa, nextCa);
        X509Certificate bob = issue("bob").certificate();
        RotationStates.finished(store, nextCa);

        VerificationResult refused = s2mtls.verification().verify(alice);
        assertEquals(Optional.of(Failure.UNKNOWN_ISSUER), refused.failure(), refused.describe());
        assertTrue(refused.describe().contains("which the store no longer holds"), refused.describe());
        assertTrue(refused.describe().contains("s2mtls cert renew alice"), refused.describe());
        List<VerifyRequest.FileResult> files = verify(alice, bob);
        assertFalse(files.get(0).ok());
        assertEquals(Optional.empty(), files.get(0).chainsTo());
        assertTrue(files.get(0).reason().startsWith("unable to get local issuer certificate ("), files.get(0).reason());
        assertTrue(files.get(1).ok(), files.toString());
        assertFalse(opensslAccepts(alice), "openssl refuses it as well");
        assertTrue(opensslAccepts(bob));
    }

    @Test
    void theDoctorTrustsBothCasOfARotationAndExplainsARetiredOne() {
        issue("alice");
        DoctorUseCaseTest.Server server = new DoctorUseCaseTest.Server(new DoctorServer.ClientCaBundle("", List.of(), List.of("no server bundle here")));
        RotationStates.switched(store, oldCa, nextCa);

        DoctorReport switched = s2mtls.doctor().diagnose(DoctorUseCase.Request.stored(APP, "alice"), server).report();
        CheckResult chain = switched.check(DoctorStep.CHAIN);
        assertEquals(CheckResult.Status.PASS, chain.status(), chain.toString());
        assertTrue(chain.summary().contains("the store's CA /O=rotation/CN=Old CA (serial " + hex(oldCa) + ", previous, rotation switched)"),
                chain.summary());
        assertTrue(chain.details().stream().anyMatch(d -> d.startsWith("the store's CA /O=rotation/CN=Next CA (serial " + hex(nextCa)
                + ", issuing, rotation switched): no")), chain.details().toString());

        RotationStates.finished(store, nextCa);
        DoctorReport finished = s2mtls.doctor().diagnose(DoctorUseCase.Request.stored(APP, "alice"), server).report();
        CheckResult retired = finished.check(DoctorStep.CHAIN);
        assertEquals(CheckResult.Status.FAIL, retired.status(), retired.toString());
        assertTrue(retired.details().stream().anyMatch(d -> d.contains("which it no longer holds") && d.contains("s2mtls cert renew alice")),
                retired.details().toString());
    }

    @Test
    void duringARotationEachCaHasItsOwnCrlAndOpensslFindsEveryRevocation() throws Exception {
        issue("alice");
        X509Certificate keep = issue("keep").certificate();
        RotationStates.switched(store, oldCa, nextCa);
        X509Certificate aliceOld = store.credential("alice").orElseThrow().certificate();
        X509Certificate bob = issue("bob").certificate();
        X509Certificate carol = issue("carol").certificate();
        s2mtls.lifecycle().revoke("alice", "test");
        String crl = s2mtls.lifecycle().revoke("bob", "test").crlPem();

        List<java.security.cert.X509CRL> crls = s2mtls.verification().readCrls(crl.getBytes(StandardCharsets.US_ASCII), "crl.pem",
                store.index().authorities().orElseThrow().trustBundle());
        assertEquals(List.of("CN=Next CA,O=rotation", "CN=Old CA,O=rotation"), crls.stream().map(c -> c.getIssuerX500Principal().getName()).toList(),
                "the issuing CA's CRL first, then the previous CA's");
        assertTrue(crls.get(0).isRevoked(bob) && !crls.get(0).isRevoked(aliceOld));
        assertTrue(crls.get(1).isRevoked(aliceOld) && !crls.get(1).isRevoked(bob));

        Path bundle = dir.resolve("bundle.pem");
        StringBuilder text = new StringBuilder();
        store.index().authorities().orElseThrow().trustBundle().forEach(c -> text.append(Pem.certificate(c)));
        Files.writeString(bundle, text.toString());
        Path crlFile = dir.resolve("crl.pem");
        Files.writeString(crlFile, crl);
        for (X509Certificate certificate : List.of(aliceOld, bob, keep, carol)) {
            Path leaf = dir.resolve("leaf-" + UUID.randomUUID() + ".pem");
            Files.writeString(leaf, Pem.certificate(certificate));
            ExternalTool.Result result = ExternalTool.run(List.of(ExternalTool.require("openssl").toString(), "verify", "-purpose", "sslclient",
                    "-crl_check", "-CRLfile", crlFile.toString(), "-CAfile", bundle.toString(), leaf.toString()));
            boolean revoked = certificate == aliceOld || certificate == bob;
            assertEquals(revoked, (result.out() + result.stderr()).contains("certificate revoked"), result.out() + result.stderr());
            assertEquals(!revoked, result.exitCode() == 0, result.out() + result.stderr());
            VerificationResult ours = s2mtls.verification().verify(certificate, List.of(), store.index().authorities().orElseThrow().trustBundle(),
                    true, crls);
            assertEquals(revoked ? Optional.of(Failure.REVOKED) : Optional.empty(), ours.failure(), ours.describe());
        }
    }

    private static String hex(CaMaterial ca) {
        return ca.certificate().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
    }
}
