package io.s2mtls.core.policy;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.usecase.IssueCommand;
import io.s2mtls.core.usecase.RotationStates;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.UserAccount;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plan and apply during a CA rotation: the credentials still on the old CA are listed, and reissued after the switch. */
class PlanRotationTest {
    private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");

    private final InMemoryCredentialStore store = new InMemoryCredentialStore("plan-rotation-" + UUID.randomUUID());
    private final S2mtls s2mtls = S2mtls.builder(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).actor("test").build();
    private final FakeDirectory server = new FakeDirectory(true);
    private final CaMaterial oldCa = RotationStates.root("/O=policy/CN=Old CA", NOW);
    private final CaMaterial nextCa = RotationStates.root("/O=policy/CN=Next CA", NOW);
    private final Policy policy = new Policy("rotation", PolicyDefaults.standard(), List.of(
            new PolicyUser(UserAccount.anyHost("reader"), PolicyUser.Requirement.SUBJECT, DistinguishedName.parse("/O=Org/CN=reader"),
                    List.of(PrivilegeGrant.parse("SELECT ON appdb.*")), "reader"),
            new PolicyUser(UserAccount.anyHost("batch"), PolicyUser.Requirement.X509, DistinguishedName.parse("/CN=batch"),
                    List.of(PrivilegeGrant.parse("SELECT ON appdb.*")), "batch")));
    /** reader's subject, as the server compares it the same as the policy's, but every value a PrintableString. */
    private byte[] printableReader;

    @BeforeEach
    void applyThePolicyUnderTheOldCa() throws Exception {
        RotationStates.set(store, AuthoritySet.single(oldCa));
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        builder.addRDN(BCStyle.O, new DERPrintableString("Org"));
        builder.addRDN(BCStyle.CN, new DERPrintableString("reader"));
        printableReader = builder.build().getEncoded("DER");
        DistinguishedName subject = DistinguishedName.fromDer(printableReader);
        assertEquals("/O=Org/CN=reader", subject.oneline());
        assertFalse(java.util.Arrays.equals(printableReader, DistinguishedName.parse("/O=Org/CN=reader").toDer()),
                "the policy's own encoding differs, so only a renewal keeps this one");
        s2mtls.issuance().issue(IssueCommand.client(subject).withKey(KeySpec.EC_P256).withName("reader"));
        apply();
        assertTrue(plan().isEmpty());
    }

    private Plan plan() {
        return s2mtls.policy().plan(policy, server, Optional.empty());
    }

    private PolicyUseCase.Applied apply() {
        return s2mtls.policy().apply(policy, server, Optional.empty(), new PolicyUseCase.ApplyOptions(2, 100),
                plan -> Optional.of(PolicyApply.Progress.NONE));
    }

    private X509Certificate current(String name) {
        return store.credential(name).orElseThrow().certificate();
    }

    private static boolean signedBy(X509Certificate certificate, CaMaterial ca) {
        try {
            certificate.verify(ca.certificate().getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void outsideARotationANoOpPlanStaysANoOp() {
        Plan plan = plan();
        assertTrue(plan.isEmpty());
        assertEquals(List.of(), plan.rotationReissues());
        assertEquals(new Plan(plan.policy(), plan.server(), plan.certificates(), plan.users(), plan.untouched(), plan.warnings()), plan);
    }

    @Test
    void inPhaseBegunThePlanListsTheCredentialsAndApplyLeavesThem() {
        RotationStates.begun(store, oldCa, nextCa);
        X509Certificate before = current("reader");

        Plan plan = plan();
        assertEquals(List.of("reader", "batch"), plan.rotationReissues().stream().map(Plan.RotationReissue::credential).toList());
        assertTrue(plan.rotationReissues().stream().allMatch(Plan.RotationReissue::afterSwitch));
        assertEquals("needs reissue after 'ca rotate switch'", plan.rotationReissues().get(0).action());
        assertTrue(plan.isEmpty(), "nothing apply can do before the switch");
        assertEquals(Optional.empty(), apply().result());
        assertEquals(before, current("reader"));
    }

    @Test
    void inPhaseSwitchedApplyReissuesUnderTheNewCaKeepingEachSubjectDer() {
        RotationStates.switched(store, oldCa, nextCa);
        X509Certificate reader = current("reader");

        Plan plan = plan();
        assertFalse(plan.isEmpty());
        assertEquals(List.of(), plan.certificates());
        Plan.RotationReissue first = plan.rotationReissues().get(0);
        assertEquals("reader", first.credential());
        assertEquals(reader.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT), first.serial());
        assertEquals("reader@%", first.userKey());
        assertEquals("reissue (CA rotation)", first.action());
        assertEquals(2, plan.reissuesNow().size());

        PolicyUseCase.Applied applied = apply();
        assertEquals(2, applied.result().orElseThrow().issued());
        assertEquals(0, applied.result().orElseThrow().executed(), "no account changes: REQUIRE SUBJECT still matches");
        X509Certificate renewed = current("reader");
        assertTrue(signedBy(renewed, nextCa));
        assertArrayEquals(printableReader, renewed.getSubjectX500Principal().getEncoded(), "the subject DER is kept byte for byte");
        assertTrue(signedBy(current("batch"), nextCa));
        assertEquals(CertificateStatus.SUPERSEDED, store.index().entry(reader.getSerialNumber()).orElseThrow().status());

        Plan after = plan();
        assertTrue(after.isEmpty(), after.toString());
        assertEquals(List.of(), after.rotationReissues());
    }
}
