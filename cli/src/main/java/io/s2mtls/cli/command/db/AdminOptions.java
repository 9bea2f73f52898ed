package io.s2mtls.cli.command.db;

import picocli.CommandLine.Option;

/**
 * The administrative login of the user commands. The password never comes from a plain argument (the
 * process list shows arguments to every user): env {@code S2MTLS_ADMIN_PASSWORD}, a file, or a prompt.
 */
public final class AdminOptions {
    @Option(names = "--admin-user", paramLabel = "NAME", order = 10,
            description = "The administrative login (default: env S2MTLS_ADMIN_USER, else root).")
    String adminUser;

    @Option(names = "--admin-password-file", paramLabel = "FILE", order = 11,
            description = "A file holding the admin password (otherwise env S2MTLS_ADMIN_PASSWORD, otherwise a prompt on a terminal).")
    String adminPasswordFile;

    @Option(names = "--admin-cert", paramLabel = "FILE", order = 12,
            description = "Log in as the admin with this client certificate (PEM) instead of, or besides, a password.")
    String adminCert;

    @Option(names = "--admin-key", paramLabel = "FILE", order = 13, description = "The private key (PEM) of --admin-cert.")
    String adminKey;

    @Option(names = "--dialect", paramLabel = "NAME", order = 14,
            description = "Override the SQL dialect chosen from the server: singlestore, mariadb or mysql.")
    String dialect;
}
