package io.s2mtls.core.dn;

import java.util.List;

/** One relative distinguished name: one or more attribute values, in DER SET OF order. */
public record Rdn(List<AttributeValue> values) {
    public Rdn {
        values = List.copyOf(values);
    }
}
