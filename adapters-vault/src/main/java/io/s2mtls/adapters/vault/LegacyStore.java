package io.s2mtls.adapters.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.s2mtls.adapters.records.ManagedUserRecord;
import io.s2mtls.adapters.records.StoreJson;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoredCredential;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A store in the single-secret format {@value StoreDocuments#LEGACY_FORMAT} (everything in the {@code data} of
 * the store's one secret), read so that it can be used and converted to the granular layout. Every failure is an
 * {@link IllegalArgumentException} saying what is damaged. It parses only what it is asked for.
 */
final class LegacyStore {
    private final JsonNode data;
    private final String source;

    LegacyStore(JsonNode data, String source) {
        this.data = data;
        this.source = source;
    }

    Optional<CaMaterial> authority() {
        JsonNode ca = data.path("ca");
        if (!ca.isObject()) {
            return Optional.empty();
        }
        List<String> chain = new ArrayList<>();
        ca.path("chain").forEach(pem -> chain.add(pem.asText()));
        return Optional.of(new StoreDocuments.CaDocument(required(ca, "certificate"), text(ca, "private_key"), text(ca, "key_reference"),
                chain).material(source));
    }

    Optional<Credential> credential(String name) {
        JsonNode node = data.path("credentials").path(name);
        if (!node.isObject()) {
            return Optional.empty();
        }
        return Optional.of(new StoreDocuments.CredentialDocument(name, required(node, "certificate"), text(node, "private_key"))
                .credential(source + " credential " + name));
    }

    /** Every credential, for the conversion. */
    List<Credential> credentials() {
        List<Credential> all = new ArrayList<>();
        data.path("credentials").fieldNames().forEachRemaining(name -> all.add(credential(name).orElseThrow()));
        return all;
    }

    List<InventoryEntry> inventory() {
        List<InventoryEntry> inventory = new ArrayList<>();
        for (JsonNode node : data.path("inventory")) {
            inventory.add(new InventoryEntry(new BigInteger(required(node, "serial"), 16), required(node, "name"),
                    required(node, "subject"), Instant.parse(required(node, "not_before")), Instant.parse(required(node, "not_after")),
                    required(node, "sha256"), CertificateProfile.valueOf(required(node, "profile")),
                    CertificateStatus.valueOf(required(node, "status")), Instant.parse(required(node, "recorded_at"))));
        }
        return inventory;
    }

    List<AuditEvent> audit() {
        List<AuditEvent> audit = new ArrayList<>();
        // each line is one flat JSON object with the fields of an AuditRecord
        data.path("audit").forEach(line -> audit.add(StoreJson.auditEvent(line.asText())));
        return audit;
    }

    Map<String, ManagedUser> managedUsers() {
        Map<String, ManagedUser> users = new LinkedHashMap<>();
        for (JsonNode line : data.path("managed_users")) {
            ManagedUser user = StoreJson.read(line.asText().getBytes(StandardCharsets.UTF_8), ManagedUserRecord.class).toUser();
            users.put(user.key(), user);
        }
        return users;
    }

    StoreIndex index() {
        Map<String, StoredCredential> credentials = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : data.path("credentials").properties()) {
            JsonNode node = field.getValue();
            BigInteger serial = io.s2mtls.core.x509.Pem.readCertificate(required(node, "certificate").getBytes(StandardCharsets.US_ASCII),
                    source + " credential " + field.getKey()).getSerialNumber();
            credentials.put(field.getKey(), new StoredCredential(field.getKey(), serial, node.hasNonNull("private_key")));
        }
        Map<BigInteger, InventoryEntry> entries = new LinkedHashMap<>();
        inventory().forEach(e -> entries.put(e.serial(), e));
        JsonNode ca = data.path("ca");
        Optional<io.s2mtls.core.pki.Authorities> authority = Optional.empty();
        if (ca.isObject()) {
            List<String> chain = new ArrayList<>();
            ca.path("chain").forEach(pem -> chain.add(pem.asText()));
            authority = Optional.of(new StoreDocuments.CaDocument(required(ca, "certificate"), null, text(ca, "key_reference"), chain)
                    .authorities(source));
        }
        return new StoreIndex(authority, credentials, entries, managedUsers());
    }

    private static String required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("field '" + field + "' is missing");
        }
        return value.asText();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
