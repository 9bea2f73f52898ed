package io.s2mtls.core.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs a real external program (openssl, mariadb, ...) in tests. When the program is missing, the test
 * is skipped on a developer machine but fails under {@code CI=true}: CI must never pass by skipping.
 */
public final class ExternalTool {

    /** What a finished process left behind. */
    public record Result(int exitCode, byte[] stdout, String stderr) {
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        public Result requireSuccess(List<String> command) {
            if (exitCode != 0) {
                fail(String.join(" ", command) + " exited " + exitCode + ": " + stderr + out());
            }
            return this;
        }
    }

    private ExternalTool() {
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Finds {@code program} on PATH; skips the test without it, or fails it under CI=true. */
    public static Path require(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        missing(program + " is not on PATH");
        throw new AssertionError("unreachable");
    }

    /** Skips (developer machine) or fails (CI=true) the current test because a dependency is missing. */
    public static void missing(String what) {
        if (inCi()) {
            fail("CI=true and a test dependency is missing: " + what + " (the README's test command installs it)");
        }
        Assumptions.abort("skipped, " + what);
    }

    public static Result run(List<String> command) {
        return run(command, null, Map.of(), null);
    }

    public static Result run(List<String> command, byte[] stdin, Map<String, String> environment, Path workingDirectory) {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command));
        builder.environment().putAll(environment);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        try {
            Process process = builder.start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish in 120 s");
            }
            return new Result(process.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs openssl with {@code args}; fails the test on a non-zero exit. */
    public static Result openssl(String... args) {
        List<String> command = new ArrayList<>();
        command.add(require("openssl").toString());
        command.addAll(List.of(args));
        return run(command).requireSuccess(command);
    }

    private static byte[] readAll(InputStream stream) {
        try (stream) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            stream.transferTo(buffer);
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
