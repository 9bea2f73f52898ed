package io.s2mtls.adapters.vault;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.spi.PluginContext;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Where Vault is and how to log in, read the way the Vault CLI reads it: {@code VAULT_ADDR},
 * {@code VAULT_TOKEN}, {@code VAULT_NAMESPACE}, {@code VAULT_CACERT} from the plugin context's
 * environment, each overridden by a plugin option. AppRole (role id and secret id read from files)
 * replaces the token when both files are given.
 */
record VaultSettings(URI address, Optional<String> namespace, Optional<Path> caCertificate, Login login,
                     String transitMount) {

    static final String ADDR = "addr";
    static final String NAMESPACE = "namespace";
    static final String CACERT = "cacert";
    static final String TOKEN_FILE = "token-file";
    static final String ROLE_ID_FILE = "role-id-file";
    static final String SECRET_ID_FILE = "secret-id-file";
    static final String APPROLE_MOUNT = "approle-mount";
    static final String TRANSIT_MOUNT = "transit-mount";
    static final Set<String> OPTION_NAMES = Set.of(ADDR, NAMESPACE, CACERT, TOKEN_FILE, ROLE_ID_FILE, SECRET_ID_FILE,
            APPROLE_MOUNT, TRANSIT_MOUNT);

    /** The Vault CLI's default address. */
    static final String DEFAULT_ADDRESS = "https://127.0.0.1:8200";

    VaultSettings {
        requireNonNull(address, "address is null");
        requireNonNull(namespace, "namespace is null");
        requireNonNull(caCertificate, "caCertificate is null");
        requireNonNull(login, "login is null");
        requireNonNull(transitMount, "transitMount is null");
    }

    /** How the plugin obtains its token. Secret values are never printed by {@code toString}. */
    sealed interface Login permits TokenLogin, AppRoleLogin {
    }

    /** A token given directly; {@code source} names where it came from, for messages. */
    record TokenLogin(String token, String source) implements Login {
        @Override
        public String toString() {
            return "token from " + source;
        }
    }

    record AppRoleLogin(String mount, String roleId, String secretId) implements Login {
        @Override
        public String toString() {
            return "AppRole login at auth/" + mount;
        }
    }

    /** Reads the settings from {@code context}; problems with them are bad input (exit 2). */
    static VaultSettings from(PluginContext context) {
        Map<String, String> options = context.options();
        for (String key : options.keySet()) {
            if (!OPTION_NAMES.contains(key)) {
                throw S2mtlsException.badInput("--store-option: the vault plugin has no option '" + key
                        + "'; it accepts " + String.join(", ", new java.util.TreeSet<>(OPTION_NAMES)));
            }
        }
        Map<String, String> environment = context.environment();
        String addressText = pick(options, ADDR, environment, "VAULT_ADDR").orElse(DEFAULT_ADDRESS);
        URI address = parseAddress(addressText);
        Optional<String> namespace = pick(options, NAMESPACE, environment, "VAULT_NAMESPACE")
                .map(ns -> ns.replaceAll("^/+", "").replaceAll("/*$", "/"));
        Optional<Path> caCertificate = pick(options, CACERT, environment, "VAULT_CACERT").map(Path::of);
        String transitMount = trimSlashes(Optional.ofNullable(options.get(TRANSIT_MOUNT)).orElse("transit"), TRANSIT_MOUNT);
        return new VaultSettings(address, namespace, caCertificate, login(context, options, environment), transitMount);
    }

    private static Login login(PluginContext context, Map<String, String> options, Map<String, String> environment) {
        String roleIdFile = blankToNull(options.get(ROLE_ID_FILE));
        String secretIdFile = blankToNull(options.get(SECRET_ID_FILE));
        if (roleIdFile != null || secretIdFile != null) {
            if (roleIdFile == null || secretIdFile == null) {
                throw S2mtlsException.badInput("--store-option: AppRole login needs both " + ROLE_ID_FILE + " and "
                        + SECRET_ID_FILE);
            }
            String mount = trimSlashes(Optional.ofNullable(options.get(APPROLE_MOUNT)).orElse("approle"), APPROLE_MOUNT);
            return new AppRoleLogin(mount, secretFile(context, roleIdFile, ROLE_ID_FILE), secretFile(context, secretIdFile, SECRET_ID_FILE));
        }
        String tokenFile = blankToNull(options.get(TOKEN_FILE));
        if (tokenFile != null) {
            return new TokenLogin(secretFile(context, tokenFile, TOKEN_FILE), TOKEN_FILE + " " + tokenFile);
        }
        String token = blankToNull(environment.get("VAULT_TOKEN"));
        if (token != null) {
            return new TokenLogin(token.trim(), "VAULT_TOKEN");
        }
        throw S2mtlsException.badInput("vault: no credentials; set VAULT_TOKEN, or pass --store-option " + TOKEN_FILE
                + "=FILE, or --store-option " + ROLE_ID_FILE + "=FILE with --store-option " + SECRET_ID_FILE + "=FILE");
    }

    private static String secretFile(PluginContext context, String path, String option) {
        String value = context.readSecretFile(path)
                .orElseThrow(() -> S2mtlsException.badInput("--store-option " + option + ": cannot read " + path));
        if (value.isBlank()) {
            throw S2mtlsException.badInput("--store-option " + option + ": " + path + " is empty");
        }
        return value.trim();
    }

    private static URI parseAddress(String text) {
        URI uri;
        try {
            uri = new URI(text.trim().replaceAll("/+$", ""));
        } catch (URISyntaxException e) {
            throw S2mtlsException.badInput("VAULT_ADDR: '" + text + "' is not a URL such as https://vault.example.com:8200");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw S2mtlsException.badInput("VAULT_ADDR: '" + text + "' is not a URL such as https://vault.example.com:8200");
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            throw S2mtlsException.badInput("VAULT_ADDR: plain http to " + uri.getHost()
                    + " would send the token unencrypted; use https (http is accepted only for 127.0.0.1, localhost and ::1)");
        }
        return uri;
    }

    static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.equals("127.0.0.1") || bare.equalsIgnoreCase("localhost") || bare.equals("::1")
                || bare.equals("0:0:0:0:0:0:0:1");
    }

    private static Optional<String> pick(Map<String, String> options, String option, Map<String, String> environment, String variable) {
        String value = blankToNull(options.get(option));
        if (value == null) {
            value = blankToNull(environment.get(variable));
        }
        return Optional.ofNullable(value).map(String::trim);
    }

    private static String trimSlashes(String value, String option) {
        String trimmed = value.trim().replaceAll("^/+|/+$", "");
        if (trimmed.isEmpty()) {
            throw S2mtlsException.badInput("--store-option " + option + ": a mount path is required");
        }
        return trimmed;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** The address, and the namespace when there is one, for messages. */
    String where() {
        return address + namespace.map(ns -> " (namespace " + ns + ")").orElse("");
    }
}
