package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What 'cert list' filters on: the standing at the store's clock (expired included), the name glob, the profile. */
class InventoryQueryTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private static InventoryEntry entry(long serial, String name, Instant notAfter, CertificateProfile profile, CertificateStatus status) {
        return new InventoryEntry(BigInteger.valueOf(serial), name, "/CN=" + name, notAfter.minus(Duration.ofDays(30)), notAfter,
                "00", profile, status, NOW.minusSeconds(1000 - serial));
    }

    @Test
    void aValidCertificatePastItsEndIsExpiredAndTheFiltersCombine() {
        InMemoryCredentialStore store = new InMemoryCredentialStore(UUID.randomUUID().toString());
        List<InventoryEntry> entries = List.of(
                entry(1, "old_app", NOW.minus(Duration.ofDays(1)), CertificateProfile.CLIENT, CertificateStatus.VALID),
                entry(2, "app", NOW.plus(Duration.ofDays(5)), CertificateProfile.CLIENT, CertificateStatus.VALID),
                entry(3, "app", NOW.minus(Duration.ofDays(2)), CertificateProfile.CLIENT, CertificateStatus.SUPERSEDED),
                entry(4, "db", NOW.plus(Duration.ofDays(300)), CertificateProfile.SERVER, CertificateStatus.VALID),
                entry(5, "left", NOW.plus(Duration.ofDays(300)), CertificateProfile.CLIENT, CertificateStatus.REVOKED));
        for (InventoryEntry e : entries) {
            store.commit(new StoreBatch(List.of(new StoreWrite.AddEntry(e)), List.of()));
        }
        InventoryUseCase inventory = S2mtls.builder(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build().inventory();
        assertEquals(List.of(InventoryUseCase.Standing.EXPIRED, InventoryUseCase.Standing.VALID, InventoryUseCase.Standing.SUPERSEDED,
                InventoryUseCase.Standing.VALID, InventoryUseCase.Standing.REVOKED), inventory.list().stream().map(inventory::standing).toList());

        assertEquals(List.of(1L), serials(inventory, new InventoryUseCase.Query(Optional.empty(), Set.of(InventoryUseCase.Standing.EXPIRED), Set.of(), Optional.empty())));
        assertEquals(List.of(2L, 4L), serials(inventory, new InventoryUseCase.Query(Optional.empty(), Set.of(InventoryUseCase.Standing.VALID), Set.of(), Optional.empty())));
        assertEquals(List.of(1L, 2L, 3L), serials(inventory, new InventoryUseCase.Query(Optional.of("*app"), Set.of(), Set.of(), Optional.empty())));
        assertEquals(List.of(2L, 3L), serials(inventory, new InventoryUseCase.Query(Optional.of("app"), Set.of(), Set.of(), Optional.empty())));
        assertEquals(List.of(), serials(inventory, new InventoryUseCase.Query(Optional.of("a.p"), Set.of(), Set.of(), Optional.empty())));
        assertEquals(List.of(4L), serials(inventory, new InventoryUseCase.Query(Optional.empty(), Set.of(), Set.of(CertificateProfile.SERVER), Optional.empty())));
        // the expiring window keeps the valid ones that end inside it, the expired ones included
        assertEquals(List.of(1L, 2L), serials(inventory, new InventoryUseCase.Query(Optional.empty(), Set.of(), Set.of(), Optional.of(Duration.ofDays(30)))));
        assertEquals(List.of(1L), serials(inventory, new InventoryUseCase.Query(Optional.empty(), Set.of(InventoryUseCase.Standing.EXPIRED),
                Set.of(CertificateProfile.CLIENT), Optional.of(Duration.ofDays(30)))));
        assertEquals(inventory.expiringWithin(Duration.ofDays(30)),
                inventory.list(new InventoryUseCase.Query(Optional.empty(), Set.of(), Set.of(), Optional.of(Duration.ofDays(30)))));
    }

    private static List<Long> serials(InventoryUseCase inventory, InventoryUseCase.Query query) {
        return inventory.list(query).stream().map(e -> e.serial().longValueExact()).toList();
    }
}
