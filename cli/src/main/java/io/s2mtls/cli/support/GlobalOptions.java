package io.s2mtls.cli.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The options every command takes, filled in by picocli before a command runs. One
 * instance per invocation, shared by all commands through the injector.
 */
public final class GlobalOptions {
    /** How data is printed on standard output. */
    public enum OutputFormat { text, json }

    private String store;
    private String storePasswordFile;
    private OutputFormat output = OutputFormat.text;
    private boolean verbose;
    private String pluginPath;
    private final Map<String, String> storeOptions = new LinkedHashMap<>();

    public Optional<String> store() {
        return Optional.ofNullable(store);
    }

    public void store(String value) {
        this.store = value;
    }

    public Optional<String> storePasswordFile() {
        return Optional.ofNullable(storePasswordFile);
    }

    public void storePasswordFile(String value) {
        this.storePasswordFile = value;
    }

    public OutputFormat output() {
        return output;
    }

    public void output(OutputFormat value) {
        this.output = value;
    }

    public boolean json() {
        return output == OutputFormat.json;
    }

    public boolean verbose() {
        return verbose;
    }

    public void verbose(boolean value) {
        this.verbose = value;
    }

    public Optional<String> pluginPath() {
        return Optional.ofNullable(pluginPath);
    }

    public void pluginPath(String value) {
        this.pluginPath = value;
    }

    public Map<String, String> storeOptions() {
        return storeOptions;
    }
}
