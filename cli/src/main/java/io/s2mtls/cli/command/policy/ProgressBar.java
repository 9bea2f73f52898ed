package io.s2mtls.cli.command.policy;

import io.s2mtls.cli.support.Console;

/** A progress line on standard error per phase, only when a person is watching a terminal. */
final class ProgressBar {
    private final Console console;
    private final boolean enabled;
    private String phase;

    ProgressBar(Console console) {
        this.console = console;
        this.enabled = console.terminal().isPresent();
    }

    synchronized void update(String name, int done, int total) {
        if (!enabled || total < 1) {
            return;
        }
        if (phase != null && !phase.equals(name)) {
            console.err().println();
        }
        phase = name;
        int width = 30;
        int filled = (int) ((long) Math.min(done, total) * width / total);
        console.err().print("\r" + String.format("%-13s", name) + "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + total);
        console.err().flush();
    }

    synchronized void finish() {
        if (enabled && phase != null) {
            console.err().println();
            console.err().flush();
        }
    }
}
