package io.s2mtls.core.user;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An account as the server describes it, read back rather than remembered.
 *
 * @param account     the account
 * @param requirement the TLS requirement the server holds, when it exposes one (SingleStore documents no
 *                    way to read it back; MariaDB and MySQL do)
 * @param grants      the server's own {@code GRANT ...} lines for the account, verbatim
 * @param definition  the server's {@code CREATE USER ...} text, verbatim, when it has {@code SHOW CREATE USER}
 * @param warnings    disagreements worth an operator's attention, e.g. a subject that {@code SHOW CREATE USER}
 *                    shows but the privilege table did not store
 */
public record DatabaseUser(UserAccount account, Optional<TlsRequirement> requirement, List<String> grants,
                           Optional<String> definition, List<String> warnings) {
    public DatabaseUser {
        requireNonNull(account, "account is null");
        requireNonNull(requirement, "requirement is null");
        grants = List.copyOf(requireNonNull(grants, "grants is null"));
        requireNonNull(definition, "definition is null");
        warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
    }
}
