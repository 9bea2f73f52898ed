package io.s2mtls.cli;

import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Files2;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The training run behind the launcher's class-data sharing archive: runs, in one JVM, the commands most
 * invocations are made of (help, version, ca create, cert issue, cert list as text and JSON, cert show,
 * subject) against a throwaway store in the directory it is given, so that the archive the JVM writes at
 * exit holds the classes they load. It writes only inside that directory (the launcher gives one under
 * the build directory) and removes it at the end. Not a command; the launcher runs it as
 * {@code java -XX:ArchiveClassesAtExit=... -cp s2mtls.jar io.s2mtls.cli.StartupTraining DIR}.
 */
public final class StartupTraining {
    private StartupTraining() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: StartupTraining DIRECTORY (a scratch directory it may create and delete)");
        }
        Path directory = Path.of(args[0]).toAbsolutePath().normalize();
        Files.createDirectories(directory);
        try {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            Path password = directory.resolve("training-password.txt");
            Files2.writeSecret(password, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n", false);
            Path certificate = directory.resolve("training-cert.pem");
            List<String> store = List.of("--store", "pkcs12:" + directory.resolve("training.p12"), "--store-password-file", password.toString());
            run(directory, List.of("--help"));
            run(directory, List.of("--version"));
            run(directory, List.of("cert", "list", "--help"));
            run(directory, with(store, "ca", "create", "--subject", "/CN=s2mtls start-up training CA", "--key", "ec:p256", "--days", "2"));
            run(directory, with(store, "cert", "issue", "--subject", "/CN=training", "--key", "ec:p256", "--days", "1"));
            run(directory, with(store, "cert", "list"));
            run(directory, with(store, "--output", "json", "cert", "list"));
            run(directory, with(store, "ca", "export", "--out", certificate.toString()));
            run(directory, with(store, "cert", "show", "training"));
            run(directory, List.of("subject", certificate.toString()));
        } finally {
            delete(directory);
        }
    }

    private static List<String> with(List<String> store, String... command) {
        List<String> args = new ArrayList<>(store);
        args.addAll(List.of(command));
        return args;
    }

    private static void run(Path directory, List<String> args) {
        StringWriter sink = new StringWriter();
        Console console = new Console(new PrintWriter(sink), new PrintWriter(sink), Map.of(), directory, Optional.empty());
        int exit = Cli.run(console, args.toArray(String[]::new));
        if (exit != 0) {
            throw new IllegalStateException("training step " + args + " exited " + exit + ": " + sink);
        }
    }

    private static void delete(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> {
                try {
                    Files.delete(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
