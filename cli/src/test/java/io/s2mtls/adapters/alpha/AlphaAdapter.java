package io.s2mtls.adapters.alpha;

/** An adapter that wrongly depends on another adapter; only RulesCanFailTest looks at it. */
public class AlphaAdapter {
    public Object peer() {
        return new io.s2mtls.adapters.beta.BetaAdapter();
    }
}
