package io.s2mtls.core.spi;

import java.util.Map;
import java.util.Optional;

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
}
