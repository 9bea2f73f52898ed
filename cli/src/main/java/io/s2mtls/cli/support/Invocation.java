package io.s2mtls.cli.support;

import io.s2mtls.core.S2mtls;

import static java.util.Objects.requireNonNull;

/**
 * What one command line invocation works with: its console and global options, and what is built from
 * them on first use (printer, secrets, the session with its store, the core over that store). Nothing
 * here opens a store, loads a plugin or builds a JSON mapper until a command asks for it, so
 * {@code --version}, {@code --help} and commands that never touch the store start fast.
 */
public final class Invocation implements AutoCloseable {
    private final Console console;
    private final GlobalOptions options;
    private Printer printer;
    private Secrets secrets;
    private Session session;

    public Invocation(Console console, GlobalOptions options) {
        this.console = requireNonNull(console, "console is null");
        this.options = requireNonNull(options, "options is null");
    }

    public Console console() {
        return console;
    }

    public GlobalOptions options() {
        return options;
    }

    public synchronized Printer printer() {
        if (printer == null) {
            printer = new Printer(console, options);
        }
        return printer;
    }

    public synchronized Secrets secrets() {
        if (secrets == null) {
            secrets = new Secrets(console, options);
        }
        return secrets;
    }

    public synchronized Session session() {
        if (session == null) {
            session = new Session(console, options, secrets());
        }
        return session;
    }

    /** The use cases over the store named by --store; the store itself opens on its first read. */
    public S2mtls core() {
        return session().core();
    }

    /** Closes the store when a command opened one. */
    @Override
    public synchronized void close() {
        if (session != null) {
            session.close();
        }
    }
}
