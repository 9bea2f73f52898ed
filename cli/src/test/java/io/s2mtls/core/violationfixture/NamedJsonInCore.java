package io.s2mtls.core.violationfixture;

/** A core class named after JSON, and nothing else wrong with it; only RulesCanFailTest looks at it. */
public final class NamedJsonInCore {
}
