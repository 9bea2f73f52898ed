package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.pki.VerificationResult;
import io.s2mtls.core.testing.ExternalTool;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.usecase.LifecycleUseCase.Renewal;
import io.s2mtls.core.x509.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A root CA rotation through the rotation use case, with renewal doing the reissue: begin, renew in phase begun (still
 * the old CA), switch, renew all (the new CA, each subject's DER kept), finish; at every step each live credential
 * verifies against the bundle servers were given at begin, per openssl; after finish the old certificates are refused.
 */
class RotationEndToEndTest {
    private static final Instant NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    @TempDir
    Path dir;

    private final InMemoryCredentialStore store = new InMemoryCredentialStore(UUID.randomUUID().toString());
    private final S2mtls s2mtls = S2mtls.builder(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

    private Path bundleFile(String name) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, store.index().authorities().orElseThrow().trustBundle().stream().map(Pem::certificate).collect(Collectors.joining()));
        return file;
    }

    private boolean opensslAccepts(Path bundle, X509Certificate certificate) throws Exception {
        Path leaf = dir.resolve("leaf-" + UUID.randomUUID() + ".pem");
        Files.writeString(leaf, Pem.certificate(certificate));
        ExternalTool.Result result = ExternalTool.run(List.of(ExternalTool.require("openssl").toString(), "verify", "-purpose", "sslclient",
                "-CAfile", bundle.toString(), leaf.toString()));
        return result.exitCode() == 0;
    }

    private List<Renewal> renewAll() {
        return s2mtls.lifecycle().renew(RenewRequest.all(Optional.empty(), Optional.empty(), 2, done -> { }), Optional.empty());
    }

    @Test
    void beginRenewSwitchRenewAllFinish() throws Exception {
        X509Certificate oldCa = s2mtls.authority().create(DistinguishedName.parse("/O=e2e/CN=CA 2026"), KeySpec.EC_P256, 3650, false).certificate();
        Map<String, X509Certificate> first = List.of("alice", "bob").stream().collect(Collectors.toMap(n -> n, n -> s2mtls.issuance()
                .issue(IssueCommand.client(RotationRenewalTest.mixedSubject(n)).withKey(KeySpec.EC_P256).withName(n)).certificate()));
        s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/CN=gone")).withKey(KeySpec.EC_P256).withName("gone"));
        s2mtls.lifecycle().revoke("gone", "left");

        s2mtls.rotation().begin(new RotationUseCase.BeginRequest(Optional.of(DistinguishedName.parse("/O=e2e/CN=CA 2027")),
                Optional.of(KeySpec.EC_P256), Optional.empty(), OptionalInt.empty(), Optional.empty()));
        Path begun = bundleFile("begun.pem");
        List<Renewal> stillOld = renewAll();
        assertTrue(stillOld.stream().allMatch(r -> r.renewed().entry().issuer().equals(Optional.of(oldCa.getSerialNumber()))),
                "phase begun: the old CA signs renewals");

        s2mtls.rotation().switchOver();
        X509Certificate newCa = store.index().authority().orElseThrow().certificate();
        List<Renewal> moved = renewAll();
        assertEquals(2, moved.size(), "the revoked credential is not renewed");
        for (Renewal renewal : moved) {
            X509Certificate fresh = renewal.renewed().certificate();
            assertEquals(Optional.of(newCa.getSerialNumber()), renewal.renewed().entry().issuer());
            assertArrayEquals(first.get(renewal.renewed().name()).getSubjectX500Principal().getEncoded(), fresh.getSubjectX500Principal().getEncoded());
            assertTrue(opensslAccepts(begun, fresh), "the bundle deployed at begin already trusts the new CA");
        }
        for (Renewal renewal : stillOld) {
            assertTrue(opensslAccepts(begun, renewal.renewed().certificate()), "and still the old one");
        }

        s2mtls.rotation().finish(false);
        assertEquals(RotationPhase.NONE, store.index().authorities().orElseThrow().phase());
        Path finished = bundleFile("finished.pem");
        X509Certificate aliceNow = store.credential("alice").orElseThrow().certificate();
        assertTrue(s2mtls.verification().verify(aliceNow).isOk());
        assertTrue(opensslAccepts(finished, aliceNow));
        VerificationResult old = s2mtls.verification().verify(first.get("alice"));
        assertFalse(old.isOk());
        assertTrue(old.describe().contains("which the store no longer holds"), old.describe());
        assertFalse(opensslAccepts(finished, first.get("alice")), "after finish the old certificate is refused");
    }
}
