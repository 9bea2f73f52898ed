package io.s2mtls.adapters.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.port.StoreSnapshot;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a {@link StoreSnapshot} into the {@code data} map of the store's KV v2 secret and back. Parsed
 * certificates and keys are cached by their PEM text, so re-reading a large store inside a
 * compare-and-set loop does not parse every credential again.
 */
final class StoreCodec {
    static final String FORMAT = "s2mtls-store/1";

    private final ObjectMapper json;
    private final Map<String, X509Certificate> certificates = new ConcurrentHashMap<>();
    private final Map<String, PrivateKey> keys = new ConcurrentHashMap<>();

    StoreCodec(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode encode(StoreSnapshot snapshot) {
        ObjectNode data = json.createObjectNode();
        data.put("format", FORMAT);
        snapshot.authority().ifPresent(ca -> {
            ObjectNode node = data.putObject("ca");
            node.put("certificate", Pem.certificate(ca.certificate()));
            ca.privateKey().ifPresent(key -> node.put("private_key", Pem.privateKey(key)));
            ca.keyReference().ifPresent(reference -> node.put("key_reference", reference));
            if (!ca.chain().isEmpty()) {
                // the certificates above an intermediate CA, its issuer first, up to the root (one PEM each)
                ArrayNode chain = node.putArray("chain");
                ca.chain().forEach(above -> chain.add(Pem.certificate(above)));
            }
        });
        ObjectNode credentials = data.putObject("credentials");
        snapshot.credentials().forEach((name, credential) -> {
            ObjectNode node = credentials.putObject(name);
            node.put("certificate", Pem.certificate(credential.certificate()));
            credential.privateKey().ifPresent(key -> node.put("private_key", Pem.privateKey(key)));
        });
        ArrayNode inventory = data.putArray("inventory");
        for (InventoryEntry entry : snapshot.inventory()) {
            inventory.addObject()
                    .put("serial", entry.serial().toString(16))
                    .put("name", entry.name())
                    .put("subject", entry.subject())
                    .put("not_before", entry.notBefore().toString())
                    .put("not_after", entry.notAfter().toString())
                    .put("sha256", entry.sha256Fingerprint())
                    .put("profile", entry.profile().name())
                    .put("status", entry.status().name())
                    .put("recorded_at", entry.recordedAt().toString());
        }
        ArrayNode audit = data.putArray("audit");
        snapshot.audit().forEach(event -> audit.add(event.toJsonLine()));
        ArrayNode managedUsers = data.putArray("managed_users");
        snapshot.managedUsers().values().forEach(user -> managedUsers.add(user.toJsonLine()));
        return data;
    }

    /** @throws IllegalArgumentException when the secret is not an s2mtls store */
    StoreSnapshot decode(JsonNode data) {
        String format = data.path("format").asText("");
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException(format.isEmpty() ? "it holds no s2mtls store (no \"format\" field)"
                    : "its format '" + format + "' is not " + FORMAT);
        }
        try {
            Optional<CaMaterial> authority = Optional.empty();
            JsonNode ca = data.path("ca");
            if (ca.isObject()) {
                X509Certificate certificate = certificate(required(ca, "certificate"));
                authority = Optional.of(ca.hasNonNull("private_key")
                        ? CaMaterial.local(certificate, key(ca.get("private_key").asText()))
                        : CaMaterial.remote(certificate, required(ca, "key_reference")));
                List<X509Certificate> chain = new ArrayList<>();
                for (JsonNode above : ca.path("chain")) {
                    chain.add(certificate(above.asText()));
                }
                authority = Optional.of(authority.get().withChain(chain));
            }
            Map<String, Credential> credentials = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : data.path("credentials").properties()) {
                JsonNode node = field.getValue();
                Optional<PrivateKey> key = node.hasNonNull("private_key")
                        ? Optional.of(key(node.get("private_key").asText())) : Optional.empty();
                credentials.put(field.getKey(), new Credential(field.getKey(), certificate(required(node, "certificate")), key));
            }
            List<InventoryEntry> inventory = new ArrayList<>();
            for (JsonNode node : data.path("inventory")) {
                inventory.add(new InventoryEntry(
                        new BigInteger(required(node, "serial"), 16),
                        required(node, "name"),
                        required(node, "subject"),
                        Instant.parse(required(node, "not_before")),
                        Instant.parse(required(node, "not_after")),
                        required(node, "sha256"),
                        CertificateProfile.valueOf(required(node, "profile")),
                        CertificateStatus.valueOf(required(node, "status")),
                        Instant.parse(required(node, "recorded_at"))));
            }
            List<io.s2mtls.core.pki.AuditEvent> audit = new ArrayList<>();
            for (JsonNode line : data.path("audit")) {
                audit.add(io.s2mtls.core.pki.AuditEvent.fromJsonLine(line.asText()));
            }
            Map<String, io.s2mtls.core.pki.ManagedUser> managedUsers = new LinkedHashMap<>();
            for (JsonNode line : data.path("managed_users")) {
                io.s2mtls.core.pki.ManagedUser user = io.s2mtls.core.pki.ManagedUser.fromJsonLine(line.asText());
                managedUsers.put(user.key(), user);
            }
            return new StoreSnapshot(authority, credentials, inventory, audit, managedUsers);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("it is damaged (" + e.getMessage() + ")", e);
        }
    }

    private static String required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("field '" + field + "' is missing");
        }
        return value.asText();
    }

    private X509Certificate certificate(String pem) throws GeneralSecurityException {
        X509Certificate cached = certificates.get(pem);
        if (cached == null) {
            cached = Pem.parseCertificate(pem);
            certificates.put(pem, cached);
        }
        return cached;
    }

    private PrivateKey key(String pem) throws GeneralSecurityException {
        PrivateKey cached = keys.get(pem);
        if (cached == null) {
            cached = Pem.parsePrivateKey(pem);
            keys.put(pem, cached);
        }
        return cached;
    }
}
