package io.s2mtls.cli.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.s2mtls.core.error.S2mtlsException;

import java.io.PrintWriter;

/**
 * Data goes to standard output, as text for people or as JSON for scripts (--output json); notes and
 * warnings go to standard error so they never mix with data a script parses.
 */
public final class Printer {
    private final Console console;
    private final GlobalOptions options;

    public Printer(Console console, GlobalOptions options) {
        this.console = console;
        this.options = options;
    }

    public boolean json() {
        return options.json();
    }

    public PrintWriter out() {
        return console.out();
    }

    /** Prints {@code value} as JSON in JSON mode; otherwise runs {@code text}, which prints for people. */
    public void data(Object value, Runnable text) {
        if (options.json()) {
            try {
                console.out().println(Json.MAPPER.writeValueAsString(value));
            } catch (JsonProcessingException e) {
                throw S2mtlsException.internal("cannot write JSON: " + e.getMessage(), e);
            }
        } else {
            text.run();
        }
        console.out().flush();
    }

    public void line(String text) {
        console.out().println(text);
    }

    /** A diagnostic for people, on standard error. */
    public void note(String text) {
        console.err().println(text);
        console.err().flush();
    }

    public boolean verbose() {
        return options.verbose();
    }

    /** The JSON mapper, built on the first JSON output only: text output and --help never load Jackson. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }
}
