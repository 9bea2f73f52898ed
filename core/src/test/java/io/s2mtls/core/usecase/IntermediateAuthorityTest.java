package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.testing.ExternalTool;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.Pem;
import io.s2mtls.core.x509.Pkcs12Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static io.s2mtls.core.usecase.RotationTesting.NOW;
import static io.s2mtls.core.usecase.RotationTesting.assertEveryLiveCredentialChains;
import static io.s2mtls.core.usecase.RotationTesting.beginDefaults;
import static io.s2mtls.core.usecase.RotationTesting.beginWithKeyReference;
import static io.s2mtls.core.usecase.RotationTesting.beginWithRoot;
import static io.s2mtls.core.usecase.RotationTesting.core;
import static io.s2mtls.core.usecase.RotationTesting.dn;
import static io.s2mtls.core.usecase.RotationTesting.events;
import static io.s2mtls.core.usecase.RotationTesting.issue;
import static io.s2mtls.core.usecase.RotationTesting.newStore;
import static io.s2mtls.core.usecase.RotationTesting.refused;
import static io.s2mtls.core.usecase.RotationTesting.reissue;
import static io.s2mtls.core.usecase.RotationTesting.signers;
import static io.s2mtls.core.usecase.RotationTesting.verifyWithRoot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A root that signs an intermediate, the root key exported and removed, and rotations of the intermediate under the same root. */
class IntermediateAuthorityTest {
    @TempDir
    Path dir;

    private static AuthorityUseCase.IntermediateRequest local(int rootDays, int days, boolean replace) {
        return new AuthorityUseCase.IntermediateRequest(dn("/O=Example/CN=Example Root"), Optional.of(KeySpec.EC_P384), Optional.empty(), rootDays,
                dn("/O=Example/CN=Example Issuing CA"), Optional.of(KeySpec.EC_P256), Optional.empty(), days, replace);
    }

    private static String hex(X509Certificate certificate) {
        return certificate.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
    }

    @Test
    void aRootSignsAnIntermediateThatIssuesAndOpensslAcceptsTheChain() throws Exception {
        String name = newStore();
        InMemoryCredentialStore store = new InMemoryCredentialStore(name);
        S2mtls s2mtls = core(name);
        AuthoritySet made = s2mtls.authority().createIntermediate(local(100, 200, false));
        X509Certificate root = made.root().orElseThrow().certificate();
        X509Certificate intermediate = made.issuing().certificate();

        assertEquals(1, root.getBasicConstraints(), "the root allows one CA below it");
        assertEquals(0, intermediate.getBasicConstraints(), "the intermediate signs end-entity certificates only");
        for (X509Certificate ca : List.of(root, intermediate)) {
            boolean[] usage = ca.getKeyUsage();
            assertTrue(usage[5] && usage[6], "keyCertSign and cRLSign: " + ca.getSubjectX500Principal());
            assertEquals(null, Certificates.caProblem(ca));
        }
        assertTrue(Certificates.selfIssued(root));
        root.verify(root.getPublicKey());
        intermediate.verify(root.getPublicKey());
        assertEquals(root.getNotAfter(), intermediate.getNotAfter(), "the intermediate asked for 200 days ends with its 100-day root");
        assertEquals(List.of(root), made.issuing().chain());
        assertTrue(made.root().orElseThrow().privateKey().isPresent());

        AuthoritySet stored = store.authorities().orElseThrow();
        assertEquals(made.state(), stored.state());
        assertEquals(RotationPhase.NONE, stored.phase());
        assertEquals(List.of(intermediate, root), store.index().authorities().orElseThrow().trustBundle());
        AuditEvent created = events(store, "ca.create").get(0);
        assertEquals(Optional.of(hex(intermediate)), created.serial());
        assertEquals("intermediate under root '/O=Example/CN=Example Root' serial " + hex(root), created.detail().orElseThrow());

        IssuedCertificate alice = issue(s2mtls, "alice");
        assertEquals(intermediate, alice.caCertificate());
        ExternalTool.Result chained = verifyWithRoot(dir, root, List.of(intermediate), alice.certificate(), NOW);
        assertEquals(0, chained.exitCode(), chained.out() + chained.stderr());
        ExternalTool.Result withoutIntermediate = verifyWithRoot(dir, root, List.of(), alice.certificate(), NOW);
        assertNotEquals(0, withoutIntermediate.exitCode(), "the root alone does not verify the leaf: the intermediate is a real link");
        assertEquals(1, assertEveryLiveCredentialChains(s2mtls, store, dir, NOW));
    }

    @Test
    void createIntermediateRefusesToReplaceACaUnlessAskedAndRefusesOneKeyForBoth() {
        String name = newStore();
        InMemoryCredentialStore store = new InMemoryCredentialStore(name);
        S2mtls s2mtls = core(name);
        CaMaterial first = s2mtls.authority().create(dn("/CN=First CA"), KeySpec.EC_P256, 30, false);
        assertEquals("memory:" + name + ": already holds a CA ('/CN=First CA'); pass --force to replace it (certificates it issued stop"
                + " verifying against the new one)", refused(store, () -> s2mtls.authority().createIntermediate(local(100, 50, false))));
        AuthoritySet replaced = s2mtls.authority().createIntermediate(local(100, 50, true));
        assertNotEquals(first.certificate(), replaced.issuing().certificate());
        assertEquals(replaced.state(), store.authorities().orElseThrow().state());

        io.s2mtls.core.testing.InMemorySigner shared = new io.s2mtls.core.testing.InMemorySigner();
        S2mtls remote = RotationTesting.core(new InMemoryCredentialStore(newStore()), NOW, signers("test:one", shared));
        AuthorityUseCase.IntermediateRequest oneKey = new AuthorityUseCase.IntermediateRequest(dn("/CN=Root"), Optional.empty(),
                Optional.of("test:one"), 100, dn("/CN=Issuing"), Optional.empty(), Optional.of("test:one"), 50, false);
        assertTrue(assertThrows(S2mtlsException.class, () -> remote.authority().createIntermediate(oneKey)).getMessage()
                .contains("the intermediate's key is the root's"));
        AuthorityUseCase.IntermediateRequest oneName = new AuthorityUseCase.IntermediateRequest(dn("/CN=Same"), Optional.of(KeySpec.EC_P256),
                Optional.empty(), 100, dn("/CN=Same"), Optional.of(KeySpec.EC_P256), Optional.empty(), 50, false);
        assertTrue(assertThrows(S2mtlsException.class, () -> remote.authority().createIntermediate(oneName)).getMessage()
                .startsWith("--subject: the intermediate's subject '/CN=Same' is the root's"));
    }

    @Test
    void caCreateForceDuringARotationReplacesEveryCa() {
        String name = newStore();
        InMemoryCredentialStore store = new InMemoryCredentialStore(name);
        S2mtls s2mtls = core(name);
        s2mtls.authority().createIntermediate(local(100, 50, false));
        s2mtls.rotation().begin(beginDefaults());
        assertTrue(refused(store, () -> s2mtls.authority().create(dn("/CN=Fresh CA"), KeySpec.EC_P256, 30, false))
                .contains("already holds a CA ('/O=Example/CN=Example Issuing CA', in a rotation begun)"));

        CaMaterial fresh = s2mtls.authority().create(dn("/CN=Fresh CA"), KeySpec.EC_P256, 30, true);
        AuthoritySet after = store.authorities().orElseThrow();
        assertEquals(AuthoritySet.single(fresh).state(), after.state(), "no rotation, no root key left behind");
        assertEquals(Authorities.single(io.s2mtls.core.pki.CaCertificates.of(fresh)), store.index().authorities().orElseThrow());
    }

    @Test
    void caCreateForceRefusesCasChangedByAnotherCommandMeanwhile() {
        String name = newStore();
        InMemoryCredentialStore plain = new InMemoryCredentialStore(name);
        S2mtls other = core(name);
        other.authority().create(dn("/CN=Seen CA"), KeySpec.EC_P256, 30, false);
        AtomicInteger commits = new AtomicInteger();
        RotationTesting.RacingStore racing = new RotationTesting.RacingStore(plain).beforeCommit(batch -> {
            if (commits.incrementAndGet() == 1) {
                other.rotation().begin(beginDefaults()); // the issuing CA stays; only the rest of the CA state changes
            }
        });
        S2mtls s2mtls = RotationTesting.core(racing, NOW, Map.of());
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> s2mtls.authority().create(dn("/CN=Fresh CA"), KeySpec.EC_P256, 30, true));
        assertEquals("memory:" + name + ": another command replaced the store's CA while this one ran; nothing was changed, run it again", e.getMessage());
        assertEquals(RotationPhase.BEGUN, plain.index().authorities().orElseThrow().phase(), "the rotation the operator never saw is kept");
        assertEquals(plain.index().authorities().orElseThrow().state(), plain.authorities().orElseThrow().state());
    }

    @Test
    void theRootKeyIsExportedBeforeItIsRemoved() {
        String name = newStore();
        InMemoryCredentialStore store = new InMemoryCredentialStore(name);
        S2mtls s2mtls = core(name);
        s2mtls.authority().create(dn("/CN=Plain CA"), KeySpec.EC_P256, 30, false);
        assertTrue(refused(store, () -> s2mtls.authority().exportRoot()).startsWith("the store's CA is a root, not an intermediate"));
        assertTrue(refused(store, () -> s2mtls.authority().removeRoot(true)).startsWith("the store's CA is a root, not an intermediate"));

        AuthoritySet made = s2mtls.authority().createIntermediate(local(100, 50, true));
        CaMaterial root = made.root().orElseThrow();
        assertEquals("the root's key ('/O=Example/CN=Example Root' serial " + hex(root.certificate()) + ") was never exported, so removing it"
                + " would lose it; run 's2mtls ca root export --out FILE' first, or pass --force", refused(store, () -> s2mtls.authority().removeRoot(false)));

        S2mtlsException diskFull = S2mtlsException.badInput("root.pem: no space left on device");
        assertEquals(diskFull, assertThrows(S2mtlsException.class, () -> s2mtls.authority().exportRoot(material -> {
            throw diskFull;
        })));
        assertTrue(events(store, "ca.root.export").isEmpty(), "an export whose file was not written is not recorded");
        assertTrue(refused(store, () -> s2mtls.authority().removeRoot(false)).contains("was never exported"));

        CaMaterial exported = s2mtls.authority().exportRoot();
        assertEquals(root.certificate(), exported.certificate());
        assertEquals(root.privateKey(), exported.privateKey());
        assertEquals(Optional.of(hex(root.certificate())), events(store, "ca.root.export").get(0).serial());

        Authorities without = s2mtls.authority().removeRoot(false);
        assertTrue(without.root().isEmpty());
        assertEquals(List.of(root.certificate()), without.issuing().chain(), "the root certificate stays in the chain");
        assertEquals(without, store.index().authorities().orElseThrow());
        assertTrue(store.authorities().orElseThrow().root().isEmpty(), "no root key in the store");
        assertEquals("root key removed after export", events(store, "ca.root.remove").get(0).detail().orElseThrow());
        String gone = "the store does not hold the root's key (it was removed or never imported); the root certificate is in the chain,"
                + " exported with 's2mtls ca export --bundle'";
        assertEquals(gone, refused(store, () -> s2mtls.authority().exportRoot()));
        assertEquals(gone, refused(store, () -> s2mtls.authority().removeRoot(true)));

        S2mtls forced = core(newStore());
        forced.authority().createIntermediate(local(100, 50, false));
        assertTrue(forced.authority().removeRoot(true).root().isEmpty());
    }

    @Test
    void anOfflineRootFromPemFilesSignsTheNextIntermediateAndIsNeverStored() throws Exception {
        String name = newStore();
        InMemoryCredentialStore store = new InMemoryCredentialStore(name);
        S2mtls s2mtls = core(name);
        AuthoritySet made = s2mtls.authority().createIntermediate(local(365, 100, false));
        CaMaterial root = s2mtls.authority().exportRoot();
        s2mtls.authority().removeRoot(false);
        issue(s2mtls, "alice");

        assertEquals("the root key is not in the store; give the root exported with 'ca root export' (--root-file)",
                refused(store, () -> s2mtls.rotation().begin(beginDefaults())));
        byte[] rootPem = Pem.certificate(root.certificate()).getBytes(StandardCharsets.US_ASCII);
        byte[] rootKey = Pem.privateKey(root.privateKey().orElseThrow()).getBytes(StandardCharsets.US_ASCII);

        CaMaterial stranger = core(newStore()).authority().create(dn("/O=Example/CN=Example Root"), KeySpec.EC_P384, 30, false);
        byte[] strangerPem = Pem.certificate(stranger.certificate()).getBytes(StandardCharsets.US_ASCII);
        byte[] strangerKey = Pem.privateKey(stranger.privateKey().orElseThrow()).getBytes(StandardCharsets.US_ASCII);
        assertEquals("--root-file other-root.pem: holds '/O=Example/CN=Example Root' serial " + hex(stranger.certificate())
                        + ", not the root of the store's CA ('/O=Example/CN=Example Root' serial " + hex(root.certificate())
                        + "); give the root exported with 's2mtls ca root export'",
                refused(store, () -> s2mtls.rotation().begin(beginWithRoot(new AuthorityUseCase.PemFiles(strangerPem, "other-root.pem",
                        strangerKey, "other-root.key", Optional.empty())))));
        assertEquals("root.key: this private key does not belong to the root certificate in root.pem; give the root's own key",
                refused(store, () -> s2mtls.rotation().begin(beginWithRoot(new AuthorityUseCase.PemFiles(rootPem, "root.pem",
                        strangerKey, "root.key", Optional.empty())))));

        RotationStatus begun = s2mtls.rotation().begin(beginWithRoot(new AuthorityUseCase.PemFiles(rootPem, "root.pem", rootKey, "root.key", Optional.empty())));
        X509Certificate next = begun.authorities().next().orElseThrow().certificate();
        next.verify(root.certificate().getPublicKey());
        assertEquals(0, next.getBasicConstraints());
        assertEquals(Certificates.subjectOf(made.issuing().certificate()), Certificates.subjectOf(next), "the same subject as the current intermediate");
        assertEquals(List.of(root.certificate()), begun.authorities().next().orElseThrow().chain());
        assertTrue(store.authorities().orElseThrow().root().isEmpty(), "the offline root is never stored");
        assertEquals(List.of(made.issuing().certificate(), root.certificate(), next), begun.authorities().trustBundle());
        assertEquals(1, assertEveryLiveCredentialChains(s2mtls, store, dir, NOW));

        s2mtls.rotation().switchOver();
        IssuedCertificate bob = issue(s2mtls, "bob");
        ExternalTool.Result chained = verifyWithRoot(dir, root.certificate(), List.of(next), bob.certificate(), NOW);
        assertEquals(0, chained.exitCode(), chained.out() + chained.stderr());
        assertEquals(2, assertEveryLiveCredentialChains(s2mtls, store, dir, NOW));
        reissue(s2mtls, "alice");
        RotationStatus finished = s2mtls.rotation().finish(false);
        assertEquals(List.of(next, root.certificate()), finished.authorities().trustBundle());
        assertEquals(2, assertEveryLiveCredentialChains(s2mtls, store, dir, NOW));
    }

    @Test
    void anOfflineRootFromAPkcs12FileSignsTheNextIntermediate() throws Exception {
        String name = newStore();
        InMemoryCredentialStore store = new InMemoryCredentialStore(name);
        S2mtls s2mtls = core(name);
        s2mtls.authority().createIntermediate(local(365, 100, false));
        CaMaterial root = s2mtls.authority().exportRoot();
        s2mtls.authority().removeRoot(false);
        char[] password = "root-secret".toCharArray();
        byte[] p12 = Pkcs12Files.write("root", root.privateKey().orElseThrow(), List.of(root.certificate()), password);

        assertTrue(refused(store, () -> s2mtls.rotation().begin(beginWithRoot(new AuthorityUseCase.Pkcs12File(p12, "root.p12", "wrong".toCharArray()))))
                .startsWith("root.p12: "));
        RotationStatus begun = s2mtls.rotation().begin(beginWithRoot(new AuthorityUseCase.Pkcs12File(p12, "root.p12", password)));
        begun.authorities().next().orElseThrow().certificate().verify(root.certificate().getPublicKey());
        assertTrue(store.authorities().orElseThrow().root().isEmpty());
    }

    @Test
    void aRootOfTheStoreSignsTheNextIntermediateAndARootCaRefusesARootFile() throws Exception {
        String name = newStore();
        InMemoryCredentialStore store = new InMemoryCredentialStore(name);
        S2mtls s2mtls = core(name);
        AuthoritySet made = s2mtls.authority().createIntermediate(local(365, 100, false));
        issue(s2mtls, "alice");
        RotationStatus begun = s2mtls.rotation().begin(beginDefaults());
        X509Certificate next = begun.authorities().next().orElseThrow().certificate();
        next.verify(made.root().orElseThrow().certificate().getPublicKey());
        assertEquals("EC P-256", io.s2mtls.core.x509.KeyPairs.describe(next.getPublicKey()), "the intermediate's key type, not the root's");
        assertEquals(made.root().orElseThrow().certificate(), store.authorities().orElseThrow().root().orElseThrow().certificate(), "the root stays");
        assertEquals(1, assertEveryLiveCredentialChains(s2mtls, store, dir, NOW));
        assertEquals(List.of(), begun.warnings(), "a 100-day intermediate under a 365-day root ends before it");

        S2mtls plain = core(newStore());
        CaMaterial ca = plain.authority().create(dn("/CN=Root CA"), KeySpec.EC_P256, 30, false);
        byte[] pem = Pem.certificate(ca.certificate()).getBytes(StandardCharsets.US_ASCII);
        byte[] key = Pem.privateKey(ca.privateKey().orElseThrow()).getBytes(StandardCharsets.US_ASCII);
        assertTrue(assertThrows(S2mtlsException.class, () -> plain.rotation().begin(beginWithRoot(
                new AuthorityUseCase.PemFiles(pem, "ca.pem", key, "ca.key", Optional.empty())))).getMessage()
                .startsWith("--root-file: the store's CA '/CN=Root CA' is a root"));
    }

    @Test
    void anIntermediateCutShortByItsRootIsWarnedAbout() {
        String name = newStore();
        S2mtls s2mtls = core(name);
        AuthoritySet made = s2mtls.authority().createIntermediate(local(100, 200, false));
        String rootEnd = made.root().orElseThrow().certificate().getNotAfter().toInstant().toString();
        String warning = "the CA '/O=Example/CN=Example Issuing CA' ends with its root '/O=Example/CN=Example Root' on " + rootEnd
                + ": no intermediate under this root can be valid past that date; replace the root before then";
        assertEquals(List.of(warning), s2mtls.rotation().status(List.of()).warnings(), "the issuing intermediate asked for 200 days");
        RotationStatus begun = s2mtls.rotation().begin(beginDefaults());
        assertEquals(List.of(warning, warning), begun.warnings(), "the next one, copying its 200 days, is cut short too");

        S2mtls roots = core(newStore());
        roots.authority().create(dn("/CN=Root CA"), KeySpec.EC_P256, 30, false);
        assertEquals(List.of(), roots.rotation().begin(beginDefaults()).warnings(), "a root CA ends when it says");
    }

    @Test
    void aRemoteRootAndARemoteIntermediateRotateUnderTheSameRoot() throws Exception {
        String name = newStore();
        InMemoryCredentialStore store = new InMemoryCredentialStore(name);
        io.s2mtls.core.testing.InMemorySigner rootSigner = new io.s2mtls.core.testing.InMemorySigner(KeySpec.EC_P384);
        io.s2mtls.core.testing.InMemorySigner first = new io.s2mtls.core.testing.InMemorySigner();
        io.s2mtls.core.testing.InMemorySigner second = new io.s2mtls.core.testing.InMemorySigner();
        S2mtls s2mtls = RotationTesting.core(store, NOW, signers("test:root", rootSigner, "test:ca", first, "test:ca-2", second));
        AuthoritySet made = s2mtls.authority().createIntermediate(new AuthorityUseCase.IntermediateRequest(dn("/CN=Remote Root"), Optional.empty(),
                Optional.of("test:root"), 365, dn("/CN=Remote Issuing"), Optional.empty(), Optional.of("test:ca"), 100, false));
        assertEquals(Optional.of("test:root"), store.authorities().orElseThrow().root().orElseThrow().keyReference());
        assertEquals(Optional.of("test:ca"), store.authorities().orElseThrow().issuing().keyReference());
        assertTrue(events(store, "ca.create").get(0).detail().orElseThrow().endsWith("; key at test:ca; root key at test:root"));
        X509Certificate root = made.root().orElseThrow().certificate();
        assertEquals(rootSigner.publicKey(), root.getPublicKey());
        IssuedCertificate alice = issue(s2mtls, "alice");
        ExternalTool.Result chained = verifyWithRoot(dir, root, List.of(made.issuing().certificate()), alice.certificate(), NOW);
        assertEquals(0, chained.exitCode(), chained.out() + chained.stderr());

        assertEquals("the root's key is held by test:root and cannot be exported; keep it there (or forget the reference with"
                + " 's2mtls ca root remove')", refused(store, () -> s2mtls.authority().exportRoot()));
        RotationStatus begun = s2mtls.rotation().begin(beginWithKeyReference("test:ca-2"));
        X509Certificate next = begun.authorities().next().orElseThrow().certificate();
        next.verify(rootSigner.publicKey());
        assertEquals(second.publicKey(), next.getPublicKey());
        s2mtls.rotation().switchOver();
        reissue(s2mtls, "alice");
        s2mtls.rotation().finish(false);
        assertEquals(1, assertEveryLiveCredentialChains(s2mtls, store, dir, NOW));

        Authorities without = s2mtls.authority().removeRoot(false);
        assertFalse(without.root().isPresent(), "a remote root's reference goes without an export: the key stays with its signer");
        assertEquals("root key reference test:root removed", events(store, "ca.root.remove").get(0).detail().orElseThrow());
        S2mtlsException noRoot = assertThrows(S2mtlsException.class, () -> s2mtls.rotation().begin(beginWithKeyReference("test:ca")));
        assertEquals("the root key is not in the store; give the root exported with 'ca root export' (--root-file)", noRoot.getMessage());
        RotationStatus again = s2mtls.rotation().begin(new RotationUseCase.BeginRequest(Optional.empty(), Optional.empty(), Optional.of("test:ca"),
                java.util.OptionalInt.empty(), Optional.of(new AuthorityUseCase.RemoteKey(Pem.certificate(root).getBytes(StandardCharsets.US_ASCII),
                "root.pem", "test:root"))));
        again.authorities().next().orElseThrow().certificate().verify(rootSigner.publicKey());
    }
}
