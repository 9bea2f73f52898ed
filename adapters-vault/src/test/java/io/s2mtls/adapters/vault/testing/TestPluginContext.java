package io.s2mtls.adapters.vault.testing;

import io.s2mtls.core.spi.PluginContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A plugin context with a made-up environment and options, as an embedding tool would supply. */
public record TestPluginContext(Map<String, String> environment, Map<String, String> options) implements PluginContext {
    public TestPluginContext {
        environment = Map.copyOf(environment);
        options = Map.copyOf(options);
    }

    public static TestPluginContext of(Map<String, String> environment) {
        return new TestPluginContext(environment, Map.of());
    }

    public TestPluginContext withEnvironment(String name, String value) {
        Map<String, String> next = new HashMap<>(environment);
        next.put(name, value);
        return new TestPluginContext(next, options);
    }

    public TestPluginContext withoutEnvironment(String name) {
        Map<String, String> next = new HashMap<>(environment);
        next.remove(name);
        return new TestPluginContext(next, options);
    }

    public TestPluginContext withOption(String name, String value) {
        Map<String, String> next = new HashMap<>(options);
        next.put(name, value);
        return new TestPluginContext(environment, next);
    }

    @Override
    public char[] storePassword() {
        throw new UnsupportedOperationException("the Vault store has no password");
    }

    @Override
    public Optional<String> readSecretFile(String path) {
        try {
            return Optional.of(Files.readString(Path.of(path), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
