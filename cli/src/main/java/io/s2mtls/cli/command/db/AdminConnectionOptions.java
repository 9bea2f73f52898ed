package io.s2mtls.cli.command.db;

import picocli.CommandLine.Mixin;

/**
 * The options of the administrative connection as one mixin: where the server is and how its certificate
 * is checked ({@link ConnectionOptions}), then the admin login ({@link AdminOptions}). A command declares it
 * where the help and the reference list these options: after its own (plan and apply: after the policy file).
 */
public final class AdminConnectionOptions {
    @Mixin
    ConnectionOptions connection;
    @Mixin
    AdminOptions admin;

    /** --jdbc-url, --ca and --ssl-mode. */
    public ConnectionOptions connection() {
        return connection;
    }
}
