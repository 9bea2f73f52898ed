package io.s2mtls.adapters.keystore;

import io.s2mtls.adapters.records.EntryRecord;
import io.s2mtls.adapters.records.ManagedUserRecord;
import io.s2mtls.adapters.records.StoreJson;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The inventory document of a version-1 store file (written before the store was granular), read only
 * so that such a file can be opened and upgraded on its next write; see {@link StoreFile} for the format
 * written now.
 *
 * <pre>{@code
 * {"format":"s2mtls-store","version":1,"caKeyReference":null,
 *  "inventory":[{"serial":"9F3A...","name":"alice",...}],
 *  "audit":["{\"time\":...}", ...], "managedUsers":["{\"name\":...}", ...]}
 * }</pre>
 * {@code audit} and {@code managedUsers} hold one JSON object per string, in the forms of
 * {@link io.s2mtls.adapters.records.AuditRecord} and {@link ManagedUserRecord}; documents without them
 * read as empty. Unknown fields are refused.
 */
record StoreMetadata(String format, int version, String caKeyReference, List<EntryRecord> inventory, List<String> audit,
                     List<String> managedUsers) {
    static final String FORMAT = "s2mtls-store";
    static final int VERSION = 1;

    /** Parses and checks the document; any problem is an {@link IllegalArgumentException} with a one-line reason. */
    static StoreMetadata decode(byte[] json) {
        StoreMetadata metadata;
        try {
            metadata = StoreJson.read(json, StoreMetadata.class);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("its inventory is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (metadata == null || !FORMAT.equals(metadata.format())) {
            throw new IllegalArgumentException("its inventory document is not an " + FORMAT + " document");
        }
        if (metadata.version() != VERSION) {
            throw new IllegalArgumentException("its inventory has format version " + metadata.version()
                    + " and this s2mtls reads version " + VERSION + " here; use a newer s2mtls");
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
            return audit == null ? List.of() : audit.stream().map(StoreJson::auditEvent).toList();
        } catch (RuntimeException problem) {
            throw new IllegalArgumentException("its audit trail has an unreadable line: " + firstLine(String.valueOf(problem.getMessage())));
        }
    }

    Map<String, ManagedUser> managedUserRecords() {
        Map<String, ManagedUser> users = new LinkedHashMap<>();
        try {
            if (managedUsers != null) {
                managedUsers.stream()
                        .map(line -> StoreJson.read(line.getBytes(StandardCharsets.UTF_8), ManagedUserRecord.class).toUser())
                        .forEach(u -> users.put(u.key(), u));
            }
        } catch (RuntimeException problem) {
            throw new IllegalArgumentException("its managed-user records have an unreadable line: " + firstLine(String.valueOf(problem.getMessage())));
        }
        return users;
    }

    List<InventoryEntry> inventoryEntries() {
        return inventory.stream().map(e -> {
            try {
                return e.toEntry();
            } catch (RuntimeException problem) {
                throw new IllegalArgumentException("its inventory has an unreadable entry (serial " + e.serial() + "): "
                        + firstLine(String.valueOf(problem.getMessage())));
            }
        }).toList();
    }

    static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
