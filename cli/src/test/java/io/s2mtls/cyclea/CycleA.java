package io.s2mtls.cyclea;

/** Half of a package cycle; only RulesCanFailTest looks at it. */
public class CycleA {
    public io.s2mtls.cycleb.CycleB other() {
        return null;
    }
}
