package io.s2mtls.cli.plugin;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.spi.CredentialStoreProvider;
import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.spi.StoreLocation;

import java.util.Set;
import java.util.TreeSet;

/** {@code memtest:NAME}: opens the in-memory store called NAME. */
final class MemoryStoreProvider implements CredentialStoreProvider {
    static final String SCHEME = "memtest";

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String description() {
        return "in-memory store for tests, and the plugin skeleton (memtest:NAME)";
    }

    /** Cheap: checks the location and options, and defers all work to the first read or update. */
    @Override
    public CredentialStore open(StoreLocation location, PluginContext context) {
        // The command line refuses options not in optionNames(); embedding tools call open() directly, so check again.
        Set<String> unknown = new TreeSet<>(context.options().keySet());
        unknown.removeAll(optionNames());
        if (!unknown.isEmpty()) {
            throw S2mtlsException.badInput("--store-option: the " + SCHEME + " store does not know " + String.join(", ", unknown)
                    + "; it accepts: none");
        }
        if (!location.path().matches("[A-Za-z0-9._-]+")) {
            throw S2mtlsException.badInput("--store: '" + location + "' is not a " + SCHEME + " store URI; write "
                    + SCHEME + ":NAME with letters, digits, '.', '_' or '-'");
        }
        return new MemoryCredentialStore(location.toString(), location.path(), context);
    }

    /** No options; a real plugin lists every key it reads from {@code context.options()}. */
    @Override
    public Set<String> optionNames() {
        return Set.of();
    }
}
