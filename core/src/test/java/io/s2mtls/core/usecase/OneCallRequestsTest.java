package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.x509.Pem;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The single entry points the commands call: create(CreateRequest), importCa(ImportRequest), issueAll with a check, rows(Query). */
class OneCallRequestsTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private static S2mtls core(io.s2mtls.core.testing.InMemorySigner signer) {
        return S2mtls.builder(new InMemoryCredentialStore(UUID.randomUUID().toString()))
                .remoteSigners(reference -> {
                    if (!reference.equals("test:ca")) {
                        throw S2mtlsException.badInput("no remote key " + reference);
                    }
                    return signer;
                }).build();
    }

    @Test
    void oneCreateRequestMakesALocalOrARemoteCa() throws Exception {
        io.s2mtls.core.testing.InMemorySigner signer = new io.s2mtls.core.testing.InMemorySigner();
        S2mtls s2mtls = core(signer);
        CaMaterial remote = s2mtls.authority().create(AuthorityUseCase.CreateRequest.remote(DistinguishedName.parse("/CN=Remote CA"), "test:ca", 30, false));
        assertEquals(Optional.of("test:ca"), remote.keyReference());
        assertTrue(remote.privateKey().isEmpty(), "a remote CA stores no key");
        assertEquals(signer.publicKey(), remote.certificate().getPublicKey());
        remote.certificate().verify(signer.publicKey());
        assertEquals(Optional.of("test:ca"), s2mtls.authority().certificates().keyReference(), "stored as a reference");

        S2mtlsException exists = assertThrows(S2mtlsException.class, () -> s2mtls.authority().create(
                AuthorityUseCase.CreateRequest.local(DistinguishedName.parse("/CN=Local CA"), KeySpec.EC_P256, 30, false)));
        assertTrue(exists.getMessage().contains("already holds a CA"), exists.getMessage());
        CaMaterial local = s2mtls.authority().create(AuthorityUseCase.CreateRequest.local(DistinguishedName.parse("/CN=Local CA"), KeySpec.EC_P256, 30, true));
        assertTrue(local.privateKey().isPresent() && local.keyReference().isEmpty(), "a local CA keeps its key");
        assertEquals("CN=Local CA", local.certificate().getSubjectX500Principal().getName());

        assertThrows(IllegalArgumentException.class, () -> new AuthorityUseCase.CreateRequest(DistinguishedName.parse("/CN=X"),
                Optional.of(KeySpec.EC_P256), Optional.of("test:ca"), 30, false));
        assertThrows(IllegalArgumentException.class, () -> new AuthorityUseCase.CreateRequest(DistinguishedName.parse("/CN=X"),
                Optional.empty(), Optional.empty(), 30, false));
    }

    @Test
    void oneImportRequestTakesPemFilesPkcs12OrARemoteKey() {
        io.s2mtls.core.testing.InMemorySigner signer = new io.s2mtls.core.testing.InMemorySigner();
        CaMaterial made = core(signer).authority().create(AuthorityUseCase.CreateRequest.remote(DistinguishedName.parse("/CN=Remote CA"), "test:ca", 30, false));
        byte[] certificate = Pem.certificate(made.certificate()).getBytes(StandardCharsets.US_ASCII);

        S2mtls target = core(signer);
        CaMaterial imported = target.authority().importCa(new AuthorityUseCase.ImportRequest(
                new AuthorityUseCase.RemoteKey(certificate, "ca.pem", "test:ca"), Optional.empty(), false));
        assertEquals(made.certificate(), imported.certificate());
        assertEquals(Optional.of("test:ca"), imported.keyReference());

        S2mtls other = core(new io.s2mtls.core.testing.InMemorySigner());
        S2mtlsException wrongKey = assertThrows(S2mtlsException.class, () -> other.authority().importCa(new AuthorityUseCase.ImportRequest(
                new AuthorityUseCase.RemoteKey(certificate, "ca.pem", "test:ca"), Optional.empty(), false)));
        assertEquals("ca.pem: the certificate's public key is not the key of test:ca; import the certificate that belongs to that key", wrongKey.getMessage());
        assertThrows(S2mtlsException.class, () -> other.authority().certificates(), "nothing stored when the key does not match");

        CaMaterial local = core(signer).authority().create(DistinguishedName.parse("/CN=Local CA"), KeySpec.EC_P256, 30, false);
        byte[] localCert = Pem.certificate(local.certificate()).getBytes(StandardCharsets.US_ASCII);
        byte[] localKey = Pem.privateKey(local.privateKey().orElseThrow()).getBytes(StandardCharsets.US_ASCII);
        CaMaterial fromPem = core(signer).authority().importCa(new AuthorityUseCase.ImportRequest(
                new AuthorityUseCase.PemFiles(localCert, "cert.pem", localKey, "key.pem", Optional.empty()), Optional.empty(), false));
        assertEquals(local.certificate(), fromPem.certificate());
        assertEquals(local.privateKey(), fromPem.privateKey());
    }

    @Test
    void issueAllHandsTheCheckTheIndexCaFirstAndStoresNothingWhenItRefuses() {
        CountingStore store = new CountingStore(new InMemoryCredentialStore(UUID.randomUUID().toString()));
        S2mtls s2mtls = S2mtls.builder(store).build();
        IssueCommand alice = new IssueCommand(DistinguishedName.parse("/CN=alice"), KeySpec.EC_P256, 10, Optional.empty(),
                CertificateProfile.CLIENT, List.of(), false, false);
        List<CaCertificates> seen = new ArrayList<>();

        S2mtlsException noCa = assertThrows(S2mtlsException.class,
                () -> s2mtls.issuance().issueAll(List.of(alice), 1, done -> { }, seen::add));
        assertEquals(AuthorityUseCase.noAuthority().getMessage(), noCa.getMessage());
        assertTrue(seen.isEmpty(), "no CA, no check");

        CaMaterial ca = s2mtls.authority().create(DistinguishedName.parse("/CN=Check CA"), KeySpec.EC_P256, 30, false);
        // the check runs before the issuance's own checks (two commands of one name), as 'ca show' did before it
        S2mtlsException refused = S2mtlsException.badInput("out/ca-cert.pem: refused");
        S2mtlsException thrown = assertThrows(S2mtlsException.class,
                () -> s2mtls.issuance().issueAll(List.of(alice, alice), 1, done -> { }, c -> {
                    seen.add(c);
                    throw refused;
                }));
        assertSame(refused, thrown);
        assertEquals(List.of(ca.certificate()), seen.stream().map(CaCertificates::certificate).toList());
        assertTrue(s2mtls.inventory().list().isEmpty(), "nothing stored when the check refuses");

        store.reset();
        AtomicReference<X509Certificate> checked = new AtomicReference<>();
        List<IssuedCertificate> issued = s2mtls.issuance().issueAll(List.of(alice), 1, done -> { }, c -> checked.set(c.certificate()));
        assertEquals(ca.certificate(), checked.get());
        assertEquals(ca.certificate(), issued.get(0).caCertificate());
        assertEquals(1, store.authority.get(), "the CA key is decrypted once, to sign: " + store.counts());
        assertEquals(1, store.index.get(), "one index read serves the check and the issuance: " + store.counts());
    }

    @Test
    void rowsCarryEachEntryWithItsStanding() {
        InMemoryCredentialStore store = new InMemoryCredentialStore(UUID.randomUUID().toString());
        List<InventoryEntry> entries = List.of(
                entry(1, "old", NOW.minus(Duration.ofDays(1)), CertificateStatus.VALID),
                entry(2, "app", NOW.plus(Duration.ofDays(5)), CertificateStatus.VALID),
                entry(3, "app", NOW.minus(Duration.ofDays(2)), CertificateStatus.SUPERSEDED),
                entry(4, "left", NOW.plus(Duration.ofDays(300)), CertificateStatus.REVOKED));
        for (InventoryEntry e : entries) {
            store.commit(new StoreBatch(List.of(new StoreWrite.AddEntry(e)), List.of()));
        }
        InventoryUseCase inventory = S2mtls.builder(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build().inventory();
        InventoryUseCase.Query all = new InventoryUseCase.Query(Optional.empty(), Set.of(), Set.of(), Optional.empty());
        assertEquals(List.of(new InventoryUseCase.Row(entries.get(0), InventoryUseCase.Standing.EXPIRED),
                new InventoryUseCase.Row(entries.get(1), InventoryUseCase.Standing.VALID),
                new InventoryUseCase.Row(entries.get(2), InventoryUseCase.Standing.SUPERSEDED),
                new InventoryUseCase.Row(entries.get(3), InventoryUseCase.Standing.REVOKED)), inventory.rows(all));
        InventoryUseCase.Query expiring = new InventoryUseCase.Query(Optional.of("*"), Set.of(), Set.of(CertificateProfile.CLIENT), Optional.of(Duration.ofDays(30)));
        assertEquals(inventory.list(expiring), inventory.rows(expiring).stream().map(InventoryUseCase.Row::entry).toList());
        assertEquals(List.of(InventoryUseCase.Standing.EXPIRED, InventoryUseCase.Standing.VALID),
                inventory.rows(expiring).stream().map(InventoryUseCase.Row::standing).toList());
    }

    private static InventoryEntry entry(long serial, String name, Instant notAfter, CertificateStatus status) {
        return new InventoryEntry(BigInteger.valueOf(serial), name, "/CN=" + name, notAfter.minus(Duration.ofDays(30)), notAfter,
                "00", CertificateProfile.CLIENT, status, NOW.minusSeconds(1000 - serial));
    }
}
