package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.x509.CertificateRequests;
import io.s2mtls.core.x509.KeyPairs;
import io.s2mtls.core.x509.Pem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The single entry points 'cert renew', 'cert show' and 'cert verify' call: renewal with a check before anything is
 * renewed, the look-up of a stored credential, and the verification of certificate files.
 */
class OneCallUseCasesTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private CountingStore store;
    private S2mtls s2mtls;
    private final List<X509Certificate> certificates = new ArrayList<>();

    @BeforeEach
    void setUp() {
        store = new CountingStore(new InMemoryCredentialStore(UUID.randomUUID().toString()));
        s2mtls = S2mtls.builder(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        s2mtls.authority().create(DistinguishedName.parse("/CN=One Call CA"), KeySpec.EC_P256, 3650, false);
        List<IssueCommand> commands = IntStream.range(0, 4)
                .mapToObj(i -> IssueCommand.client(DistinguishedName.parse("/CN=user" + i)).withKey(KeySpec.EC_P256)
                        .withDays(i % 2 == 0 ? 10 : 365))
                .toList();
        s2mtls.issuance().issueAll(commands, 1, done -> { }).forEach(c -> certificates.add(c.certificate()));
        s2mtls.lifecycle().revoke("user1", "left");
        store.reset();
    }

    private static RenewRequest named(String... references) {
        return new RenewRequest(List.of(references), Optional.empty(), Optional.empty(), Optional.empty(), 1, done -> { });
    }

    private static RenewRequest due(Duration window) {
        return new RenewRequest(List.of(), Optional.of(window), Optional.empty(), Optional.empty(), 1, done -> { });
    }

    @Test
    void renewHandsTheResolvedNamesAndTheCaToTheCheckBeforeAnythingIsRenewed() {
        List<List<String>> seen = new ArrayList<>();
        List<String> storeCalls = new ArrayList<>();
        X509Certificate ca = s2mtls.authority().certificates().certificate();
        store.reset();
        List<LifecycleUseCase.Renewal> renewals = s2mtls.lifecycle().renew(named("user2", certificates.get(0).getSerialNumber().toString(16), "user2"),
                Optional.of((names, authority) -> {
                    seen.add(names);
                    assertEquals(ca, authority.certificate());
                    storeCalls.add("authority=" + store.authority + " credential=" + store.credential + " commit=" + store.commit);
                }));
        assertEquals(List.of(List.of("user2", "user0")), seen, "each name once, in the order given, a serial resolved to its name");
        assertEquals(List.of("authority=0 credential=0 commit=0"), storeCalls,
                "the check runs on the index alone: no key decrypted, nothing renewed yet");
        assertEquals(List.of("user2", "user0"), renewals.stream().map(r -> r.renewed().name()).toList());
    }

    @Test
    void aCheckThatRefusesLeavesTheStoreUnchanged() {
        List<InventoryEntry> before = s2mtls.inventory().list();
        store.reset();
        S2mtlsException refused = assertThrows(S2mtlsException.class, () -> s2mtls.lifecycle().renew(named("user0"),
                Optional.of((names, ca) -> {
                    throw S2mtlsException.badInput("out/user0-cert.pem exists");
                })));
        assertEquals("out/user0-cert.pem exists", refused.getMessage());
        assertEquals(0, store.commit.get());
        assertEquals(0, store.credential.get(), "no old credential was read for signing");
        assertEquals(before, s2mtls.inventory().list());
    }

    @Test
    void aReferenceThatDoesNotResolveIsRefusedBeforeTheCheck() {
        List<List<String>> seen = new ArrayList<>();
        S2mtlsException refused = assertThrows(S2mtlsException.class, () -> s2mtls.lifecycle().renew(named("user0", "nobody"),
                Optional.of((names, ca) -> seen.add(names))));
        assertTrue(refused.getMessage().startsWith("'nobody' is neither a credential name nor a serial"), refused.getMessage());
        assertEquals(List.of(), seen);
    }

    @Test
    void renewDueHandsTheDueNamesAndSkipsTheCheckWhenNothingIsDue() {
        List<List<String>> seen = new ArrayList<>();
        List<LifecycleUseCase.Renewal> renewed = s2mtls.lifecycle().renew(due(Duration.ofDays(30)), Optional.of((names, ca) -> seen.add(names)));
        assertEquals(List.of(List.of("user0", "user2")), seen);
        assertEquals(List.of("user0", "user2"), renewed.stream().map(r -> r.renewed().name()).toList());
        seen.clear();
        assertEquals(List.of(), s2mtls.lifecycle().renew(due(Duration.ofDays(1)), Optional.of((names, ca) -> seen.add(names))));
        assertEquals(List.of(), seen, "nothing due: no check");
    }

    @Test
    void lookUpFindsTheStoredCertificateTheRecordOnlyOrNothing() throws Exception {
        StoredLookup stored = s2mtls.inventory().lookUp("user3");
        assertEquals(Optional.of(certificates.get(3)), stored.certificate());
        assertTrue(stored.recorded());
        assertEquals(store.describe(), stored.storeDescription());

        StoredLookup missing = s2mtls.inventory().lookUp("nobody");
        assertEquals(Optional.empty(), missing.certificate());
        assertFalse(missing.recorded());
        assertEquals("nobody", missing.name());

        byte[] csr = CertificateRequests.create(KeyPairs.generate(KeySpec.EC_P256, new SecureRandom()), DistinguishedName.parse("/CN=from-csr")).der();
        s2mtls.issuance().sign(csr, "csr", 30, CertificateProfile.CLIENT, Optional.of("signed"), false);
        StoredLookup recordOnly = s2mtls.inventory().lookUp("signed");
        assertEquals(Optional.empty(), recordOnly.certificate());
        assertTrue(recordOnly.recorded(), "a CSR-signed certificate is recorded without a stored credential");
    }

    private static VerifyRequest.Input input(String source, byte[] bytes, List<String> reads) {
        return new VerifyRequest.Input(source, () -> {
            reads.add(source);
            if (bytes == null) {
                throw S2mtlsException.badInput(source + ": no such file");
            }
            return bytes;
        });
    }

    private static byte[] pem(X509Certificate certificate) {
        return Pem.certificate(certificate).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void verifyFilesAgainstTheStoreReadsTheIndexRefusesStoreRevocationsAndGivesEachFileItsResult() {
        List<String> reads = new ArrayList<>();
        X509Certificate ca = s2mtls.authority().certificates().certificate();
        store.reset();
        List<VerifyRequest.FileResult> results = s2mtls.verification().verifyFiles(new VerifyRequest(List.of(
                input("good.pem", pem(certificates.get(0)), reads),
                input("revoked.pem", pem(certificates.get(1)), reads),
                input("junk.pem", "junk".getBytes(StandardCharsets.US_ASCII), reads),
                input("unreadable.pem", null, reads)), Optional.empty(), List.of(), true));
        assertEquals(new VerifyRequest.FileResult(true, "OK", Optional.empty(), Optional.of(new VerifyRequest.ChainsTo("/CN=One Call CA",
                ca.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT), Optional.of("issuing")))), results.get(0));
        assertFalse(results.get(1).ok());
        assertTrue(results.get(1).reason().startsWith("certificate revoked (the store records serial"), results.get(1).reason());
        assertEquals(Optional.empty(), results.get(1).error());
        assertFalse(results.get(2).ok());
        assertEquals(Optional.of(ErrorKind.BAD_INPUT), results.get(2).error());
        assertTrue(results.get(2).reason().contains("junk.pem"), results.get(2).reason());
        assertEquals(new VerifyRequest.FileResult(false, "unreadable.pem: no such file", Optional.of(ErrorKind.BAD_INPUT)), results.get(3));
        assertEquals(4, results.size());
        assertEquals(List.of("good.pem", "revoked.pem", "junk.pem", "unreadable.pem"), reads, "each file read once, in order");
        assertEquals(0, store.authority.get(), "the store's CA comes from the index: no key decrypted");
        assertEquals(1, store.index.get());
    }

    @Test
    void verifyFilesWithACaBundleDoesNotReadTheStoreAndReadsTheCrlsBeforeTheCertificates() {
        List<String> reads = new ArrayList<>();
        X509Certificate ca = s2mtls.authority().certificates().certificate();
        String crl = s2mtls.lifecycle().crl();
        store.reset();
        List<VerifyRequest.FileResult> results = s2mtls.verification().verifyFiles(new VerifyRequest(List.of(
                input("good.pem", pem(certificates.get(0)), reads), input("revoked.pem", pem(certificates.get(1)), reads)),
                Optional.of(input("ca.pem", pem(ca), reads)), List.of(input("crl.pem", crl.getBytes(StandardCharsets.US_ASCII), reads)), true));
        assertEquals(List.of("ca.pem", "crl.pem", "good.pem", "revoked.pem"), reads);
        assertEquals("OK", results.get(0).reason());
        assertTrue(results.get(1).reason().startsWith("certificate revoked"), results.get(1).reason());
        assertEquals(0, store.index.get() + store.authority.get() + store.credential.get(), "with a CA bundle the store is not read");

        store.reset();
        List<VerifyRequest.FileResult> withoutCrl = s2mtls.verification().verifyFiles(new VerifyRequest(List.of(
                input("revoked.pem", pem(certificates.get(1)), reads)), Optional.of(input("ca.pem", pem(ca), reads)), List.of(), true));
        assertEquals("OK", withoutCrl.get(0).reason(), "without the store and without a CRL, nothing says it is revoked");
        assertEquals(0, store.index.get());
    }
}
