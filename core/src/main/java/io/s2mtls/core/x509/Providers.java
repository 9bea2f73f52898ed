package io.s2mtls.core.x509;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.security.Provider;

/** The Bouncy Castle provider, passed explicitly where needed and never installed globally. */
final class Providers {
    static final Provider BC = new BouncyCastleProvider();

    private Providers() {
    }
}
