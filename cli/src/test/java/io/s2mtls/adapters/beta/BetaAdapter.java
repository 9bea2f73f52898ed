package io.s2mtls.adapters.beta;

/** The adapter AlphaAdapter wrongly depends on. */
public class BetaAdapter {
}
