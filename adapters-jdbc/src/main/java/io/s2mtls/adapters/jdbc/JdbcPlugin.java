package io.s2mtls.adapters.jdbc;

import io.s2mtls.core.spi.S2mtlsPlugin;
import io.s2mtls.core.spi.UserDirectoryProvider;

import java.util.List;

/**
 * The JDBC plugin: manages certificate-bound users on SingleStore (and MySQL/MariaDB) servers through
 * the SingleStore JDBC driver, and logs in with client certificates held in memory.
 */
public final class JdbcPlugin implements S2mtlsPlugin {

    @Override
    public String name() {
        return "jdbc";
    }

    @Override
    public List<UserDirectoryProvider> userDirectories() {
        return List.of(new SingleStoreDirectoryProvider());
    }
}
