package io.s2mtls.adapters.jdbc;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.spi.PluginContext;
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
    public UserDirectory open(DatabaseTarget target, PluginContext context) {
        Optional<String> dialect = Optional.ofNullable(context.options().get(DIALECT_OPTION));
        for (String key : context.options().keySet()) {
            if (!optionNames().contains(key)) {
                throw S2mtlsException.badInput("database option '" + key + "' is unknown; known: " + optionNames());
            }
        }
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
