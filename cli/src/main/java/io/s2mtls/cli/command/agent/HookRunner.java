package io.s2mtls.cli.command.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a credential's {@code exec} command with {@code /bin/sh -c} after a renewal, in the output directory, with
 * {@code S2MTLS_CREDENTIAL}, {@code S2MTLS_OUT_DIR} and {@code S2MTLS_SERIAL} in its environment. Its output is
 * logged (the last lines, one log line each); it is killed after {@link #TIMEOUT}.
 */
class HookRunner {
    static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final int OUTPUT_LINES = 5;

    /** How a run ended: exit status 0 is success; {@code output} is its last lines. */
    record Result(boolean ok, String outcome, List<String> output) {
    }

    Result run(String command, String credential, Path outDir, String serial) {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command).directory(outDir.toFile()).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.remove("S2MTLS_STORE_PASSWORD");
        environment.remove("S2MTLS_P12_PASSWORD");
        environment.remove("VAULT_TOKEN");
        environment.put("S2MTLS_CREDENTIAL", credential);
        environment.put("S2MTLS_OUT_DIR", outDir.toString());
        environment.put("S2MTLS_SERIAL", serial);
        Process process;
        try {
            process = builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            return new Result(false, "could not start /bin/sh (" + e.getMessage() + ")", List.of());
        }
        List<String> last = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    synchronized (last) {
                        last.add(line.length() > 200 ? line.substring(0, 200) + "..." : line);
                        if (last.size() > OUTPUT_LINES) {
                            last.remove(0);
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "s2mtls-agent-hook-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                return new Result(false, "did not finish within " + TIMEOUT.toMinutes() + " minutes and was killed", copy(last));
            }
            reader.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return new Result(false, "was interrupted", copy(last));
        }
        int status = process.exitValue();
        return new Result(status == 0, "exit status " + status, copy(last));
    }

    private static List<String> copy(List<String> lines) {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }
}
