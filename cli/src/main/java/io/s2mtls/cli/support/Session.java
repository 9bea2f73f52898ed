package io.s2mtls.cli.support;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.spi.RemoteSignerProvider;
import io.s2mtls.core.port.RemoteSigner;
import io.s2mtls.core.spi.StoreLocation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One command invocation's connections to the outside: the plugins, the opened store and the core
 * built over it. Everything is opened on first use, after the command line has been parsed.
 */
public final class Session implements AutoCloseable {
    public static final String STORE_ENV = "S2MTLS_STORE";
    public static final String DEFAULT_STORE = "pkcs12:./s2mtls.p12";

    private final Console console;
    private final GlobalOptions options;
    private final Secrets secrets;
    private PluginRegistry plugins;
    private LazyStore store;
    private S2mtls core;
    private final Map<String, RemoteSigner> signers = new HashMap<>();
    private boolean mayCreateStore;

    public Session(Console console, GlobalOptions options, Secrets secrets) {
        this.console = console;
        this.options = options;
        this.secrets = secrets;
    }

    public synchronized PluginRegistry plugins() {
        if (plugins == null) {
            plugins = PluginLoader.load(console, options);
        }
        return plugins;
    }

    /**
     * Lets this command create the store when it does not exist yet: only commands that make a CA
     * (ca create, ca import, quickstart) call it. Every other command that reads or writes a store that
     * does not exist fails with exit 2 naming the store, so monitoring in the wrong directory never
     * reports "nothing expires" and no command leaves an empty store behind.
     */
    public synchronized void allowStoreCreation() {
        mayCreateStore = true;
    }

    private synchronized boolean mayCreateStore() {
        return mayCreateStore;
    }

    /** The PKCS12 file the store URI names, resolved against the working directory; empty for other schemes. */
    private Optional<Path> pkcs12File() {
        StoreLocation location = StoreLocation.parse(storeUri());
        return "pkcs12".equals(location.scheme()) && !location.path().isBlank()
                ? Optional.of(console.path(location.path())) : Optional.empty();
    }

    private S2mtlsException missingStore(String what) {
        boolean chosen = options.store().isPresent() || console.env(STORE_ENV).isPresent();
        return S2mtlsException.badInput("the store " + storeUri() + " does not exist (" + what + ")"
                + (chosen ? "" : ", and neither --store nor " + STORE_ENV + " names another")
                + "; point at your store with --store SCHEME:PATH or " + STORE_ENV + " (e.g. --store pkcs12:/path/to/s2mtls.p12),"
                + " or create one with 's2mtls ca create', 's2mtls ca import' or 's2mtls quickstart'");
    }

    /** Fails when the store is a PKCS12 file that is not there and this command may not create it. */
    private void requireStoreFile() {
        if (mayCreateStore()) {
            return;
        }
        Optional<Path> file = pkcs12File();
        if (file.isPresent() && !Files.exists(file.get())) {
            throw missingStore("no file " + file.get());
        }
    }

    /**
     * Whether the store is not there at all (no PKCS12 file; for other stores, nothing stored), for
     * commands that work without a store and only record in one when there is one.
     */
    public synchronized boolean storeMissing() {
        Optional<Path> file = pkcs12File();
        if (file.isPresent()) {
            return !Files.exists(file.get(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
        store();
        return holdsNothing(store.delegate());
    }

    /** Whether a store holds nothing at all: what stores other than PKCS12 files read when there is none. */
    private static boolean holdsNothing(CredentialStore store) {
        return holdsNothing(store.index()) && store.recentAudit(1).isEmpty();
    }

    private static boolean holdsNothing(StoreIndex index) {
        return index.authority().isEmpty() && index.credentials().isEmpty() && index.entries().isEmpty()
                && index.managedUsers().isEmpty();
    }

    public String storeUri() {
        return options.store().or(() -> console.env(STORE_ENV)).orElse(DEFAULT_STORE);
    }

    /**
     * The store named by --store / S2MTLS_STORE. The plugin is looked up and the store opened on the
     * first read or update, so commands that never touch the store need neither plugin nor password.
     */
    public synchronized CredentialStore store() {
        if (store == null) {
            store = new LazyStore();
        }
        return store;
    }

    private CredentialStore open() {
        StoreLocation location = StoreLocation.parse(storeUri());
        if ("pkcs12".equals(location.scheme())) {
            location = new StoreLocation("pkcs12", console.path(location.path()).toString());
        }
        return plugins().openStore(location, pluginContext());
    }

    /** Opens the real store on first use. */
    private final class LazyStore implements CredentialStore {
        private CredentialStore delegate;
        /** Set once the store is known to hold something (or this command may create it): checked once, not per call. */
        private volatile boolean known;

        private synchronized CredentialStore delegate() {
            if (delegate == null) {
                delegate = open();
            }
            return delegate;
        }

        @Override
        public String describe() {
            return storeUri();
        }

        /** The opened store, refusing one that holds nothing unless this command may create it. */
        private CredentialStore existing() {
            requireStoreFile();
            CredentialStore store = delegate();
            if (!known) {
                if (!mayCreateStore() && holdsNothing(store)) {
                    throw missingStore("nothing is stored there: no CA, no certificates, no records");
                }
                known = true;
            }
            return store;
        }

        @Override
        public StoreIndex index() {
            requireStoreFile();
            CredentialStore store = delegate();
            StoreIndex index = store.index();
            if (!known) {
                if (!mayCreateStore() && holdsNothing(index) && store.recentAudit(1).isEmpty()) {
                    throw missingStore("nothing is stored there: no CA, no certificates, no records");
                }
                known = true;
            }
            return index;
        }

        @Override
        public java.util.Optional<io.s2mtls.core.pki.CaMaterial> authority() {
            return existing().authority();
        }

        @Override
        public java.util.Optional<io.s2mtls.core.pki.AuthoritySet> authorities() {
            return existing().authorities();
        }

        @Override
        public void appendAudit(java.util.List<io.s2mtls.core.pki.AuditEvent> events) {
            existing().appendAudit(events);
        }

        @Override
        public java.util.Optional<io.s2mtls.core.pki.Credential> credential(String name) {
            return existing().credential(name);
        }

        @Override
        public void commit(io.s2mtls.core.port.StoreBatch batch) {
            existing().commit(batch);
        }

        @Override
        public java.util.List<io.s2mtls.core.pki.AuditEvent> recentAudit(int limit) {
            return existing().recentAudit(limit);
        }

        @Override
        public void changePassword(char[] newPassword, java.util.List<io.s2mtls.core.pki.AuditEvent> events) {
            existing().changePassword(newPassword, events);
        }

        @Override
        public synchronized void close() {
            if (delegate != null) {
                delegate.close();
            }
        }
    }

    public CliPluginContext pluginContext() {
        return new CliPluginContext(console, options, secrets);
    }

    /** A remote CA key by reference, e.g. {@code vault-transit:ca}; {@code create} makes the key if missing. */
    public synchronized RemoteSigner remoteSigner(String reference, boolean create, String keyType) {
        return signers.computeIfAbsent(reference, ref -> {
            int colon = ref.indexOf(':');
            if (colon <= 0 || colon == ref.length() - 1) {
                throw S2mtlsException.badInput("--key: '" + ref + "' is not a key reference; write SCHEME:NAME, e.g. vault-transit:ca");
            }
            RemoteSignerProvider provider = plugins().signer(ref.substring(0, colon));
            return PluginRegistry.open(provider, ref.substring(colon + 1), create, keyType, pluginContext().sharedWith(provider));
        });
    }

    public synchronized S2mtls core() {
        if (core == null) {
            core = S2mtls.builder(store()).remoteSigners(reference -> remoteSigner(reference, false, "")).actor(actor()).build();
        }
        return core;
    }

    /** Who is acting, for the audit trail: $S2MTLS_ACTOR, else $SUDO_USER/$USER, else the JVM's user name. */
    public String actor() {
        return console.env("S2MTLS_ACTOR").or(() -> console.env("SUDO_USER").map(u -> u + " (via sudo)"))
                .or(() -> console.env("USER")).orElse(System.getProperty("user.name", "unknown"));
    }

    @Override
    public synchronized void close() {
        if (store != null) {
            store.close();
        }
    }
}
