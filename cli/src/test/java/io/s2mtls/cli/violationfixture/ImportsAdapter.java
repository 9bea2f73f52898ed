package io.s2mtls.cli.violationfixture;

/** A CLI class that imports an adapter at compile time; only RulesCanFailTest looks at it. */
public class ImportsAdapter {
    public Object adapter() {
        return new io.s2mtls.adapters.alpha.AlphaAdapter();
    }
}
