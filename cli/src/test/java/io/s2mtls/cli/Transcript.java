package io.s2mtls.cli;

import io.s2mtls.cli.CliRunner.Run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The command lines a test class ran, each as a shell would show it followed by what it printed and its exit
 * status, written under {@code target/} at the end of the class for the README's examples.
 */
public final class Transcript {
    private final StringBuilder text = new StringBuilder();

    /** Adds one command line ({@code args} after {@code s2mtls}) with its output; safe from several threads. */
    public synchronized void add(List<String> args, Run run) {
        text.append("$ s2mtls ").append(String.join(" ", args.stream().map(Transcript::shellQuote).toList()))
                .append('\n').append(run.out()).append(run.err()).append("[exit ").append(run.exit()).append("]\n\n");
    }

    /** Writes everything added so far to {@code target/fileName}. */
    public synchronized void write(String fileName) throws IOException {
        Files.writeString(Path.of("target", fileName), text.toString());
    }

    /** The argument as a POSIX shell reads it back: as it is when it is plain, else in single quotes. */
    private static String shellQuote(String arg) {
        return arg.matches("[A-Za-z0-9_./:%=,@+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}
