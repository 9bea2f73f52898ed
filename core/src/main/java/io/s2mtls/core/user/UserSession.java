package io.s2mtls.core.user;

import static java.util.Objects.requireNonNull;

/**
 * One open connection to the server, as its process list shows it.
 *
 * @param id         the connection id ({@code KILL CONNECTION id})
 * @param user       the login name
 * @param clientHost where the client connects from, without the port
 * @param command    what the connection is doing, e.g. {@code Sleep} or {@code Query}
 */
public record UserSession(long id, String user, String clientHost, String command) {
    public UserSession {
        requireNonNull(user, "user is null");
        requireNonNull(clientHost, "clientHost is null");
        requireNonNull(command, "command is null");
    }
}
