package io.s2mtls.cli.command;

import java.util.List;

/** Command classes that are package-private here, listed for the composition root. */
public final class Commands {
    private Commands() {
    }

    public static List<Class<?>> packagePrivate() {
        return List.of(LifecycleCommands.Renew.class, LifecycleCommands.Revoke.class, LifecycleCommands.Crl.class,
                LifecycleCommands.Audit.class);
    }
}
