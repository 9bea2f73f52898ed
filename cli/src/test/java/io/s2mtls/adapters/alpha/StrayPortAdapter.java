package io.s2mtls.adapters.alpha;

/** An adapter implementing a core interface that is not in io.s2mtls.core.port; only RulesCanFailTest looks at it. */
public class StrayPortAdapter implements io.s2mtls.core.violationfixture.StrayPort {
    @Override
    public String fetch(String key) {
        return key;
    }
}
