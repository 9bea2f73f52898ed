package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.usecase.LifecycleUseCase.Renewal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Renewal in each phase of a CA rotation: which CA signs, what is selected, and the subject's DER kept byte for byte. */
class RotationRenewalTest {
    private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");

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
        s2mtls = at(NOW);
    }

    private S2mtls at(Instant instant) {
        return S2mtls.builder(store).clock(Clock.fixed(instant, ZoneOffset.UTC)).build();
    }

    /**
     * A subject with a PrintableString (C), a UTF8String (O, with non-ASCII text) and a multi-valued RDN (CN + UID),
     * encoded directly so that no parser of the code under test chooses the encodings.
     */
    static DistinguishedName mixedSubject(String cn) {
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        builder.addRDN(BCStyle.C, new DERPrintableString("DE"));
        builder.addRDN(BCStyle.O, new DERUTF8String("Müller & Söhne"));
        builder.addMultiValuedRDN(new ASN1ObjectIdentifier[] {BCStyle.CN, BCStyle.UID},
                new ASN1Encodable[] {new DERUTF8String(cn), new DERPrintableString("u-" + cn)});
        try {
            return DistinguishedName.fromDer(builder.build().getEncoded("DER"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private IssuedCertificate issue(String name, int days) {
        return s2mtls.issuance().issue(IssueCommand.client(mixedSubject(name)).withKey(KeySpec.EC_P256).withDays(days).withName(name));
    }

    private static boolean signedBy(X509Certificate certificate, CaMaterial ca) {
        try {
            certificate.verify(ca.certificate().getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static String hex(X509Certificate certificate) {
        return HexFormat.of().formatHex(certificate.getSubjectX500Principal().getEncoded());
    }

    @Test
    void inPhaseBegunRenewalStillSignsWithTheOldCa() {
        IssuedCertificate before = issue("alice", 90);
        RotationStates.begun(store, oldCa, nextCa);

        List<Renewal> renewed = s2mtls.lifecycle().renew(RenewRequest.all(Optional.empty(), Optional.empty(), 1, done -> { }), Optional.empty());

        assertEquals(1, renewed.size());
        IssuedCertificate fresh = renewed.get(0).renewed();
        assertTrue(signedBy(fresh.certificate(), oldCa), "the old CA still issues in phase begun");
        assertEquals(Optional.of(oldCa.certificate().getSerialNumber()), fresh.entry().issuer());
        assertArrayEquals(before.certificate().getSubjectX500Principal().getEncoded(), fresh.certificate().getSubjectX500Principal().getEncoded());
        // servers are told to trust both CAs from now on
        assertEquals(List.of(oldCa.certificate(), nextCa.certificate()), fresh.trustBundle());
        // renewing 'what the rotation still needs' makes no sense before the switch: refused with the fix
        S2mtlsException refused = assertThrows(S2mtlsException.class, () -> s2mtls.lifecycle().renew(
                RenewRequest.rotation(Optional.empty(), Optional.empty(), 1, done -> { }), Optional.empty()));
        assertTrue(refused.getMessage().contains("ca rotate switch"), refused.getMessage());
    }

    @Test
    void renewAllAfterTheSwitchMovesEveryCredentialToTheNewCaKeepingEachSubjectDer() {
        Map<String, IssuedCertificate> before = List.of("alice", "bob", "carol").stream()
                .collect(Collectors.toMap(n -> n, n -> issue(n, 90)));
        RotationStates.switched(store, oldCa, nextCa);

        List<Renewal> renewed = s2mtls.lifecycle().renew(RenewRequest.all(Optional.empty(), Optional.empty(), 2, done -> { }), Optional.empty());

        assertEquals(3, renewed.size());
        for (Renewal renewal : renewed) {
            IssuedCertificate fresh = renewal.renewed();
            X509Certificate old = before.get(fresh.name()).certificate();
            assertTrue(signedBy(fresh.certificate(), nextCa), fresh.name() + " is signed by the new CA");
            assertEquals(Optional.of(nextCa.certificate().getSerialNumber()), fresh.entry().issuer());
            assertEquals(hex(old), hex(fresh.certificate()), fresh.name() + ": the subject DER is kept byte for byte");
            assertEquals(before.get(fresh.name()).entry().subject(), fresh.entry().subject());
            assertEquals(CertificateStatus.SUPERSEDED, store.index().entry(old.getSerialNumber()).orElseThrow().status());
            assertEquals(List.of(nextCa.certificate(), oldCa.certificate()), fresh.trustBundle());
        }
        // nothing is left on the old CA: the rotation selection finds none
        assertEquals(List.of(), s2mtls.lifecycle().renew(RenewRequest.rotation(Optional.empty(), Optional.empty(), 1, done -> { }), Optional.empty()));
    }

    @Test
    void theRotationSelectionTakesOnlyValidUnexpiredCredentialsStillOnTheOldCa() {
        issue("alice", 90);
        issue("bob", 90);
        issue("revoked", 90);
        issue("shortlived", 1);
        s2mtls.lifecycle().revoke("revoked", "test");
        RotationStates.switched(store, oldCa, nextCa);
        // bob moved already
        s2mtls.lifecycle().renew(List.of("bob"), Optional.empty(), Optional.empty(), 1, done -> { });

        S2mtls later = at(NOW.plus(Duration.ofDays(2)));
        List<Renewal> renewed = later.lifecycle().renew(RenewRequest.rotation(Optional.empty(), Optional.empty(), 1, done -> { }), Optional.empty());

        assertEquals(List.of("alice"), renewed.stream().map(r -> r.renewed().name()).toList());
        assertTrue(signedBy(renewed.get(0).renewed().certificate(), nextCa));
        // 'all' takes the expired one too (as 'renew --due' does), never the revoked one
        List<Renewal> all = later.lifecycle().renew(RenewRequest.all(Optional.empty(), Optional.empty(), 1, done -> { }), Optional.empty());
        assertEquals(java.util.Set.of("bob", "shortlived", "alice"), all.stream().map(r -> r.renewed().name()).collect(Collectors.toSet()));
        // a revoked credential is refused by name, as before
        S2mtlsException revoked = assertThrows(S2mtlsException.class, () -> later.lifecycle().renew(List.of("revoked"),
                Optional.empty(), Optional.empty(), 1, done -> { }));
        assertTrue(revoked.getMessage().contains("revoked"), revoked.getMessage());
    }

    @Test
    void outsideARotationTheRotationSelectionIsEmptyAndNamedRenewalIsUnchanged() {
        issue("alice", 90);
        assertEquals(List.of(), s2mtls.lifecycle().renew(RenewRequest.rotation(Optional.empty(), Optional.empty(), 1, done -> { }), Optional.empty()));
        List<Renewal> renewed = s2mtls.lifecycle().renew(new RenewRequest(List.of("alice"), Optional.empty(), Optional.empty(), Optional.empty(), 1,
                done -> { }), Optional.empty());
        assertEquals(RenewRequest.Selection.NAMED, new RenewRequest(List.of("alice"), Optional.empty(), Optional.empty(), Optional.empty(), 1,
                done -> { }).selection());
        assertTrue(signedBy(renewed.get(0).renewed().certificate(), oldCa));
        InventoryEntry entry = renewed.get(0).renewed().entry();
        assertEquals(Optional.of(oldCa.certificate().getSerialNumber()), entry.issuer());
        assertEquals(List.of(), renewed.get(0).renewed().clientChain(), "a root signed it: the client presents no chain");
    }
}
