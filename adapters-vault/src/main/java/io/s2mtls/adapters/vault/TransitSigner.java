package io.s2mtls.adapters.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.RemoteSigner;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A CA key kept in Vault's Transit engine. Signs with {@code POST <mount>/sign/<key>}, pinned to the key
 * version whose public key {@link #publicKey()} reports, so a rotation in Vault cannot produce
 * certificates that do not match the CA certificate. Every signature is verified locally before it is
 * returned.
 */
final class TransitSigner implements RemoteSigner {
    private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern VERSIONED_SIGNATURE = Pattern.compile("vault:v(\\d+):(.*)", Pattern.DOTALL);
    private static final Map<String, String> VAULT_TYPES = Map.ofEntries(
            Map.entry("rsa:2048", "rsa-2048"), Map.entry("rsa:3072", "rsa-3072"), Map.entry("rsa:4096", "rsa-4096"),
            Map.entry("ec:p256", "ecdsa-p256"), Map.entry("ec:p384", "ecdsa-p384"), Map.entry("ec:p521", "ecdsa-p521"),
            Map.entry("ed25519", "ed25519"),
            Map.entry("rsa-2048", "rsa-2048"), Map.entry("rsa-3072", "rsa-3072"), Map.entry("rsa-4096", "rsa-4096"),
            Map.entry("ecdsa-p256", "ecdsa-p256"), Map.entry("ecdsa-p384", "ecdsa-p384"), Map.entry("ecdsa-p521", "ecdsa-p521"));
    /** The key type a new Transit key gets when none is named. */
    static final String DEFAULT_TYPE = "rsa-4096";

    private final VaultClient client;
    private final String mount;
    private final String keyName;
    private final String vaultType;
    private final long keyVersion;
    private final PublicKey publicKey;

    /** How one JCA signature algorithm maps onto Transit's parameters. */
    private record Mode(String family, String hashAlgorithm) {
    }

    private TransitSigner(VaultClient client, String mount, String keyName, String vaultType, long keyVersion, PublicKey publicKey) {
        this.client = requireNonNull(client, "client is null");
        this.mount = requireNonNull(mount, "mount is null");
        this.keyName = requireNonNull(keyName, "keyName is null");
        this.vaultType = requireNonNull(vaultType, "vaultType is null");
        this.keyVersion = keyVersion;
        this.publicKey = requireNonNull(publicKey, "publicKey is null");
    }

    /** Opens (and with {@code create}, first creates) the Transit key {@code keyName}; reads its latest public key. */
    static TransitSigner open(VaultClient client, String keyName, boolean create, String keyType) {
        if (keyName == null || !KEY_NAME.matcher(keyName).matches()) {
            throw S2mtlsException.badInput("--key: '" + keyName + "' is not a usable Transit key name;"
                    + " write vault-transit:NAME with letters, digits, '.', '_' or '-'");
        }
        String mount = client.settings().transitMount();
        String keyPath = mount + "/keys/" + keyName;
        String wanted = null;
        if (keyType != null && !keyType.isBlank()) {
            wanted = VAULT_TYPES.get(keyType.trim().toLowerCase(Locale.ROOT));
            if (wanted == null) {
                throw S2mtlsException.badInput("--key: Transit cannot sign with a '" + keyType + "' key; use one of"
                        + " rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384, ed25519");
            }
        }
        if (create) {
            String type = wanted == null ? DEFAULT_TYPE : wanted;
            String purpose = "creating Transit key " + keyPath;
            VaultClient.Response created = client.call("POST", keyPath, client.object().put("type", type), purpose);
            if (created.status() != 200 && created.status() != 204) {
                throw client.unexpected(created, purpose);
            }
        }
        String purpose = "reading Transit key " + keyPath;
        VaultClient.Response read = client.call("GET", keyPath, null, purpose);
        if (read.status() == 404 && read.errors().isEmpty()) {
            throw client.failure(purpose, "no such key; create it first (vault write -f " + keyPath + " type=...)", null);
        }
        if (read.status() != 200) {
            throw client.unexpected(read, purpose);
        }
        JsonNode data = read.data();
        String type = data.path("type").asText("");
        if (!data.path("supports_signing").asBoolean(false) || !VAULT_TYPES.containsValue(type)) {
            throw client.failure(purpose, "key type '" + type + "' does not support signing", null);
        }
        if (wanted != null && !wanted.equals(type)) {
            throw S2mtlsException.badInput("--key: Transit key " + keyPath + " is of type " + type + ", not " + wanted);
        }
        long version = data.path("latest_version").asLong(0);
        String publicText = data.path("keys").path(Long.toString(version)).path("public_key").asText("");
        if (version <= 0 || publicText.isEmpty()) {
            throw client.failure(purpose, "the answer carries no public key for the latest version", null);
        }
        try {
            PublicKey key = type.equals("ed25519")
                    ? ed25519PublicKey(Base64.getDecoder().decode(publicText.trim()))
                    : io.s2mtls.core.x509.Pem.readPublicKey(publicText.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                            "the public key of " + keyPath);
            return new TransitSigner(client, mount, keyName, type, version, key);
        } catch (GeneralSecurityException | IllegalArgumentException | S2mtlsException e) {
            throw client.failure(purpose, "its public key cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** DER prefix of an Ed25519 SubjectPublicKeyInfo, followed by the 32 raw key bytes. */
    private static final byte[] ED25519_SPKI_PREFIX = java.util.HexFormat.of().parseHex("302a300506032b6570032100");

    /** An Ed25519 public key from the 32 raw bytes Transit reports. */
    static PublicKey ed25519PublicKey(byte[] raw) throws GeneralSecurityException {
        if (raw.length != 32) {
            throw new GeneralSecurityException("an Ed25519 public key has 32 bytes, not " + raw.length);
        }
        byte[] spki = java.util.Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + 32);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, 32);
        return java.security.KeyFactory.getInstance("Ed25519").generatePublic(new java.security.spec.X509EncodedKeySpec(spki));
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    /** The reference a store keeps for this key, e.g. {@code vault-transit:ca-key}. */
    String reference() {
        return TransitSignerProvider.SCHEME + ":" + keyName;
    }

    @Override
    public byte[] sign(String algorithm, byte[] data) {
        requireNonNull(algorithm, "algorithm is null");
        requireNonNull(data, "data is null");
        Mode mode = mode(algorithm);
        String family = vaultType.startsWith("rsa") ? "RSA" : vaultType.startsWith("ecdsa") ? "ECDSA" : "Ed25519";
        if (!mode.family().equals(family)) {
            throw S2mtlsException.badInput("Transit key " + keyName + " (" + vaultType + ") cannot make " + algorithm + " signatures");
        }
        ObjectNode body = client.object()
                .put("input", Base64.getEncoder().encodeToString(data))
                .put("key_version", keyVersion);
        if (mode.hashAlgorithm() != null) {
            body.put("hash_algorithm", mode.hashAlgorithm()).put("prehashed", false);
        }
        if (family.equals("RSA")) {
            body.put("signature_algorithm", "pkcs1v15");
        } else if (family.equals("ECDSA")) {
            body.put("marshaling_algorithm", "asn1");
        }
        String signPath = mount + "/sign/" + keyName;
        String purpose = "signing with Transit key " + signPath;
        VaultClient.Response response = client.call("POST", signPath, body, purpose);
        if (response.status() != 200) {
            throw client.unexpected(response, purpose);
        }
        Matcher matcher = VERSIONED_SIGNATURE.matcher(response.data().path("signature").asText(""));
        if (!matcher.matches()) {
            throw client.failure(purpose, "the answer carries no vault:vN: signature", null);
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(matcher.group(2).trim());
        } catch (IllegalArgumentException e) {
            throw client.failure(purpose, "the signature is not base64", e);
        }
        if (!verifies(algorithm, data, signature)) {
            throw client.failure(purpose, "the " + algorithm + " signature from key version v" + matcher.group(1)
                    + " does not verify with the public key of version v" + keyVersion, null);
        }
        return signature;
    }

    private boolean verifies(String algorithm, byte[] data, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Mode mode(String algorithm) {
        switch (algorithm.toUpperCase(Locale.ROOT)) {
            case "SHA256WITHRSA":
                return new Mode("RSA", "sha2-256");
            case "SHA384WITHRSA":
                return new Mode("RSA", "sha2-384");
            case "SHA512WITHRSA":
                return new Mode("RSA", "sha2-512");
            case "SHA256WITHECDSA":
                return new Mode("ECDSA", "sha2-256");
            case "SHA384WITHECDSA":
                return new Mode("ECDSA", "sha2-384");
            case "SHA512WITHECDSA":
                return new Mode("ECDSA", "sha2-512");
            case "ED25519":
            case "EDDSA":
                return new Mode("Ed25519", null);
            default:
                throw S2mtlsException.badInput("Transit signing: unsupported signature algorithm '" + algorithm
                        + "'; use SHA256/384/512withRSA, SHA256/384/512withECDSA or Ed25519");
        }
    }
}
