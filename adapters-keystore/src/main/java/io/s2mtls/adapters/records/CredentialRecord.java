package io.s2mtls.adapters.records;

import io.s2mtls.core.port.StoredCredential;

/** A named credential as a store's index persists it: the serial it holds now and whether its key is kept. */
public record CredentialRecord(String name, String serial, boolean hasKey) {

    public static CredentialRecord of(StoredCredential c) {
        return new CredentialRecord(c.name(), c.serial().toString(16).toUpperCase(java.util.Locale.ROOT), c.hasKey());
    }

    /** The domain value; an {@link IllegalArgumentException} names the field that is wrong. */
    public StoredCredential toCredential() {
        return new StoredCredential(Fields.text("name", name), Fields.serial("serial", serial), hasKey);
    }
}
