package io.s2mtls.cli.command.db;

/** The small records that --output json writes for connect. */
final class Views {
    private Views() {
    }

    /** {@code connect}. */
    record LoginView(String server, String user, String currentUser, String tlsVersion, String cipher) {
    }
}
