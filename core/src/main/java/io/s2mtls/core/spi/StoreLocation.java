package io.s2mtls.core.spi;

import io.s2mtls.core.error.S2mtlsException;

import static java.util.Objects.requireNonNull;

/**
 * A store URI split into its scheme and the rest: {@code pkcs12:./s2mtls.p12} is scheme
 * {@code pkcs12}, path {@code ./s2mtls.p12}; {@code vault:secret/s2mtls/prod} is scheme
 * {@code vault}, path {@code secret/s2mtls/prod}.
 */
public record StoreLocation(String scheme, String path) {
    public StoreLocation {
        requireNonNull(scheme, "scheme is null");
        requireNonNull(path, "path is null");
    }

    public static StoreLocation parse(String uri) {
        int colon = uri.indexOf(':');
        if (colon <= 0 || colon == uri.length() - 1) {
            throw S2mtlsException.badInput("--store: '" + uri + "' is not a store URI; write SCHEME:PATH,"
                    + " e.g. pkcs12:./s2mtls.p12 or vault:secret/s2mtls/prod");
        }
        return new StoreLocation(uri.substring(0, colon).toLowerCase(java.util.Locale.ROOT), uri.substring(colon + 1));
    }

    @Override
    public String toString() {
        return scheme + ":" + path;
    }
}
