package io.s2mtls.core.spi;

import io.s2mtls.core.error.S2mtlsException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The providers of every loaded plugin, indexed by scheme. Fails loudly on a scheme served twice or a
 * scheme nobody serves, naming the schemes that are available.
 */
public final class PluginRegistry {
    private final List<S2mtlsPlugin> plugins;
    private final Map<String, CredentialStoreProvider> stores;
    private final Map<String, RemoteSignerProvider> signers;
    private final Map<String, UserDirectoryProvider> directories;

    public PluginRegistry(Iterable<S2mtlsPlugin> plugins) {
        List<S2mtlsPlugin> all = new ArrayList<>();
        plugins.forEach(all::add);
        this.plugins = List.copyOf(all);
        this.stores = index(all, S2mtlsPlugin::credentialStores, CredentialStoreProvider::scheme, "store");
        this.signers = index(all, S2mtlsPlugin::remoteSigners, RemoteSignerProvider::scheme, "signer");
        this.directories = index(all, S2mtlsPlugin::userDirectories, UserDirectoryProvider::scheme, "database");
    }

    public List<S2mtlsPlugin> plugins() {
        return plugins;
    }

    public CredentialStoreProvider store(String scheme) {
        return find(stores, scheme, "--store", "store scheme");
    }

    public RemoteSignerProvider signer(String scheme) {
        return find(signers, scheme, "--key", "remote key scheme");
    }

    public UserDirectoryProvider directory(String scheme) {
        return find(directories, scheme, "--jdbc-url", "database scheme");
    }

    public Collection<CredentialStoreProvider> stores() {
        return stores.values();
    }

    public boolean hasSigner(String scheme) {
        return signers.containsKey(scheme);
    }

    private static <P> Map<String, P> index(List<S2mtlsPlugin> plugins, Function<S2mtlsPlugin, List<P>> providers,
                                            Function<P, String> scheme, String what) {
        Map<String, P> byScheme = new TreeMap<>();
        for (S2mtlsPlugin plugin : plugins) {
            for (P provider : providers.apply(plugin)) {
                P previous = byScheme.put(scheme.apply(provider), provider);
                if (previous != null) {
                    throw S2mtlsException.badInput("plugins: two plugins serve the " + what + " scheme '"
                            + scheme.apply(provider) + "' (" + previous.getClass().getName() + " and "
                            + provider.getClass().getName() + "); remove one from the plugin path");
                }
            }
        }
        return byScheme;
    }

    private static <P> P find(Map<String, P> byScheme, String scheme, String option, String what) {
        P provider = byScheme.get(scheme);
        if (provider == null) {
            throw S2mtlsException.badInput(option + ": no plugin serves the " + what + " '" + scheme + "'; available: "
                    + (byScheme.isEmpty() ? "none" : String.join(", ", byScheme.keySet()))
                    + ". Add the plugin's jar to the plugin path (--plugin-path or S2MTLS_PLUGIN_PATH)");
        }
        return provider;
    }
}
