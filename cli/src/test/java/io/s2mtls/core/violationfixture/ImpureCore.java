package io.s2mtls.core.violationfixture;

/** Breaks the core rules on purpose; only RulesCanFailTest looks at it. */
public class ImpureCore {
    @com.google.inject.Inject
    public ImpureCore() {
    }

    public boolean touchesDisk() {
        return java.nio.file.Files.exists(java.nio.file.Path.of("/"));
    }

    public String readsTheEnvironment() {
        return System.getenv("HOME");
    }

    public Object usesBouncyCastle() {
        return org.bouncycastle.asn1.DERNull.INSTANCE;
    }
}
