package io.s2mtls.core.violationfixture;

/** Reads the environment and nothing else, so the purity rule must catch exactly that. */
public class EnvironmentReader {
    public String home() {
        return System.getenv("HOME");
    }
}
