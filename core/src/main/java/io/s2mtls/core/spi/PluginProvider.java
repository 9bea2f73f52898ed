package io.s2mtls.core.spi;

import java.util.Set;

/**
 * What every provider of a plugin has, whatever it opens: the scheme it serves, a line describing it,
 * the option names it accepts and which of them carry secrets. {@link CredentialStoreProvider},
 * {@link RemoteSignerProvider} and {@link UserDirectoryProvider} extend it, and the host treats the
 * three the same way ({@link PluginRegistry#open}): an option the provider does not list is refused
 * before it is opened, with the same one-line message for every kind, and the values of sensitive
 * options are masked in every message that reaches the user.
 */
public interface PluginProvider {

    /** The scheme served, lower case: a store URI scheme ({@code pkcs12}), a key reference scheme ({@code vault-transit}), a JDBC sub-protocol ({@code singlestore}). */
    String scheme();

    /** One line for help and error messages, e.g. "PKCS12 file (AES-256, PBKDF2-HMAC-SHA256)". */
    default String description() {
        return "the " + scheme() + " plugin";
    }

    /** Option keys this provider accepts in {@link PluginContext#options()}; the host refuses any other. */
    default Set<String> optionNames() {
        return Set.of();
    }

    /** Option keys (a subset of {@link #optionNames()}) whose values are secrets; the host masks them in every message. */
    default Set<String> sensitiveOptions() {
        return Set.of();
    }
}
