package io.s2mtls.core.spi;

import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The host's treatment of every provider's options, the same for stores, remote signers and databases:
 * unknown option names are refused with one message shape, and the values of sensitive options never
 * reach a message.
 */
public final class PluginOptions {
    /** What replaces a sensitive option's value in a message. */
    public static final String REDACTED = "<redacted>";

    private PluginOptions() {
    }

    /**
     * Refuses option names that {@code provider} does not list in {@link PluginProvider#optionNames()}:
     * {@code SOURCE: the SCHEME KIND does not know A, B; it accepts: X, Y} (or "none"). Only names are
     * printed, never values.
     *
     * @param source where the options came from, e.g. {@code --store-option}
     * @param kind   what the provider opens, e.g. {@code store}, {@code remote key}, {@code database}
     */
    public static void requireKnown(PluginProvider provider, String source, String kind, Map<String, String> options) {
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(provider.optionNames());
        if (!unknown.isEmpty()) {
            throw S2mtlsException.badInput(source + ": the " + provider.scheme() + " " + kind + " does not know "
                    + String.join(", ", unknown) + "; it accepts: "
                    + (provider.optionNames().isEmpty() ? "none" : String.join(", ", new TreeSet<>(provider.optionNames()))));
        }
    }

    /** {@link #requireKnown(PluginProvider, String, String, Map)} with the words of {@code kind}. */
    public static void requireKnown(PluginProvider provider, PluginRegistry.Kind kind, Map<String, String> options) {
        requireKnown(provider, kind.optionSource(), kind.noun(), options);
    }

    /** {@code text} with the value of every sensitive option of {@code provider} that occurs in it replaced by {@link #REDACTED}. */
    public static String redact(PluginProvider provider, Map<String, String> options, String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String name : provider.sensitiveOptions()) {
            String value = options.get(name);
            if (value != null && !value.isEmpty()) {
                result = result.replace(value, REDACTED);
            }
        }
        return result;
    }

    /**
     * {@code error} with sensitive option values masked: the same exception when neither its message nor
     * its causes' hold one, else a new {@link S2mtlsException} of the same kind (an unexpected exception
     * becomes {@code INTERNAL}) with the masked message and without the cause, whose text holds the value.
     */
    public static RuntimeException redact(PluginProvider provider, Map<String, String> options, RuntimeException error) {
        boolean mentioned = false;
        for (Throwable t = error; t != null && !mentioned; t = t.getCause()) {
            String message = t.getMessage();
            mentioned = message != null && !message.equals(redact(provider, options, message));
        }
        if (!mentioned) {
            return error;
        }
        ErrorKind kind = error instanceof S2mtlsException known ? known.kind() : ErrorKind.INTERNAL;
        String message = error.getMessage() == null ? error.getClass().getName() : error.getMessage();
        return new S2mtlsException(kind, redact(provider, options, message));
    }
}
