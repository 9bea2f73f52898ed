package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Credentials shorter than a day: issued for a duration, and renewed for the same duration. */
class ShortLivedTest {
    private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");
    private final InMemoryCredentialStore store = new InMemoryCredentialStore(UUID.randomUUID().toString());

    private S2mtls at(Instant instant) {
        return S2mtls.builder(store).clock(Clock.fixed(instant, ZoneOffset.UTC)).build();
    }

    @Test
    void aOneHourCredentialIsRenewedForOneHour() {
        at(START).authority().create(DistinguishedName.parse("/O=ShortLived/CN=CA"), KeySpec.EC_P256, 30, false);
        IssuedCertificate issued = at(START).issuance().issue(IssueCommand.client(DistinguishedName.parse("/O=ShortLived/CN=app"))
                .withKey(KeySpec.EC_P256).withLifetime(Duration.ofHours(1)));
        assertEquals(START.plus(Duration.ofHours(1)), issued.certificate().getNotAfter().toInstant());

        Instant renewalTime = START.plus(Duration.ofMinutes(40));
        List<LifecycleUseCase.Renewal> renewed = at(renewalTime).lifecycle().renew(List.of("app"), java.util.Optional.empty(),
                java.util.Optional.empty(), 1, done -> { });
        assertEquals(1, renewed.size());
        assertEquals(renewalTime.plus(Duration.ofHours(1)), renewed.get(0).renewed().certificate().getNotAfter().toInstant(),
                "the renewal keeps the one-hour lifetime, not a day");
    }

    @Test
    void dayLongCredentialsKeepTheirDays() {
        at(START).authority().create(DistinguishedName.parse("/O=ShortLived/CN=CA"), KeySpec.EC_P256, 3650, false);
        at(START).issuance().issue(IssueCommand.client(DistinguishedName.parse("/O=ShortLived/CN=db")).withKey(KeySpec.EC_P256).withDays(90));
        Instant later = START.plus(Duration.ofDays(80));
        var renewed = at(later).lifecycle().renew(List.of("db"), java.util.Optional.empty(), java.util.Optional.empty(), 1, done -> { });
        assertEquals(later.plus(Duration.ofDays(90)), renewed.get(0).renewed().certificate().getNotAfter().toInstant());
    }

    @Test
    void lifetimesOutOfRangeAreRefused() {
        IssueCommand command = IssueCommand.client(DistinguishedName.parse("/CN=x"));
        S2mtlsException tooShort = assertThrows(S2mtlsException.class, () -> command.withLifetime(Duration.ofMinutes(4)));
        assertEquals("--valid-for: 4m is out of range; use 5m to 36500d", tooShort.getMessage());
        assertThrows(S2mtlsException.class, () -> command.withLifetime(Duration.ofDays(36_501)));
    }
}
