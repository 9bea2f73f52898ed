package io.s2mtls.core.spi;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.MtlsLogin;
import io.s2mtls.core.port.RemoteSigner;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.user.DatabaseTarget;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The providers of every loaded plugin, indexed by scheme. Fails loudly on a scheme served twice or a
 * scheme nobody serves, naming the schemes that are available.
 *
 * <p>Hosts open what a provider serves through the {@code open} methods here rather than calling the
 * provider directly: they treat every {@link PluginProvider} the same way, refusing options it does not
 * list and masking the values of its sensitive options in any error it throws.
 */
public final class PluginRegistry {
    /** The kinds of provider, with the words the host's messages use for each. */
    public enum Kind {
        STORE("store", "--store", "--store-option"),
        SIGNER("remote key", "--key", "--store-option"),
        DIRECTORY("database", "--jdbc-url", "database option");

        private final String noun;
        private final String option;
        private final String optionSource;

        Kind(String noun, String option, String optionSource) {
            this.noun = noun;
            this.option = option;
            this.optionSource = optionSource;
        }

        /** What the provider opens, in messages: "store", "remote key", "database". */
        public String noun() {
            return noun;
        }

        /** The command-line option that names the scheme. */
        public String option() {
            return option;
        }

        /** Where the provider's options come from, in messages. */
        public String optionSource() {
            return optionSource;
        }
    }

    private final List<S2mtlsPlugin> plugins;
    private final Map<String, CredentialStoreProvider> stores;
    private final Map<String, RemoteSignerProvider> signers;
    private final Map<String, UserDirectoryProvider> directories;

    public PluginRegistry(Iterable<S2mtlsPlugin> plugins) {
        List<S2mtlsPlugin> all = new ArrayList<>();
        plugins.forEach(all::add);
        this.plugins = List.copyOf(all);
        this.stores = index(all, S2mtlsPlugin::credentialStores, Kind.STORE);
        this.signers = index(all, S2mtlsPlugin::remoteSigners, Kind.SIGNER);
        this.directories = index(all, S2mtlsPlugin::userDirectories, Kind.DIRECTORY);
    }

    public List<S2mtlsPlugin> plugins() {
        return plugins;
    }

    public CredentialStoreProvider store(String scheme) {
        return find(stores, scheme, Kind.STORE);
    }

    public RemoteSignerProvider signer(String scheme) {
        return find(signers, scheme, Kind.SIGNER);
    }

    public UserDirectoryProvider directory(String scheme) {
        return find(directories, scheme, Kind.DIRECTORY);
    }

    public Collection<CredentialStoreProvider> stores() {
        return stores.values();
    }

    public boolean hasSigner(String scheme) {
        return signers.containsKey(scheme);
    }

    /** Finds the store provider for {@code location}'s scheme and opens the store: {@link #open(CredentialStoreProvider, StoreLocation, PluginContext)}. */
    public CredentialStore openStore(StoreLocation location, PluginContext context) {
        return open(store(location.scheme()), location, context);
    }

    /** Opens a store after checking the context's options against the provider's; errors carry no sensitive option value. */
    public static CredentialStore open(CredentialStoreProvider provider, StoreLocation location, PluginContext context) {
        return call(provider, Kind.STORE, context, () -> provider.open(location, context));
    }

    /** Opens a remote key after checking the context's options against the provider's; errors carry no sensitive option value. */
    public static RemoteSigner open(RemoteSignerProvider provider, String keyName, boolean create, String keyType, PluginContext context) {
        return call(provider, Kind.SIGNER, context, () -> provider.open(keyName, create, keyType, context));
    }

    /** Opens a user directory after checking the context's options against the provider's; errors carry no sensitive option value. */
    public static UserDirectory open(UserDirectoryProvider provider, DatabaseTarget target, PluginContext context) {
        return call(provider, Kind.DIRECTORY, context, () -> provider.open(target, context));
    }

    /** The provider's certificate login, after the same option check as {@link #open(UserDirectoryProvider, DatabaseTarget, PluginContext)}. */
    public static MtlsLogin mtlsLogin(UserDirectoryProvider provider, PluginContext context) {
        return call(provider, Kind.DIRECTORY, context, () -> provider.mtlsLogin(context));
    }

    private static <T> T call(PluginProvider provider, Kind kind, PluginContext context, Supplier<T> open) {
        Map<String, String> options = context.options();
        PluginOptions.requireKnown(provider, kind.optionSource(), kind.noun(), options);
        try {
            return open.get();
        } catch (RuntimeException e) {
            throw PluginOptions.redact(provider, options, e);
        }
    }

    private static <P extends PluginProvider> Map<String, P> index(List<S2mtlsPlugin> plugins, Function<S2mtlsPlugin, List<P>> providers,
                                                                   Kind kind) {
        Map<String, P> byScheme = new TreeMap<>();
        for (S2mtlsPlugin plugin : plugins) {
            for (P provider : providers.apply(plugin)) {
                checkShape(provider, kind);
                P previous = byScheme.put(provider.scheme(), provider);
                if (previous != null) {
                    throw S2mtlsException.badInput("plugins: two plugins serve the " + kind.noun() + " scheme '"
                            + provider.scheme() + "' (" + previous.getClass().getName() + " and "
                            + provider.getClass().getName() + "); remove one from the plugin path");
                }
            }
        }
        return byScheme;
    }

    /** Every provider, whatever its kind, names a usable scheme and lists its sensitive options among its options. */
    private static void checkShape(PluginProvider provider, Kind kind) {
        String scheme = provider.scheme();
        if (scheme == null || !scheme.matches("[a-z][a-z0-9+.-]*")) {
            throw S2mtlsException.badInput("plugins: " + provider.getClass().getName() + " serves the " + kind.noun() + " scheme '"
                    + scheme + "'; a scheme is a lower-case letter followed by lower-case letters, digits, '+', '.' or '-'");
        }
        java.util.Set<String> stray = new java.util.TreeSet<>(provider.sensitiveOptions());
        stray.removeAll(provider.optionNames());
        if (!stray.isEmpty()) {
            throw S2mtlsException.badInput("plugins: " + provider.getClass().getName() + " marks " + String.join(", ", stray)
                    + " sensitive but does not list it among its options (" + String.join(", ", new java.util.TreeSet<>(provider.optionNames()))
                    + "); list it in optionNames()");
        }
    }

    private static <P extends PluginProvider> P find(Map<String, P> byScheme, String scheme, Kind kind) {
        P provider = byScheme.get(scheme);
        if (provider == null) {
            throw S2mtlsException.badInput(kind.option() + ": no plugin serves the " + kind.noun() + " scheme '" + scheme + "'; available: "
                    + (byScheme.isEmpty() ? "none" : String.join(", ", byScheme.keySet()))
                    + ". Add the plugin's jar to the plugin path (--plugin-path or S2MTLS_PLUGIN_PATH)");
        }
        return provider;
    }
}
