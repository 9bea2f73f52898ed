package io.s2mtls.core.user;

import io.s2mtls.core.port.UserDirectory;

import static java.util.Objects.requireNonNull;

/**
 * The server behind a {@link UserDirectory}.
 *
 * @param dialect  the SQL dialect chosen for it: {@code singlestore} or {@code mariadb} (MySQL-family)
 * @param version  the product version, e.g. {@code 8.5.0} (SingleStore) or {@code 10.11.19-MariaDB-0+deb12u1}
 * @param sqlMode  the session's {@code @@sql_mode}, which decides how literals are escaped
 */
public record ServerDescription(String dialect, String version, String sqlMode) {
    public ServerDescription {
        requireNonNull(dialect, "dialect is null");
        requireNonNull(version, "version is null");
        requireNonNull(sqlMode, "sqlMode is null");
    }
}
