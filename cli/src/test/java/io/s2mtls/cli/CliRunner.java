package io.s2mtls.cli;

import io.s2mtls.cli.support.Console;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Runs the real command line in-process, with its own working directory and environment. */
public final class CliRunner {
    private final Path directory;
    private final Map<String, String> environment = new HashMap<>();

    public CliRunner(Path directory) {
        this.directory = directory;
        String path = System.getenv("PATH");
        if (path != null) {
            environment.put("PATH", path);
        }
    }

    public CliRunner env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public CliRunner without(String name) {
        environment.remove(name);
        return this;
    }

    public Path directory() {
        return directory;
    }

    /** What one command line printed and returned. */
    public record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    public Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Console console = new Console(new PrintWriter(out), new PrintWriter(err), environment, directory, Optional.empty());
        int exit = Cli.run(console, args);
        return new Run(exit, out.toString(), err.toString());
    }
}
