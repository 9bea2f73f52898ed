package io.s2mtls.cycleb;

/** The other half of a package cycle. */
public class CycleB {
    public io.s2mtls.cyclea.CycleA other() {
        return null;
    }
}
