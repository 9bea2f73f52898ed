package io.s2mtls.cli;

import io.s2mtls.cli.support.Console;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/** The process entry point: the only place that calls {@code System.exit}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        Console console = new Console(out, err, System.getenv(), Path.of("").toAbsolutePath(), Optional.ofNullable(System.console()));
        System.exit(Cli.run(console, args));
    }
}
