package io.s2mtls.adapters.jdbc;

import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.spi.PluginOptions;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.user.DatabaseTarget;
import io.s2mtls.core.port.MtlsLogin;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.spi.UserDirectoryProvider;

import java.sql.Connection;
import java.util.Optional;
import java.util.Set;

/**
 * Serves {@code jdbc:singlestore://} URLs with the SingleStore JDBC driver, for SingleStore and for
 * MySQL-family servers (dialect chosen from the server). Option {@code dialect=singlestore|mariadb|mysql}
 * overrides the choice.
 */
final class SingleStoreDirectoryProvider implements UserDirectoryProvider {
    static final String DIALECT_OPTION = "dialect";

    @Override
    public String scheme() {
        return "singlestore";
    }

    @Override
    public String description() {
        return "SingleStore, MySQL and MariaDB servers through the SingleStore JDBC driver (jdbc:singlestore://HOST:PORT/)";
    }

    @Override
    public UserDirectory open(DatabaseTarget target, PluginContext context) {
        PluginOptions.requireKnown(this, PluginRegistry.Kind.DIRECTORY, context.options());
        Optional<String> dialect = Optional.ofNullable(context.options().get(DIALECT_OPTION));
        Connection connection = JdbcConnector.connect(target);
        try {
            return JdbcUserDirectory.open(connection, target, dialect);
        } catch (RuntimeException e) {
            try {
                connection.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public MtlsLogin mtlsLogin(PluginContext context) {
        return new JdbcMtlsLogin();
    }

    @Override
    public Set<String> optionNames() {
        return Set.of(DIALECT_OPTION);
    }
}
