package io.s2mtls.core.violationfixture;

/** A core class that uses Jackson, and nothing else wrong with it; only RulesCanFailTest looks at it. */
public final class UsesJackson {
    public Object mapper() {
        return new com.fasterxml.jackson.databind.ObjectMapper();
    }
}
