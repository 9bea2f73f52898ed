package io.s2mtls.cli.support;

import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.spi.PluginProvider;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What plugins get from the command line: environment, options, and the store password on demand. A
 * store gets every --store-option (the host refuses those it does not list); a remote signer gets the
 * --store-option values it lists ({@link #sharedWith}); a database gets the options its own command-line
 * flags set ({@link #withOptions}).
 */
public final class CliPluginContext implements PluginContext {
    private final Console console;
    private final GlobalOptions options;
    private final Secrets secrets;
    private final Optional<Map<String, String>> given;

    public CliPluginContext(Console console, GlobalOptions options, Secrets secrets) {
        this(console, options, secrets, Optional.empty());
    }

    private CliPluginContext(Console console, GlobalOptions options, Secrets secrets, Optional<Map<String, String>> given) {
        this.console = console;
        this.options = options;
        this.secrets = secrets;
        this.given = given;
    }

    /** This context with exactly {@code options} instead of the --store-option values. */
    public CliPluginContext withOptions(Map<String, String> options) {
        return new CliPluginContext(console, this.options, secrets, Optional.of(Map.copyOf(options)));
    }

    /**
     * This context with only the --store-option values that {@code provider} lists: for a provider that is
     * reached with the store's settings (a remote signer) but may not take every option the store does.
     */
    public CliPluginContext sharedWith(PluginProvider provider) {
        Map<String, String> shared = new LinkedHashMap<>(options());
        shared.keySet().retainAll(provider.optionNames());
        return withOptions(shared);
    }

    @Override
    public Map<String, String> environment() {
        return console.environment();
    }

    @Override
    public Map<String, String> options() {
        return given.orElseGet(() -> Map.copyOf(options.storeOptions()));
    }

    @Override
    public char[] storePassword() {
        return secrets.storePassword();
    }

    @Override
    public Optional<String> readSecretFile(String path) {
        return Optional.of(new String(Files2.read(console.path(path), "secret file", Files2.MAX_SECRET_BYTES), StandardCharsets.UTF_8).strip());
    }
}
