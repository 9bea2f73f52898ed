package io.s2mtls.cli.support;

import io.s2mtls.core.error.S2mtlsException;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where passwords come from: a file, an environment variable, or a prompt on a terminal. Never from a
 * plain command-line argument, where other users could read it in the process list.
 */
public final class Secrets {
    public static final String STORE_PASSWORD_ENV = "S2MTLS_STORE_PASSWORD";
    /** The password of the NAME.p12 files a command writes, when --p12-password-file is not given. */
    public static final String P12_PASSWORD_ENV = "S2MTLS_P12_PASSWORD";
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

    /**
     * The password for the NAME.p12 files a command writes: --p12-password-file, else
     * S2MTLS_P12_PASSWORD, else empty (each file then gets a random password of its own). Never the
     * store password.
     */
    public Optional<char[]> p12Password(Optional<String> file) {
        Optional<char[]> password = optional(file, "--p12-password-file", P12_PASSWORD_ENV);
        if (password.isPresent() && password.get().length == 0) {
            throw S2mtlsException.badInput(P12_PASSWORD_ENV + " is set but empty; unset it for a random password per file");
        }
        return password;
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

    /**
     * Reads a password file ({@value Files2#MAX_SECRET_BYTES} bytes at most, UTF-8, not a device or a
     * FIFO); one trailing newline is not part of the password.
     */
    public char[] readFile(String file, String option) {
        Path path = console.path(file);
        byte[] bytes = Files2.read(path, option, Files2.MAX_SECRET_BYTES);
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            int length = chars.remaining();
            if (length > 0 && chars.get(length - 1) == '\n') {
                length -= length > 1 && chars.get(length - 2) == '\r' ? 2 : 1;
            }
            if (length == 0) {
                throw S2mtlsException.badInput(option + " " + file + ": the file is empty");
            }
            char[] password = new char[length];
            chars.get(password);
            Arrays.fill(chars.array(), '\0');
            return password;
        } catch (CharacterCodingException e) {
            throw S2mtlsException.badInput(option + " " + file + ": is not UTF-8 text; is it the right file?");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
