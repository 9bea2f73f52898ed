package io.s2mtls.cli.support;

import io.s2mtls.core.spi.PluginContext;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** What plugins get from the command line: environment, --store-option values, and the store password on demand. */
public final class CliPluginContext implements PluginContext {
    private final Console console;
    private final GlobalOptions options;
    private final Secrets secrets;

    public CliPluginContext(Console console, GlobalOptions options, Secrets secrets) {
        this.console = console;
        this.options = options;
        this.secrets = secrets;
    }

    @Override
    public Map<String, String> environment() {
        return console.environment();
    }

    @Override
    public Map<String, String> options() {
        return Map.copyOf(options.storeOptions());
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
