package io.s2mtls.adapters.vault;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.spi.CredentialStoreProvider;
import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.spi.PluginOptions;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.spi.StoreLocation;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code vault:<mount>/<path>}: a store in one secret of a KV version 2 engine (see
 * {@link VaultCredentialStore} for the layout). The first path segment is the mount.
 */
final class VaultStoreProvider implements CredentialStoreProvider {
    static final String SCHEME = "vault";
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String description() {
        return "HashiCorp Vault / OpenBao KV v2 secret (vault:MOUNT/PATH; VAULT_ADDR, VAULT_TOKEN, VAULT_NAMESPACE, VAULT_CACERT)";
    }

    @Override
    public CredentialStore open(StoreLocation location, PluginContext context) {
        PluginOptions.requireKnown(this, PluginRegistry.Kind.STORE, context.options());
        String path = location.path();
        String[] segments = path.split("/", -1);
        if (segments.length < 2) {
            throw usage(location, "name a KV v2 mount and a path in it");
        }
        for (String segment : segments) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals("..")) {
                throw usage(location, "each part of MOUNT/PATH is letters, digits, '.', '_' or '-', with no empty parts");
            }
        }
        String mount = segments[0];
        String secretPath = path.substring(mount.length() + 1);
        return new VaultCredentialStore(SCHEME + ":" + path, mount, secretPath, () -> new VaultClient(VaultSettings.from(context)));
    }

    private static S2mtlsException usage(StoreLocation location, String problem) {
        return S2mtlsException.badInput("--store: '" + location + "' is not a Vault store URI: " + problem
                + "; write vault:MOUNT/PATH, e.g. vault:secret/s2mtls/prod");
    }

    @Override
    public Set<String> optionNames() {
        return VaultSettings.OPTION_NAMES;
    }

    /** No option carries a secret itself: tokens, role ids and secret ids come from files or VAULT_TOKEN. */
    @Override
    public Set<String> sensitiveOptions() {
        return Set.of();
    }
}
