package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.testing.ExternalTool;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.KeyPairs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.s2mtls.core.usecase.RotationTesting.NOW;
import static io.s2mtls.core.usecase.RotationTesting.assertEveryLiveCredentialChains;
import static io.s2mtls.core.usecase.RotationTesting.beginDefaults;
import static io.s2mtls.core.usecase.RotationTesting.beginWithKeyReference;
import static io.s2mtls.core.usecase.RotationTesting.core;
import static io.s2mtls.core.usecase.RotationTesting.dn;
import static io.s2mtls.core.usecase.RotationTesting.events;
import static io.s2mtls.core.usecase.RotationTesting.issue;
import static io.s2mtls.core.usecase.RotationTesting.newStore;
import static io.s2mtls.core.usecase.RotationTesting.pemBytes;
import static io.s2mtls.core.usecase.RotationTesting.refused;
import static io.s2mtls.core.usecase.RotationTesting.reissue;
import static io.s2mtls.core.usecase.RotationTesting.signers;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Staged CA rotation of a root CA: each phase, each refusal, races, and the chain invariant judged by openssl. */
class RotationUseCaseTest {
    @TempDir
    Path dir;

    private static String hex(BigInteger serial) {
        return serial.toString(16).toUpperCase(java.util.Locale.ROOT);
    }

    @Test
    void everyLiveCredentialChainsToTheServersBundleThroughEveryPhase() {
        InMemoryCredentialStore store = new InMemoryCredentialStore(newStore());
        S2mtls s2mtls = core(store.describe().substring("memory:".length()));
        CaMaterial old = s2mtls.authority().create(dn("/O=Example/CN=Example CA"), KeySpec.EC_P256, 365, false);
        X509Certificate aliceFirst = issue(s2mtls, "alice").certificate();
        issue(s2mtls, "bob");
        issue(s2mtls, "carol");
        s2mtls.lifecycle().revoke("carol", "cessationOfOperation");
        assertEquals(2, assertEveryLiveCredentialChains(s2mtls, store, dir, NOW));

        RotationStatus begun = s2mtls.rotation().begin(beginDefaults());
        assertEquals(RotationPhase.BEGUN, begun.phase());
        X509Certificate next = begun.authorities().next().orElseThrow().certificate();
        assertArrayEquals(old.certificate().getSubjectX500Principal().getEncoded(), next.getSubjectX500Principal().getEncoded(),
                "the next CA keeps the subject DER, so expectations on the issuer keep holding");
        assertEquals("EC P-256", KeyPairs.describe(next.getPublicKey()));
        assertFalse(Certificates.sameKey(old.certificate().getPublicKey(), next.getPublicKey()), "a new key");
        assertEquals(Duration.ofDays(365), Duration.between(NOW, next.getNotAfter().toInstant()), "the same lifetime");
        assertEquals(old.certificate(), begun.authorities().issuing().certificate(), "the current CA still issues");
        assertEquals(2, begun.stillOnOld());
        assertEquals(List.of("alice", "bob", "carol"), begun.credentials().stream().map(RotationStatus.CredentialState::name).toList());
        assertTrue(begun.credentials().stream().filter(c -> !c.name().equals("carol")).noneMatch(RotationStatus.CredentialState::ready));
        assertTrue(begun.credentials().get(2).ready(), "a revoked credential needs nothing: " + begun.credentials().get(2));
        assertEquals(old.certificate().getSerialNumber(), begun.credentials().get(0).issuerSerial());
        assertTrue(begun.serverSteps().stream().anyMatch(s -> s.contains("s2mtls ca export --bundle --out FILE")), begun.serverSteps().toString());
        assertTrue(begun.serverSteps().stream().anyMatch(s -> s.contains("SSL_RELOAD") && s.contains("restart")), begun.serverSteps().toString());
        assertTrue(begun.serverSteps().get(begun.serverSteps().size() - 1).contains("s2mtls ca rotate switch"));
        assertEquals(List.of(old.certificate(), next), begun.authorities().trustBundle());
        assertEquals(2, assertEveryLiveCredentialChains(s2mtls, store, dir, NOW));

        issue(s2mtls, "dave");
        assertEquals(Optional.of(old.certificate().getSerialNumber()), store.index().currentEntry("dave").orElseThrow().issuer(),
                "before the switch the current CA issues");
        assertEquals(3, assertEveryLiveCredentialChains(s2mtls, store, dir, NOW));

        RotationStatus switched = s2mtls.rotation().switchOver();
        assertEquals(RotationPhase.SWITCHED, switched.phase());
        assertEquals(next, switched.authorities().issuing().certificate());
        assertEquals(old.certificate(), switched.authorities().previous().orElseThrow().certificate());
        assertEquals(3, switched.stillOnOld());
        assertEquals(3, assertEveryLiveCredentialChains(s2mtls, store, dir, NOW));
        issue(s2mtls, "erin");
        assertEquals(Optional.of(next.getSerialNumber()), store.index().currentEntry("erin").orElseThrow().issuer(), "after the switch the next CA issues");
        assertEquals(4, assertEveryLiveCredentialChains(s2mtls, store, dir, NOW));

        String left = refused(store, () -> s2mtls.rotation().finish(false));
        assertEquals("3 credentials are neither expired nor revoked and still signed by the old CA '/O=Example/CN=Example CA'"
                + " ('alice', 'bob', 'dave'), and would stop working; run 's2mtls cert renew --all' (or 'apply'); or pass --force", left);
        assertEquals(4, assertEveryLiveCredentialChains(s2mtls, store, dir, NOW));

        reissue(s2mtls, "alice", "bob");
        RotationStatus status = s2mtls.rotation().status(List.of());
        assertEquals(1, status.stillOnOld());
        assertEquals(List.of(true, true, true, false, true), status.credentials().stream().map(RotationStatus.CredentialState::ready).toList());
        assertEquals(next.getSerialNumber(), status.credentials().get(0).issuerSerial());
        assertEquals(4, assertEveryLiveCredentialChains(s2mtls, store, dir, NOW));
        reissue(s2mtls, "dave");

        RotationStatus finished = s2mtls.rotation().finish(false);
        assertEquals(RotationPhase.NONE, finished.phase());
        assertEquals(List.of(next), finished.authorities().trustBundle(), "the bundle holds the new CA only");
        assertEquals(0, finished.stillOnOld());
        assertTrue(finished.credentials().stream().allMatch(RotationStatus.CredentialState::ready));
        assertEquals(4, assertEveryLiveCredentialChains(s2mtls, store, dir, NOW));
        ExternalTool.Result oldOne = RotationTesting.verifyWithRoot(dir, next, List.of(), aliceFirst, NOW);
        assertNotEquals(0, oldOne.exitCode(), "a certificate of the retired CA no longer verifies: " + oldOne.out());

        List<AuditEvent> trail = store.recentAudit(100).stream().filter(e -> e.action().startsWith("ca.rotate.")).toList();
        assertEquals(List.of("ca.rotate.begin", "ca.rotate.switch", "ca.rotate.finish"), trail.stream().map(AuditEvent::action).toList());
        assertEquals(List.of(hex(next.getSerialNumber()), hex(next.getSerialNumber()), hex(old.certificate().getSerialNumber())),
                trail.stream().map(e -> e.serial().orElseThrow()).toList());
        assertTrue(trail.get(0).detail().orElseThrow().startsWith("phase none -> begun; next CA '/O=Example/CN=Example CA' serial "
                + hex(next.getSerialNumber()) + " (root)"), trail.get(0).toString());
        assertTrue(trail.get(0).detail().orElseThrow().endsWith("; 2 credentials to reissue after the switch"), trail.get(0).toString());
        assertTrue(trail.get(1).detail().orElseThrow().contains("3 credentials still on the old CA"), trail.get(1).toString());
        assertTrue(trail.get(2).detail().orElseThrow().contains("no credential left on it"), trail.get(2).toString());
        assertEquals("tester", trail.get(0).actor());
    }

    @Test
    void eachCommandIsRefusedOutsideItsPhaseNamingThePhaseAndTheNextCommand() {
        String name = newStore();
        InMemoryCredentialStore store = new InMemoryCredentialStore(name);
        S2mtls s2mtls = core(name);
        RotationUseCase rotation = s2mtls.rotation();
        assertEquals(AuthorityUseCase.noAuthority().getMessage(), refused(store, () -> rotation.begin(beginDefaults())));
        assertEquals(AuthorityUseCase.noAuthority().getMessage(), refused(store, () -> rotation.status(List.of())));
        s2mtls.authority().create(dn("/CN=Phase CA"), KeySpec.EC_P256, 30, false);

        assertEquals("ca rotate switch: no rotation in progress; 's2mtls ca rotate begin' starts a rotation", refused(store, rotation::switchOver));
        assertEquals("ca rotate finish: no rotation in progress; 's2mtls ca rotate begin' starts a rotation", refused(store, () -> rotation.finish(true)));
        assertEquals("no rotation in progress; nothing to roll back ('s2mtls ca rotate begin' starts one)", refused(store, rotation::rollback));

        rotation.begin(beginDefaults());
        String again = refused(store, () -> rotation.begin(beginDefaults()));
        assertEquals("ca rotate begin: the rotation is begun (the next CA '/CN=Phase CA' exists, the current one still issues);"
                + " the next command is 's2mtls ca rotate switch' once every server trusts both CAs (or 's2mtls ca rotate rollback')", again);
        assertTrue(refused(store, () -> rotation.finish(true)).startsWith("ca rotate finish: the rotation is begun"));

        rotation.switchOver();
        assertEquals("ca rotate switch: the rotation is switched (the new CA issues, the old one is still trusted); the next command is"
                + " 's2mtls ca rotate finish' once 's2mtls cert renew --all' (or 'apply') has reissued every credential"
                + " (or 's2mtls ca rotate rollback')", refused(store, rotation::switchOver));
        assertTrue(refused(store, () -> rotation.begin(beginDefaults())).startsWith("ca rotate begin: the rotation is switched"));
        rotation.finish(false);
        assertEquals(RotationPhase.NONE, store.index().authorities().orElseThrow().phase());
    }

    @Test
    void finishIgnoresExpiredAndRevokedCredentialsAndForceSaysHowManyWereLeft() {
        String name = newStore();
        InMemoryCredentialStore store = new InMemoryCredentialStore(name);
        S2mtls now = core(name);
        now.authority().create(dn("/CN=Force CA"), KeySpec.EC_P256, 365, false);
        issue(now, "alice");
        issue(now, "bob");
        now.rotation().begin(beginDefaults());
        now.rotation().switchOver();
        RotationStatus forced = now.rotation().finish(true);
        assertEquals(RotationPhase.NONE, forced.phase());
        assertEquals(0, forced.stillOnOld(), "outside a rotation nothing is on the old CA");
        assertTrue(events(store, "ca.rotate.finish").get(0).detail().orElseThrow().endsWith("; 2 credentials left on it (--force)"),
                events(store, "ca.rotate.finish").toString());

        // a month later, the credentials the old CA signed have expired: they no longer hold the rotation up
        issue(now, "carol");
        now.rotation().begin(beginDefaults());
        now.rotation().switchOver();
        assertTrue(refused(store, () -> now.rotation().finish(false)).startsWith("1 credential is neither expired nor revoked"));
        S2mtls later = RotationTesting.core(store, NOW.plus(Duration.ofDays(31)), Map.of());
        assertEquals(0, later.rotation().status(List.of()).stillOnOld());
        assertEquals(RotationPhase.NONE, later.rotation().finish(false).phase());
    }

    @Test
    void finishNamesTheCredentialsSignedFromACsrThatRenewalCannotReissue() {
        String name = newStore();
        InMemoryCredentialStore store = new InMemoryCredentialStore(name);
        S2mtls now = core(name);
        now.authority().create(dn("/CN=Csr CA"), KeySpec.EC_P256, 365, false);
        issue(now, "alice");
        byte[] csr = io.s2mtls.core.x509.CertificateRequests.create(KeyPairs.generate(KeySpec.EC_P256, new java.security.SecureRandom()),
                dn("/CN=outside")).der();
        now.issuance().sign(csr, "outside.csr", 30, io.s2mtls.core.pki.CertificateProfile.CLIENT, Optional.of("outside"), false);
        now.rotation().begin(beginDefaults());
        now.rotation().switchOver();
        assertEquals(List.of("alice"), now.lifecycle().renew(RenewRequest.rotation(Optional.empty(), Optional.empty(), 1, n -> { }),
                Optional.empty()).stream().map(r -> r.replaced().name()).toList(), "renewal reissues what has a key, and only that");
        assertEquals("1 credential is neither expired nor revoked and still signed by the old CA '/CN=Csr CA' ('outside'), and would"
                + " stop working; run 's2mtls cert renew --all' (or 'apply'); all were signed from a CSR ('outside'), which renewal"
                + " cannot reissue without the key: ask each owner for a new CSR and run 's2mtls cert sign', or revoke them; or pass --force",
                refused(store, () -> now.rotation().finish(false)));
    }

    @Test
    void rollbackUndoesOnePhaseAndNeverStrandsACredential() {
        String name = newStore();
        InMemoryCredentialStore store = new InMemoryCredentialStore(name);
        S2mtls s2mtls = core(name);
        CaMaterial old = s2mtls.authority().create(dn("/CN=Rollback CA"), KeySpec.EC_P256, 365, false);
        issue(s2mtls, "alice");
        X509Certificate next = s2mtls.rotation().begin(beginDefaults()).authorities().next().orElseThrow().certificate();
        s2mtls.rotation().switchOver();
        issue(s2mtls, "dave");

        RotationStatus back = s2mtls.rotation().rollback();
        assertEquals(2, assertEveryLiveCredentialChains(s2mtls, store, dir, NOW), "dave, signed by the next CA, still chains");
        assertEquals(RotationPhase.BEGUN, back.phase());
        assertEquals(old.certificate(), back.authorities().issuing().certificate(), "the old CA issues again");
        assertEquals(next, back.authorities().next().orElseThrow().certificate());
        issue(s2mtls, "erin");
        assertEquals(Optional.of(old.certificate().getSerialNumber()), store.index().currentEntry("erin").orElseThrow().issuer());

        String stranded = refused(store, s2mtls.rotation()::rollback);
        assertEquals("1 credential is neither expired nor revoked and signed by the next CA '/CN=Rollback CA' ('dave'), and would stop"
                + " working without it; renew it with 's2mtls cert renew' (the current CA issues now) before rolling back", stranded);
        reissue(s2mtls, "dave");
        RotationStatus none = s2mtls.rotation().rollback();
        assertEquals(RotationPhase.NONE, none.phase());
        assertEquals(List.of(old.certificate()), none.authorities().trustBundle());
        assertEquals(3, assertEveryLiveCredentialChains(s2mtls, store, dir, NOW));

        List<AuditEvent> rollbacks = events(store, "ca.rotate.rollback");
        assertEquals(List.of(hex(old.certificate().getSerialNumber()), hex(next.getSerialNumber())),
                rollbacks.stream().map(e -> e.serial().orElseThrow()).toList());
        assertTrue(rollbacks.get(0).detail().orElseThrow().contains("phase switched -> begun"), rollbacks.toString());
        assertTrue(rollbacks.get(1).detail().orElseThrow().contains("dropped"), rollbacks.toString());
    }

    @Test
    void statusChecksEachServerBundleAgainstWhatThePhaseNeeds() {
        String name = newStore();
        InMemoryCredentialStore store = new InMemoryCredentialStore(name);
        S2mtls s2mtls = core(name);
        CaMaterial old = s2mtls.authority().create(dn("/CN=Bundle CA"), KeySpec.EC_P256, 365, false);
        X509Certificate unrelated = core(newStore()).authority().create(dn("/CN=Unrelated CA"), KeySpec.EC_P256, 30, false).certificate();
        RotationUseCase.BundleFile oldOnly = new RotationUseCase.BundleFile(pemBytes(List.of(old.certificate())), "servers/old.pem");
        RotationStatus none = s2mtls.rotation().status(List.of(oldOnly));
        assertEquals(List.of(new RotationStatus.BundleState("servers/old.pem", true, List.of(), List.of())), none.bundles());

        X509Certificate next = s2mtls.rotation().begin(beginDefaults()).authorities().next().orElseThrow().certificate();
        RotationUseCase.BundleFile both = new RotationUseCase.BundleFile(pemBytes(List.of(next, old.certificate(), unrelated)), "servers/both.pem");
        RotationStatus begun = s2mtls.rotation().status(List.of(oldOnly, both));
        String nextText = "'/CN=Bundle CA' serial " + hex(next.getSerialNumber());
        assertEquals(new RotationStatus.BundleState("servers/old.pem", false, List.of(nextText), List.of()), begun.bundles().get(0));
        assertEquals(new RotationStatus.BundleState("servers/both.pem", true, List.of(),
                List.of("'/CN=Unrelated CA' serial " + hex(unrelated.getSerialNumber()))), begun.bundles().get(1),
                "an extra CA does not hold a rotation up");

        s2mtls.rotation().switchOver();
        s2mtls.rotation().finish(false);
        RotationUseCase.BundleFile newOnly = new RotationUseCase.BundleFile(pemBytes(List.of(next)), "servers/new.pem");
        RotationStatus finished = s2mtls.rotation().status(List.of(both, newOnly));
        assertFalse(finished.bundles().get(0).ready(), "after finish a bundle must no longer trust the old CA");
        assertEquals(List.of("'/CN=Bundle CA' serial " + hex(old.certificate().getSerialNumber()),
                "'/CN=Unrelated CA' serial " + hex(unrelated.getSerialNumber())), finished.bundles().get(0).extra());
        assertTrue(finished.bundles().get(1).ready());

        RotationUseCase.BundleFile garbage = new RotationUseCase.BundleFile("not a bundle".getBytes(StandardCharsets.US_ASCII), "servers/bad.pem");
        String bad = refused(store, () -> s2mtls.rotation().status(List.of(newOnly, garbage)));
        assertTrue(bad.startsWith("servers/bad.pem: "), bad);
    }

    @Test
    void theNextCaCopiesTheCurrentOneUnlessTheRequestSaysOtherwise() {
        S2mtls copy = core(newStore());
        copy.authority().create(dn("/C=DE/O=Example/CN=RSA CA"), KeySpec.RSA_2048, 100, false);
        X509Certificate copied = copy.rotation().begin(beginDefaults()).authorities().next().orElseThrow().certificate();
        assertEquals("RSA 2048", KeyPairs.describe(copied.getPublicKey()));
        assertEquals("/C=DE/O=Example/CN=RSA CA", Certificates.subjectOf(copied).oneline());
        assertEquals(Duration.ofDays(100), Duration.between(NOW, copied.getNotAfter().toInstant()));
        assertEquals(Integer.MAX_VALUE, copied.getBasicConstraints(), "a next root, like the first, sets no path length");

        S2mtls given = core(newStore());
        given.authority().create(dn("/CN=Old CA"), KeySpec.EC_P256, 100, false);
        RotationUseCase.BeginRequest overrides = new RotationUseCase.BeginRequest(Optional.of(dn("/CN=New CA")), Optional.of(KeySpec.EC_P384),
                Optional.empty(), OptionalInt.of(50), Optional.empty());
        X509Certificate made = given.rotation().begin(overrides).authorities().next().orElseThrow().certificate();
        assertEquals("EC P-384", KeyPairs.describe(made.getPublicKey()));
        assertEquals("/CN=New CA", Certificates.subjectOf(made).oneline());
        assertEquals(Duration.ofDays(50), Duration.between(NOW, made.getNotAfter().toInstant()));

        S2mtls bad = core(newStore());
        bad.authority().create(dn("/CN=Old CA"), KeySpec.EC_P256, 100, false);
        RotationUseCase.BeginRequest tooLong = new RotationUseCase.BeginRequest(Optional.empty(), Optional.empty(), Optional.empty(),
                OptionalInt.of(0), Optional.empty());
        assertTrue(assertThrows(S2mtlsException.class, () -> bad.rotation().begin(tooLong)).getMessage().startsWith("--days: 0 is out of range"));
    }

    @Test
    void aCaHeldByARemoteSignerRotatesToAnotherRemoteKey() {
        String name = newStore();
        InMemoryCredentialStore store = new InMemoryCredentialStore(name);
        io.s2mtls.core.testing.InMemorySigner first = new io.s2mtls.core.testing.InMemorySigner();
        io.s2mtls.core.testing.InMemorySigner second = new io.s2mtls.core.testing.InMemorySigner(KeySpec.EC_P384);
        S2mtls s2mtls = RotationTesting.core(store, NOW, signers("test:ca", first, "test:ca-2", second));
        s2mtls.authority().create(AuthorityUseCase.CreateRequest.remote(dn("/CN=Remote CA"), "test:ca", 365, false));
        issue(s2mtls, "alice");

        assertEquals("the current CA's key is held by test:ca; give the next CA's key: --remote-key REF for a new key there,"
                + " or --key TYPE for a key in the store", refused(store, () -> s2mtls.rotation().begin(beginDefaults())));
        assertEquals("--remote-key test:ca: is the current CA's key; a rotation needs a new key, give the reference of another one",
                refused(store, () -> s2mtls.rotation().begin(beginWithKeyReference("test:ca"))));

        RotationStatus begun = s2mtls.rotation().begin(beginWithKeyReference("test:ca-2"));
        assertEquals(Optional.of("test:ca-2"), begun.authorities().next().orElseThrow().keyReference());
        assertEquals(second.publicKey(), begun.authorities().next().orElseThrow().certificate().getPublicKey());
        assertTrue(store.authorities().orElseThrow().other().orElseThrow().privateKey().isEmpty(), "only the reference is stored");
        s2mtls.rotation().switchOver();
        IssuedCertificate bob = issue(s2mtls, "bob");
        assertEquals(begun.authorities().next().orElseThrow().certificate(), bob.caCertificate(), "the remote next CA signs after the switch");
        reissue(s2mtls, "alice");
        s2mtls.rotation().finish(false);
        assertEquals(2, assertEveryLiveCredentialChains(s2mtls, store, dir, NOW));
    }

    @Test
    void twoBeginsRacingOneWinsAndTheOtherIsRefusedCleanly() throws Exception {
        String name = newStore();
        InMemoryCredentialStore plain = new InMemoryCredentialStore(name);
        core(name).authority().create(dn("/CN=Race CA"), KeySpec.EC_P256, 365, false);
        CyclicBarrier bothBuilt = new CyclicBarrier(2);
        AtomicInteger commits = new AtomicInteger();
        RotationTesting.RacingStore racing = new RotationTesting.RacingStore(plain).beforeCommit(batch -> {
            if (batch.writes().stream().anyMatch(StoreWrite.SetAuthority.class::isInstance) && commits.incrementAndGet() <= 2) {
                try {
                    bothBuilt.await(30, TimeUnit.SECONDS); // both have read phase none and made a next CA before either commits
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<RotationStatus>> futures = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                futures.add(pool.submit(() -> RotationTesting.core(racing, NOW, Map.of()).rotation().begin(beginDefaults())));
            }
            List<RotationStatus> won = new ArrayList<>();
            List<String> lost = new ArrayList<>();
            for (Future<RotationStatus> future : futures) {
                try {
                    won.add(future.get(60, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    S2mtlsException refusal = (S2mtlsException) e.getCause();
                    assertEquals(ErrorKind.BAD_INPUT, refusal.kind());
                    lost.add(refusal.getMessage());
                }
            }
            assertEquals(1, won.size(), "one begin wins: " + lost);
            assertEquals(1, lost.size());
            assertTrue(lost.get(0).startsWith("ca rotate begin: the rotation is begun"), lost.get(0));
            Authorities stored = plain.index().authorities().orElseThrow();
            assertEquals(RotationPhase.BEGUN, stored.phase());
            assertEquals(won.get(0).authorities().next().orElseThrow().certificate(), stored.next().orElseThrow().certificate(),
                    "the store holds the winner's next CA");
            assertEquals(stored.state(), plain.authorities().orElseThrow().state(), "keys and index agree");
            assertEquals(1, events(plain, "ca.rotate.begin").size(), "one begin recorded");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPhaseChangedByAnotherCommandMeanwhileIsReCheckedNotOverwritten() {
        String name = newStore();
        InMemoryCredentialStore plain = new InMemoryCredentialStore(name);
        S2mtls other = core(name);
        other.authority().create(dn("/CN=Meanwhile CA"), KeySpec.EC_P256, 365, false);
        other.rotation().begin(beginDefaults());
        AtomicInteger commits = new AtomicInteger();
        RotationTesting.RacingStore racing = new RotationTesting.RacingStore(plain).beforeCommit(batch -> {
            if (commits.incrementAndGet() == 1) {
                other.rotation().rollback(); // another operator rolls the rotation back while switch runs
            }
        });
        S2mtls s2mtls = RotationTesting.core(racing, NOW, Map.of());
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> s2mtls.rotation().switchOver());
        assertEquals("ca rotate switch: no rotation in progress; 's2mtls ca rotate begin' starts a rotation", e.getMessage());
        assertEquals(RotationPhase.NONE, plain.index().authorities().orElseThrow().phase());
        assertTrue(events(plain, "ca.rotate.switch").isEmpty());
        assertEquals(1, assertEveryLiveCredentialChainsOrNone(other, plain));
    }

    private int assertEveryLiveCredentialChainsOrNone(S2mtls s2mtls, InMemoryCredentialStore store) {
        issue(s2mtls, "after-race");
        return assertEveryLiveCredentialChains(s2mtls, store, dir, NOW);
    }
}
