package io.s2mtls.core.port;

import io.s2mtls.core.pki.CredentialName;

import java.math.BigInteger;

import static java.util.Objects.requireNonNull;

/**
 * A named credential as the index lists it, without its certificate or key: the serial of the
 * certificate it holds now (its details are in the inventory entry of that serial) and whether s2mtls
 * keeps its private key. {@link CredentialStore#credential(String)} reads the certificate and key.
 */
public record StoredCredential(String name, BigInteger serial, boolean hasKey) {
    public StoredCredential {
        requireNonNull(name, "name is null");
        requireNonNull(serial, "serial is null");
        CredentialName.check(name);
    }
}
