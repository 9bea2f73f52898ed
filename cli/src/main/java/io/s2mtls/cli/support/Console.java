package io.s2mtls.cli.support;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The process's outside world as the commands see it: standard output for data, standard error for
 * diagnostics, the environment, the working directory, and a terminal for prompts when there is one.
 * Tests supply their own.
 */
public record Console(PrintWriter out, PrintWriter err, Map<String, String> environment, Path workingDirectory,
                      Optional<java.io.Console> terminal) {
    public Console {
        requireNonNull(out, "out is null");
        requireNonNull(err, "err is null");
        environment = Map.copyOf(environment);
        requireNonNull(workingDirectory, "workingDirectory is null");
        requireNonNull(terminal, "terminal is null");
    }

    /** Resolves a user-given path against the working directory. */
    public Path path(String given) {
        return workingDirectory.resolve(given).normalize();
    }

    public Optional<String> env(String name) {
        String value = environment.get(name);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }
}
