package io.s2mtls.core.usecase;

import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * What the store holds under a credential name ({@link InventoryUseCase#lookUp(String)}): the certificate of the
 * stored credential; or, without one, whether the inventory still records the name (a certificate signed from a
 * CSR, whose key the store never had); and where the store is, for messages.
 */
public record StoredLookup(String name, Optional<X509Certificate> certificate, boolean recorded, String storeDescription) {
    public StoredLookup {
        if (certificate.isPresent() && !recorded) {
            throw new IllegalArgumentException("a stored credential is recorded");
        }
    }
}
