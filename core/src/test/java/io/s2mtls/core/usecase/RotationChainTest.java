package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.testing.ExternalTool;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.x509.Pem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chains an intermediate CA's certificates carry, through a rotation to the next intermediate under the same
 * root: what the client presents, what servers trust, what an export names; each checked by openssl verify.
 */
class RotationChainTest {
    private static final Instant NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    @TempDir
    Path dir;

    private InMemoryCredentialStore store;
    private S2mtls s2mtls;
    private CaMaterial root;
    private CaMaterial first;
    private CaMaterial second;

    @BeforeEach
    void setUp() {
        store = new InMemoryCredentialStore(UUID.randomUUID().toString());
        s2mtls = S2mtls.builder(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        root = RotationStates.root("/O=chain/CN=Chain Root", NOW);
        first = RotationStates.intermediate(root, "/O=chain/CN=Issuing 1", NOW);
        second = RotationStates.intermediate(root, "/O=chain/CN=Issuing 2", NOW);
        // an offline root: the store holds the intermediate and the root's certificate in its chain, not the root's key
        RotationStates.set(store, AuthoritySet.single(first));
    }

    private IssuedCertificate issue(String name) {
        return s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/O=chain/CN=" + name)).withKey(KeySpec.EC_P256).withName(name));
    }

    private Path pem(String name, List<X509Certificate> certificates) throws Exception {
        Path file = dir.resolve(name);
        StringBuilder text = new StringBuilder();
        certificates.forEach(c -> text.append(Pem.certificate(c)));
        Files.writeString(file, text.toString());
        return file;
    }

    /** openssl verify's verdict on {@code leaf} presented with {@code presented}, trusting {@code trusted}. */
    private String openssl(List<X509Certificate> trusted, List<X509Certificate> presented, X509Certificate leaf) throws Exception {
        List<String> command = new ArrayList<>(List.of(ExternalTool.require("openssl").toString(), "verify", "-purpose", "sslclient",
                "-CAfile", pem("trusted-" + UUID.randomUUID() + ".pem", trusted).toString()));
        if (!presented.isEmpty()) {
            command.addAll(List.of("-untrusted", pem("presented-" + UUID.randomUUID() + ".pem", presented).toString()));
        }
        command.add(pem("leaf-" + UUID.randomUUID() + ".pem", List.of(leaf)).toString());
        ExternalTool.Result result = ExternalTool.run(command);
        return result.out() + result.stderr();
    }

    @Test
    void anIntermediatesCertificateCarriesTheClientChainWithoutTheRootAndServersTrustTheWholeChain() throws Exception {
        IssuedCertificate alice = issue("alice");

        assertEquals(List.of(first.certificate()), alice.clientChain(), "the intermediate, not the root");
        assertEquals(List.of(first.certificate(), root.certificate()), alice.caBundle());
        assertEquals(List.of(first.certificate(), root.certificate()), alice.trustBundle());
        assertEquals(first.certificate(), alice.caCertificate());
        // a server that trusts only the root needs the client to present the intermediate
        assertTrue(openssl(List.of(root.certificate()), alice.clientChain(), alice.certificate()).contains(": OK"));
        assertTrue(!openssl(List.of(root.certificate()), List.of(), alice.certificate()).contains(": OK"));
        // the trust bundle alone is enough
        assertTrue(openssl(alice.trustBundle(), List.of(), alice.certificate()).contains(": OK"));
        assertTrue(s2mtls.verification().verify(alice.certificate()).isOk());
    }

    @Test
    void throughARotationEachCredentialKeepsTheChainOfTheCaThatSignedItAndTheBundleOfBegunTrustsBoth() throws Exception {
        IssuedCertificate alice = issue("alice");
        RotationStates.set(store, new AuthoritySet(first, Optional.of(second), Optional.empty(), RotationPhase.BEGUN));
        IssuedCertificate bob = issue("bob");
        // the bundle servers get at begin: both intermediates, the shared root once
        List<X509Certificate> begunBundle = bob.trustBundle();
        assertEquals(List.of(first.certificate(), root.certificate(), second.certificate()), begunBundle);
        assertEquals(List.of(first.certificate()), bob.clientChain(), "phase begun: the old intermediate still signs");

        RotationStates.set(store, new AuthoritySet(second, Optional.of(first), Optional.empty(), RotationPhase.SWITCHED));
        IssuedCertificate renewed = s2mtls.lifecycle().renew(List.of("bob"), Optional.empty(), Optional.empty(), 1, done -> { }).get(0).renewed();
        assertEquals(List.of(second.certificate()), renewed.clientChain());
        assertEquals(List.of(second.certificate(), root.certificate(), first.certificate()), renewed.trustBundle());

        // a server that got the bundle at begin accepts both, with no chain presented
        assertTrue(openssl(begunBundle, List.of(), alice.certificate()).contains(": OK"));
        assertTrue(openssl(begunBundle, List.of(), renewed.certificate()).contains(": OK"));

        // an export names the CA that signed the credential, not the one that issues now
        InventoryUseCase.CredentialExport aliceExport = s2mtls.inventory().export("alice");
        assertEquals(first.certificate(), aliceExport.caCertificate());
        assertEquals(List.of(first.certificate()), aliceExport.clientChain());
        assertEquals(List.of(first.certificate(), root.certificate()), aliceExport.caBundle());
        assertEquals(renewed.trustBundle(), aliceExport.trustBundle());
        InventoryUseCase.CredentialExport bobExport = s2mtls.inventory().export("bob");
        assertEquals(second.certificate(), bobExport.caCertificate());
        assertEquals(List.of(second.certificate()), bobExport.clientChain());
        assertEquals(Optional.of(first.certificate()), s2mtls.inventory().signingCa("alice").map(ca -> ca.certificate()));
        assertTrue(openssl(List.of(root.certificate()), aliceExport.clientChain(), aliceExport.credential().certificate()).contains(": OK"));
        assertTrue(openssl(List.of(root.certificate()), bobExport.clientChain(), bobExport.credential().certificate()).contains(": OK"));

        // cert verify names the CA each chains to
        List<VerifyRequest.FileResult> results = s2mtls.verification().verifyFiles(new VerifyRequest(List.of(
                new VerifyRequest.Input("alice.pem", () -> Pem.certificate(alice.certificate()).getBytes()),
                new VerifyRequest.Input("bob.pem", () -> Pem.certificate(renewed.certificate()).getBytes())), Optional.empty(), List.of(), true));
        assertEquals(Optional.of("previous"), results.get(0).chainsTo().orElseThrow().role(), results.toString());
        assertEquals("/O=chain/CN=Issuing 1", results.get(0).chainsTo().orElseThrow().subject());
        assertEquals(Optional.of("issuing"), results.get(1).chainsTo().orElseThrow().role(), results.toString());
        assertEquals(second.certificate().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT),
                results.get(1).chainsTo().orElseThrow().serial());
    }
}
