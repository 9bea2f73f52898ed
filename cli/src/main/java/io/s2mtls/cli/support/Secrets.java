package io.s2mtls.cli.support;

import io.s2mtls.core.error.S2mtlsException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where passwords come from: a file, an environment variable, or a prompt on a terminal. Never from a
 * plain command-line argument, where other users could read it in the process list.
 */
public final class Secrets {
    public static final String STORE_PASSWORD_ENV = "S2MTLS_STORE_PASSWORD";
    private final Console console;
    private final GlobalOptions options;
    private char[] storePassword;

    public Secrets(Console console, GlobalOptions options) {
        this.console = console;
        this.options = options;
    }

    /** The store password: --store-password-file, else S2MTLS_STORE_PASSWORD, else a prompt, else an error. */
    public synchronized char[] storePassword() {
        if (storePassword == null) {
            storePassword = resolve(options.storePasswordFile(), "--store-password-file", STORE_PASSWORD_ENV, "Store password: ");
        }
        return storePassword.clone();
    }

    /**
     * A password for a secondary purpose (a key file, a PKCS#12 file): from {@code file} when given,
     * else from {@code env} when set, else empty.
     */
    public Optional<char[]> optional(Optional<String> file, String option, String env) {
        if (file.isPresent()) {
            return Optional.of(readFile(file.get(), option));
        }
        return console.env(env).map(String::toCharArray);
    }

    private char[] resolve(Optional<String> file, String option, String env, String prompt) {
        if (file.isPresent()) {
            return readFile(file.get(), option);
        }
        Optional<String> fromEnv = console.env(env);
        if (fromEnv.isPresent()) {
            return fromEnv.get().toCharArray();
        }
        if (console.terminal().isPresent()) {
            char[] typed = console.terminal().get().readPassword(prompt);
            if (typed != null && typed.length > 0) {
                return typed;
            }
        }
        throw S2mtlsException.badInput("no store password: pass " + option + " FILE, set " + env
                + ", or run on a terminal to be prompted");
    }

    /** Reads a password file; one trailing newline is not part of the password. */
    public char[] readFile(String file, String option) {
        Path path = console.path(file);
        try {
            String text = Files.readString(path, StandardCharsets.UTF_8);
            if (text.endsWith("\n")) {
                text = text.substring(0, text.length() - (text.endsWith("\r\n") ? 2 : 1));
            }
            if (text.isEmpty()) {
                throw S2mtlsException.badInput(option + " " + file + ": the file is empty");
            }
            return text.toCharArray();
        } catch (IOException e) {
            throw S2mtlsException.badInput(option + " " + file + ": cannot read (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}
