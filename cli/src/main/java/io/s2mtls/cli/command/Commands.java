package io.s2mtls.cli.command;

import java.util.List;

/** Command classes that are package-private here, listed for the composition root. */
public final class Commands {
    private Commands() {
    }

    public static List<Class<?>> packagePrivate() {
        return List.of(CertRenewCommand.class);
    }
}
