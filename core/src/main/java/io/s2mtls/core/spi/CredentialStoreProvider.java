package io.s2mtls.core.spi;

import io.s2mtls.core.port.CredentialStore;

import java.util.Set;

/**
 * Opens credential stores for one URI scheme. Found at run time through {@link S2mtlsPlugin}, which
 * the host loads with {@link java.util.ServiceLoader}.
 */
public interface CredentialStoreProvider {

    /** The URI scheme this provider serves, lower case: {@code pkcs12}, {@code vault}. */
    String scheme();

    /** One line for {@code --help} and error messages, e.g. "PKCS12 file (AES-256, PBKDF2-HMAC-SHA256)". */
    String description();

    /**
     * Opens (without necessarily creating) the store at {@code location}. Cheap: defer network and
     * disk work to the first {@link CredentialStore#read()} or {@link CredentialStore#update}.
     */
    CredentialStore open(StoreLocation location, PluginContext context);

    /** Option keys this provider accepts; the host refuses any other. */
    default Set<String> optionNames() {
        return Set.of();
    }

    /** Option keys whose values are secrets; the host masks them in every message. */
    default Set<String> sensitiveOptions() {
        return Set.of();
    }
}
