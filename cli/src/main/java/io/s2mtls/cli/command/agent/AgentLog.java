package io.s2mtls.cli.command.agent;

import java.io.PrintWriter;

import static java.util.Objects.requireNonNull;

/**
 * The agent's log: one line per event on standard error, {@code agent: EVENT NAME details}, without time stamps
 * (the journal and cron add their own) and without secrets (no key, no password, no token is ever passed here).
 */
final class AgentLog {
    private final PrintWriter err;

    AgentLog(PrintWriter err) {
        this.err = requireNonNull(err, "err is null");
    }

    void event(String text) {
        synchronized (err) {
            err.println("agent: " + text.replace('\n', ' ').replace('\r', ' '));
            err.flush();
        }
    }
}
