package io.s2mtls.adapters.keystore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a PKCS12 file has no place for: the inventory and the CA key reference, as one JSON document.
 *
 * <pre>{@code
 * {"format":"s2mtls-store","version":1,"caKeyReference":null,
 *  "inventory":[{"serial":"9F3A...","name":"alice","subject":"/O=s2mtls/CN=alice",
 *                "notBefore":"2026-01-01T00:00:00Z","notAfter":"2027-01-01T00:00:00Z",
 *                "sha256Fingerprint":"ab12...","profile":"CLIENT","status":"VALID",
 *                "recordedAt":"2026-01-01T00:00:00.123Z"}]}
 * }</pre>
 * Serials are upper-case hex, instants ISO-8601 (exactly as {@link Instant#toString()} writes them, so
 * they round-trip to the nanosecond). {@code audit} and {@code managedUsers} hold one JSON line each (the
 * forms of {@link AuditEvent#toJsonLine()} and {@link ManagedUser#toJsonLine()}); documents without them
 * read as empty. Unknown fields are refused rather than dropped on the next write.
 */
record StoreMetadata(String format, int version, String caKeyReference, List<Entry> inventory, List<String> audit,
                     List<String> managedUsers) {
    static final String FORMAT = "s2mtls-store";
    static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    record Entry(String serial, String name, String subject, String notBefore, String notAfter,
                 String sha256Fingerprint, String profile, String status, String recordedAt) {
    }

    static byte[] encode(Optional<String> caKeyReference, List<InventoryEntry> inventory, List<AuditEvent> audit,
                         Map<String, ManagedUser> managedUsers) {
        List<Entry> entries = inventory.stream().map(e -> new Entry(e.serial().toString(16).toUpperCase(Locale.ROOT),
                e.name(), e.subject(), e.notBefore().toString(), e.notAfter().toString(), e.sha256Fingerprint(),
                e.profile().name(), e.status().name(), e.recordedAt().toString())).toList();
        try {
            return JSON.writeValueAsBytes(new StoreMetadata(FORMAT, VERSION, caKeyReference.orElse(null), entries,
                    audit.stream().map(AuditEvent::toJsonLine).toList(),
                    managedUsers.values().stream().map(ManagedUser::toJsonLine).toList()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the inventory as JSON", e);
        }
    }

    /** Parses and checks the document; any problem is an {@link IllegalArgumentException} with a one-line reason. */
    static StoreMetadata decode(byte[] json) {
        StoreMetadata metadata;
        try {
            metadata = JSON.readValue(json, StoreMetadata.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("its inventory is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (metadata == null || !FORMAT.equals(metadata.format())) {
            throw new IllegalArgumentException("its inventory document is not an " + FORMAT + " document");
        }
        if (metadata.version() != VERSION) {
            throw new IllegalArgumentException("its inventory has format version " + metadata.version()
                    + " and this s2mtls reads version " + VERSION + "; use a newer s2mtls");
        }
        if (metadata.inventory() == null) {
            throw new IllegalArgumentException("its inventory document has no inventory list");
        }
        return metadata;
    }

    Optional<String> caKeyReferenceValue() {
        return Optional.ofNullable(caKeyReference);
    }

    List<AuditEvent> auditEvents() {
        try {
            return audit == null ? List.of() : audit.stream().map(AuditEvent::fromJsonLine).toList();
        } catch (RuntimeException problem) {
            throw new IllegalArgumentException("its audit trail has an unreadable line: " + firstLine(String.valueOf(problem.getMessage())));
        }
    }

    Map<String, ManagedUser> managedUserRecords() {
        Map<String, ManagedUser> users = new LinkedHashMap<>();
        try {
            if (managedUsers != null) {
                managedUsers.stream().map(ManagedUser::fromJsonLine).forEach(u -> users.put(u.key(), u));
            }
        } catch (RuntimeException problem) {
            throw new IllegalArgumentException("its managed-user records have an unreadable line: " + firstLine(String.valueOf(problem.getMessage())));
        }
        return users;
    }

    List<InventoryEntry> inventoryEntries() {
        return inventory.stream().map(StoreMetadata::toEntry).toList();
    }

    private static InventoryEntry toEntry(Entry e) {
        try {
            return new InventoryEntry(new BigInteger(e.serial(), 16), e.name(), e.subject(), Instant.parse(e.notBefore()),
                    Instant.parse(e.notAfter()), e.sha256Fingerprint(), CertificateProfile.valueOf(e.profile()),
                    CertificateStatus.valueOf(e.status()), Instant.parse(e.recordedAt()));
        } catch (RuntimeException problem) {
            throw new IllegalArgumentException("its inventory has an unreadable entry (serial " + e.serial() + "): "
                    + firstLine(String.valueOf(problem.getMessage())));
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
