package io.s2mtls.core.violationfixture;

/** An outbound port declared outside io.s2mtls.core.port; only RulesCanFailTest looks at it. */
public interface StrayPort {
    String fetch(String key);
}
