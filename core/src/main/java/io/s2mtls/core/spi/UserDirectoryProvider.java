package io.s2mtls.core.spi;

import io.s2mtls.core.port.MtlsLogin;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.user.DatabaseTarget;

/**
 * Opens connections to database servers for managing certificate-bound users, for one JDBC
 * sub-protocol. Found at run time through {@link io.s2mtls.core.spi.S2mtlsPlugin#userDirectories()}.
 */
public interface UserDirectoryProvider extends PluginProvider {

    /**
     * Connects as the target's (administrative) user and returns a directory for that server. The dialect
     * is chosen from the server itself. Throws an {@code EXTERNAL} error when the server is unreachable or
     * refuses the login.
     */
    UserDirectory open(DatabaseTarget target, PluginContext context);

    /** Logs in as a (certificate-bound) user and reports what the server says about the connection. */
    MtlsLogin mtlsLogin(PluginContext context);
}
