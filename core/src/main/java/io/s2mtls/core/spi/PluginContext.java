package io.s2mtls.core.spi;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the host hands a plugin when it opens something: the process environment (read it from here,
 * not from {@code System.getenv}, so embedding tools and tests can supply their own), options given on
 * the command line, and secrets resolved on demand.
 */
public interface PluginContext {

    /** Environment variables such as {@code VAULT_ADDR}. */
    Map<String, String> environment();

    /** Plugin options ({@code --store-option key=value}); a plugin rejects keys it does not know. */
    Map<String, String> options();

    /**
     * The store password, resolved only when a plugin asks (from a file, an environment variable or a
     * prompt). Throws a bad-input error naming where the password may come from when none is available.
     * The caller owns the returned array and should clear it after use.
     */
    char[] storePassword();

    /** Reads a small secret file named by an option or environment variable (e.g. an AppRole secret id). */
    Optional<String> readSecretFile(String path);

    /**
     * A context for embedding tools: the given environment and options, and the store password from
     * {@code storePassword} (asked each time a plugin needs it). Secret files are not readable through it.
     */
    static PluginContext of(Map<String, String> environment, Map<String, String> options, Supplier<char[]> storePassword) {
        Map<String, String> env = Map.copyOf(environment);
        Map<String, String> opts = Map.copyOf(options);
        return new PluginContext() {
            @Override
            public Map<String, String> environment() {
                return env;
            }

            @Override
            public Map<String, String> options() {
                return opts;
            }

            @Override
            public char[] storePassword() {
                return storePassword.get();
            }

            @Override
            public Optional<String> readSecretFile(String path) {
                return Optional.empty();
            }
        };
    }
}
