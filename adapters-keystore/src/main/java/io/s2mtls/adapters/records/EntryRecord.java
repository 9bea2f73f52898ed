package io.s2mtls.adapters.records;

import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;

import java.time.Instant;
import java.util.Locale;

/**
 * An inventory entry as stores persist it: serial in upper-case hex, instants ISO-8601 exactly as
 * {@link Instant#toString()} writes them (so they round-trip to the nanosecond), profile and status by name, and the
 * serial of the issuing CA when it is known (left out otherwise, so entries written before it existed read the same).
 */
public record EntryRecord(String serial, String name, String subject, String notBefore, String notAfter,
                          String sha256Fingerprint, String profile, String status, String recordedAt,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String issuer) {

    public static EntryRecord of(InventoryEntry e) {
        return new EntryRecord(e.serial().toString(16).toUpperCase(Locale.ROOT), e.name(), e.subject(),
                e.notBefore().toString(), e.notAfter().toString(), e.sha256Fingerprint(), e.profile().name(),
                e.status().name(), e.recordedAt().toString(),
                e.issuer().map(i -> i.toString(16).toUpperCase(Locale.ROOT)).orElse(null));
    }

    /** The domain value; an {@link IllegalArgumentException} names the field that is wrong. */
    public InventoryEntry toEntry() {
        return new InventoryEntry(Fields.serial("serial", serial), Fields.text("name", name), Fields.text("subject", subject),
                Fields.instant("notBefore", notBefore), Fields.instant("notAfter", notAfter),
                Fields.text("sha256Fingerprint", sha256Fingerprint),
                Fields.constant("profile", profile, CertificateProfile.class),
                Fields.constant("status", status, CertificateStatus.class), Fields.instant("recordedAt", recordedAt),
                issuer == null ? java.util.Optional.empty() : java.util.Optional.of(Fields.serial("issuer", issuer)));
    }
}
