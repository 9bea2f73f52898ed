package io.s2mtls.core.user;

/**
 * Opens a connection to a database server for managing certificate-bound users. Placeholder shape;
 * the database issue defines its operations.
 */
public interface UserDirectoryProvider {

    /** The JDBC sub-protocol served, e.g. {@code singlestore}. */
    String scheme();
}
