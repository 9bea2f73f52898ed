package io.s2mtls.adapters.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s2mtls.core.error.S2mtlsException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A small Vault HTTP client on {@link HttpClient} and Jackson: logs in (token or AppRole), checks the
 * token once with lookup-self and renews it with renew-self when it is renewable and near expiry, and
 * turns transport failures, 403 and 503 into one-line {@link S2mtlsException}s of kind EXTERNAL that name
 * the address and what was being done. Token, role id and secret id never appear in a message.
 */
final class VaultClient {
    /** A renewable token is renewed when it has less than this left. */
    static final Duration RENEW_WINDOW = Duration.ofMinutes(5);
    /** An AppRole token that cannot be renewed is replaced by a fresh login when it has less than this left. */
    static final Duration RELOGIN_MARGIN = Duration.ofSeconds(15);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final String REDACTED = "<redacted>";
    /**
     * The most of one answer that is read: far above any store Vault keeps (its storage refuses entries above
     * {@code max_entry_size}, 1 MiB by default), and far below what would exhaust the heap.
     */
    static final long MAX_BODY_BYTES = 32L << 20;

    private final VaultSettings settings;
    private final ObjectMapper json = new ObjectMapper();
    private final Clock clock;
    private HttpClient http;
    private String token;
    private boolean renewable;
    private Instant expiresAt;

    /** What Vault answered: the status and the JSON body (missing for 204 or a body that is not JSON). */
    record Response(int status, JsonNode body) {
        List<String> errors() {
            List<String> errors = new ArrayList<>();
            body.path("errors").forEach(e -> errors.add(e.asText()));
            return errors;
        }

        boolean hasErrorsField() {
            return body.has("errors");
        }

        JsonNode data() {
            return body.path("data");
        }
    }

    VaultClient(VaultSettings settings) {
        this(settings, Clock.systemUTC());
    }

    VaultClient(VaultSettings settings, Clock clock) {
        this.settings = requireNonNull(settings, "settings is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    VaultSettings settings() {
        return settings;
    }

    ObjectMapper json() {
        return json;
    }

    ObjectNode object() {
        return json.createObjectNode();
    }

    /**
     * Sends an authenticated request to {@code /v1/<path>}. Returns any answer other than 403 and 503, which
     * (like transport failures) become EXTERNAL errors mentioning {@code purpose}.
     */
    Response call(String method, String path, JsonNode body, String purpose) {
        String currentToken = token(purpose);
        Response response = send(method, path, body, currentToken, purpose);
        if (response.status() == 403 && settings.login() instanceof VaultSettings.AppRoleLogin
                && response.errors().stream().anyMatch(e -> e.contains("invalid token"))) {
            // the AppRole token expired or was revoked under us: log in again, once
            synchronized (this) {
                if (currentToken.equals(token)) {
                    token = null;
                }
            }
            response = send(method, path, body, token(purpose), purpose);
        }
        if (response.status() == 403 && response.errors().stream().noneMatch(e -> e.contains("invalid token"))) {
            throw failure(purpose, "permission denied (403): the token's policies do not allow "
                    + capability(method) + " " + path, null);
        }
        refuseCommonFailures(response, purpose);
        return response;
    }

    /**
     * The {@code data} of a KV v2 read answered with 200: it must hold {@code data.data} (an object, or null for a
     * deleted version) and {@code data.metadata} with a numeric {@code version}; anything else is not Vault's answer.
     */
    JsonNode kvRead(Response response, String path, String purpose) {
        JsonNode data = response.data();
        JsonNode content = data.path("data");
        if (!data.isObject() || !(content.isObject() || content.isNull()) || !data.path("metadata").path("version").canConvertToLong()
                || !data.path("metadata").path("version").isIntegralNumber()) {
            throw failure(purpose, "the answer to reading " + path + " is not a KV version 2 secret (it lacks data.data and"
                    + " data.metadata.version); nothing was read. Is VAULT_ADDR Vault itself, and " + path + " on a KV v2 mount?", null);
        }
        return data;
    }

    /**
     * The version a KV v2 write answered with 200 created: {@code data.version}, above {@code casVersion}. Without
     * it the write is not taken as committed: it may or may not be stored.
     */
    long kvWritten(Response response, String path, long casVersion, String purpose) {
        JsonNode version = response.data().path("version");
        if (!version.isIntegralNumber() || version.asLong() <= casVersion) {
            throw failure(purpose, "Vault answered the write of " + path + " with 200 but without the new version (data.version)"
                    + " a KV v2 write returns, so it is not known whether the change was stored; check with 'vault kv metadata get "
                    + path.replaceFirst("/data/", "/") + "' before running the command again", null);
        }
        return version.asLong();
    }

    /** An EXTERNAL error for an answer the caller did not expect. */
    S2mtlsException unexpected(Response response, String purpose) {
        String detail = vaultSays(response);
        String cause;
        if (response.status() == 404) {
            cause = "no such mount or path (404" + (detail.isEmpty() ? "" : ": " + detail) + ")";
        } else if (response.status() == 400) {
            cause = "Vault refused the request (400" + (detail.isEmpty() ? "" : ": " + detail) + ")";
        } else {
            cause = "Vault answered HTTP " + response.status() + (detail.isEmpty() ? "" : ": " + detail);
        }
        return failure(purpose, cause, null);
    }

    S2mtlsException failure(String purpose, String cause, Throwable throwable) {
        return S2mtlsException.external(redact("Vault " + settings.where() + ": " + purpose + ": " + cause), throwable);
    }

    private void refuseCommonFailures(Response response, String purpose) {
        if (response.status() == 503) {
            String says = vaultSays(response);
            throw failure(purpose, says.isEmpty() || says.toLowerCase(java.util.Locale.ROOT).contains("sealed")
                    ? "Vault is sealed (503); unseal it and try again"
                    : "Vault is unavailable (503: " + says + ")", null);
        }
        if (response.status() == 403) {
            throw permissionDenied(response, purpose);
        }
    }

    private S2mtlsException permissionDenied(Response response, String purpose) {
        boolean badToken = response.errors().stream().anyMatch(e -> e.contains("invalid token"));
        if (badToken) {
            return failure(purpose, "permission denied: the token is invalid or expired (" + loginSource()
                    + "); log in again or set a valid token", null);
        }
        return failure(purpose, "permission denied (403): the token's policies do not allow this", null);
    }

    /** The policy capability a request needs, as an operator writes it in a Vault policy. */
    private static String capability(String method) {
        switch (method) {
            case "GET":
                return "read";
            case "DELETE":
                return "delete";
            case "LIST":
                return "list";
            default:
                return "create/update";
        }
    }

    private String loginSource() {
        return settings.login() instanceof VaultSettings.TokenLogin tokenLogin ? "from " + tokenLogin.source()
                : "from " + settings.login();
    }

    // ---- authentication ----

    private synchronized String token(String purpose) {
        if (token == null) {
            if (settings.login() instanceof VaultSettings.AppRoleLogin appRole) {
                appRoleLogin(appRole, purpose);
            } else {
                token = ((VaultSettings.TokenLogin) settings.login()).token();
                lookupSelf(purpose);
            }
        }
        if (expiresAt != null) {
            Duration left = Duration.between(clock.instant(), expiresAt);
            if (renewable && left.compareTo(RENEW_WINDOW) < 0) {
                renewSelf(purpose);
            } else if (!renewable && left.compareTo(RELOGIN_MARGIN) < 0
                    && settings.login() instanceof VaultSettings.AppRoleLogin appRole) {
                appRoleLogin(appRole, purpose);
            }
        }
        return token;
    }

    private void appRoleLogin(VaultSettings.AppRoleLogin appRole, String purpose) {
        ObjectNode body = object().put("role_id", appRole.roleId()).put("secret_id", appRole.secretId());
        Response response = send("POST", "auth/" + appRole.mount() + "/login", body, null, purpose);
        if (response.status() != 200) {
            if (response.status() == 503) {
                refuseCommonFailures(response, purpose);
            }
            String hint = response.status() == 403 || response.status() == 404
                    ? " (is AppRole enabled at auth/" + appRole.mount() + settings.namespace().map(ns -> " in namespace " + ns).orElse("") + "?)"
                    : "";
            throw failure(purpose, "AppRole login at auth/" + appRole.mount() + " refused: " + orStatus(response) + hint, null);
        }
        JsonNode auth = response.body().path("auth");
        String clientToken = auth.path("client_token").asText("");
        if (clientToken.isEmpty()) {
            throw failure(purpose, "AppRole login at auth/" + appRole.mount() + " returned no token", null);
        }
        token = clientToken;
        leaseFrom(auth.path("lease_duration").asLong(0), auth.path("renewable").asBoolean(false));
    }

    private void lookupSelf(String purpose) {
        Response response = send("GET", "auth/token/lookup-self", null, token, purpose);
        if (response.status() == 200) {
            leaseFrom(response.data().path("ttl").asLong(0), response.data().path("renewable").asBoolean(false));
            return;
        }
        if (response.status() == 503 || response.errors().stream().anyMatch(e -> e.contains("invalid token"))) {
            refuseCommonFailures(response, purpose);
        }
        // A valid token whose policy does not allow lookup-self: use it as it is, without renewal.
        renewable = false;
    }

    private void renewSelf(String purpose) {
        Response response = send("POST", "auth/token/renew-self", object().put("increment", "1h"), token, purpose);
        if (response.status() == 200) {
            JsonNode auth = response.body().path("auth");
            long lease = auth.path("lease_duration").asLong(0);
            leaseFrom(lease, auth.path("renewable").asBoolean(false));
            if (lease > 0 && lease < RENEW_WINDOW.toSeconds()) {
                renewable = false; // capped by its max TTL: renewing on every request would not help
            }
            return;
        }
        if (settings.login() instanceof VaultSettings.AppRoleLogin appRole) {
            appRoleLogin(appRole, purpose);
            return;
        }
        refuseCommonFailures(response, purpose);
        renewable = false; // "lease is not renewable": keep using the token until it expires
    }

    private void leaseFrom(long ttlSeconds, boolean isRenewable) {
        renewable = isRenewable;
        expiresAt = ttlSeconds > 0 ? clock.instant().plusSeconds(ttlSeconds) : null;
    }

    // ---- transport ----

    private Response send(String method, String path, JsonNode body, String withToken, String purpose) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path, purpose))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        if (withToken != null) {
            request.header("X-Vault-Token", withToken);
        }
        settings.namespace().ifPresent(ns -> request.header("X-Vault-Namespace", ns));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json");
            try {
                request.method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            } catch (IOException e) {
                throw S2mtlsException.internal("cannot encode a Vault request", e);
            }
        }
        HttpResponse<byte[]> response;
        try {
            response = http(purpose).send(request.build(), info -> new BoundedBody(MAX_BODY_BYTES));
        } catch (IOException e) {
            if (has(e, BodyTooLarge.class)) {
                throw failure(purpose, "the answer to " + method + " " + path + " is larger than " + (MAX_BODY_BYTES >> 20)
                        + " MiB, which no Vault answer is; is VAULT_ADDR Vault itself?", e);
            }
            throw failure(purpose, transportCause(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(purpose, "interrupted", e);
        }
        JsonNode parsed = MissingNode.getInstance();
        if (response.body().length > 0) {
            try {
                parsed = json.readTree(response.body());
            } catch (IOException notJson) {
                parsed = MissingNode.getInstance();
            }
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300 && status != 204 && (parsed == null || !parsed.isObject())) {
            // a proxy's page, a captive portal, another service at VAULT_ADDR: never read as an empty answer
            String type = response.headers().firstValue("Content-Type").orElse("no Content-Type");
            throw failure(purpose, "Vault answered " + method + " " + path + " with HTTP " + status + " and a body that is not"
                    + " Vault's JSON (" + type + ", " + response.body().length + " bytes" + preview(response.body())
                    + "); is VAULT_ADDR Vault itself and not a proxy or web page?", null);
        }
        return new Response(status, parsed == null ? MissingNode.getInstance() : parsed);
    }

    /** The first printable characters of a body, for a message. */
    private static String preview(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 40), StandardCharsets.UTF_8).replaceAll("[^\\x20-\\x7e]", " ").strip();
        return text.isEmpty() ? "" : ", starting '" + text + "'";
    }

    /** Refuses a response body longer than the limit, without holding more than the limit. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final long limit;
        private final java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        private final java.util.concurrent.CompletableFuture<byte[]> result = new java.util.concurrent.CompletableFuture<>();
        private java.util.concurrent.Flow.Subscription subscription;

        BoundedBody(long limit) {
            this.limit = limit;
        }

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription newSubscription) {
            subscription = newSubscription;
            newSubscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<java.nio.ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (java.nio.ByteBuffer item : items) {
                if (buffer.size() + (long) item.remaining() > limit) {
                    subscription.cancel();
                    buffer.reset();
                    result.completeExceptionally(new BodyTooLarge());
                    return;
                }
                byte[] bytes = new byte[item.remaining()];
                item.get(bytes);
                buffer.write(bytes, 0, bytes.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }

    /** A response body over {@link #MAX_BODY_BYTES}. */
    private static final class BodyTooLarge extends IOException {
        BodyTooLarge() {
            super("response body too large");
        }
    }

    private URI uri(String path, String purpose) {
        try {
            return URI.create(settings.address() + "/v1/" + path);
        } catch (IllegalArgumentException e) {
            throw S2mtlsException.badInput(redact("vault: '" + path + "' cannot be part of a URL (" + purpose + ")"));
        }
    }

    private String transportCause(IOException e) {
        if (has(e, HttpConnectTimeoutException.class)) {
            return "timed out connecting after " + CONNECT_TIMEOUT.toSeconds() + " s; is VAULT_ADDR right?";
        }
        if (has(e, HttpTimeoutException.class)) {
            return "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
        }
        if (has(e, SSLException.class)) {
            String trust = settings.caCertificate().map(p -> "the CA certificates in VAULT_CACERT " + p)
                    .orElse("the JDK's default trust store (set VAULT_CACERT to Vault's CA certificate file)");
            return "TLS failure: the server's certificate is not trusted by " + trust + " (" + rootMessage(e) + ")";
        }
        if (has(e, ConnectException.class)) {
            return "connection refused; is Vault running at that address (VAULT_ADDR)?";
        }
        return "network failure: " + rootMessage(e);
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.length() > 160 ? message.substring(0, 160) + "..." : message;
    }

    private synchronized HttpClient http(String purpose) {
        if (http == null) {
            HttpClient.Builder builder = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER);
            if (settings.caCertificate().isPresent()) {
                builder.sslContext(trusting(purpose));
            }
            http = builder.build();
        }
        return http;
    }

    private SSLContext trusting(String purpose) {
        java.nio.file.Path file = settings.caCertificate().orElseThrow();
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(file)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (NoSuchFileException e) {
            throw S2mtlsException.badInput("VAULT_CACERT: " + file + " does not exist");
        } catch (IOException | GeneralSecurityException e) {
            throw S2mtlsException.badInput("VAULT_CACERT: " + file + " is not a PEM certificate file (" + e.getMessage() + ")", e);
        }
        if (certificates.isEmpty()) {
            throw S2mtlsException.badInput("VAULT_CACERT: " + file + " holds no certificate");
        }
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                trust.setCertificateEntry("vault-ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw failure(purpose, "cannot set up TLS with VAULT_CACERT " + file, e);
        }
    }

    // ---- messages ----

    /** Vault's error text, flattened to one line ("2 errors occurred:\n\t* a\n\t* b" becomes "a; b"). */
    static String vaultSays(Response response) {
        List<String> parts = new ArrayList<>();
        for (String error : response.errors()) {
            if (error.matches("(?s)\\d+ errors? occurred:.*")) {
                for (String line : error.split("\n")) {
                    String trimmed = line.trim();
                    if (trimmed.startsWith("* ")) {
                        parts.add(trimmed.substring(2));
                    }
                }
            } else if (!error.isBlank()) {
                parts.add(error.trim());
            }
        }
        response.body().path("warnings").forEach(w -> parts.add(w.asText()));
        return String.join("; ", parts).replaceAll("\\s+", " ");
    }

    private static String orStatus(Response response) {
        String says = vaultSays(response);
        return says.isEmpty() ? "HTTP " + response.status() : says;
    }

    /** Removes every secret this client knows of from {@code text}. */
    String redact(String text) {
        String result = text;
        for (String secret : secrets()) {
            if (secret != null && secret.length() >= 4) {
                result = result.replace(secret, REDACTED);
            }
        }
        return result;
    }

    private List<String> secrets() {
        List<String> secrets = new ArrayList<>();
        String current;
        synchronized (this) {
            current = token;
        }
        secrets.add(current);
        if (settings.login() instanceof VaultSettings.TokenLogin tokenLogin) {
            secrets.add(tokenLogin.token());
        } else if (settings.login() instanceof VaultSettings.AppRoleLogin appRole) {
            secrets.add(appRole.roleId());
            secrets.add(appRole.secretId());
        }
        return secrets;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static Optional<String> text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? Optional.empty() : Optional.of(node.asText());
    }
}
