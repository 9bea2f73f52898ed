package io.s2mtls.core.usecase;

import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.ServerDescription;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Everything the metrics and the report show, read in one pass without decrypting any key.
 *
 * @param at               when it was read (the environment's clock)
 * @param authorities      every CA the store holds; empty when it has none
 * @param credentials      the current inventory entry of every named credential, ordered by name: the entry of the
 *                         certificate the credential holds, or for a name without a stored key (a signed CSR) its
 *                         latest entry that was not superseded; CA certificates are in {@code authorities}, not here
 * @param managedUsers     the database users s2mtls manages, by {@code name@host}
 * @param lastAgentRenewal when the renewal agent last renewed a credential ({@code agent.renew} in the audit trail)
 * @param recentAudit      the last events of the audit trail, oldest first
 * @param server           what the database server holds for those users, when the overview was read with a server
 */
public record Overview(Instant at, Optional<Authorities> authorities, List<InventoryEntry> credentials,
                       Map<String, ManagedUser> managedUsers, Optional<Instant> lastAgentRenewal, List<AuditEvent> recentAudit,
                       Optional<ServerAccounts> server) {
    public Overview {
        requireNonNull(at, "at is null");
        requireNonNull(authorities, "authorities is null");
        credentials = List.copyOf(credentials);
        managedUsers = Map.copyOf(managedUsers);
        requireNonNull(lastAgentRenewal, "lastAgentRenewal is null");
        recentAudit = List.copyOf(recentAudit);
        requireNonNull(server, "server is null");
    }

    /** An overview of the store alone, without a server. */
    public Overview(Instant at, Optional<Authorities> authorities, List<InventoryEntry> credentials,
                    Map<String, ManagedUser> managedUsers, Optional<Instant> lastAgentRenewal, List<AuditEvent> recentAudit) {
        this(at, authorities, credentials, managedUsers, lastAgentRenewal, recentAudit, Optional.empty());
    }

    /** This overview with what {@code server} holds. */
    public Overview withServer(ServerAccounts server) {
        return new Overview(at, authorities, credentials, managedUsers, lastAgentRenewal, recentAudit, Optional.of(server));
    }

    /**
     * The recorded users bound to {@code entry}: recorded with its credential name, or with REQUIRE SUBJECT of its
     * subject; ordered by name then host.
     */
    public List<ManagedUser> usersOf(InventoryEntry entry) {
        return managedUsers.values().stream()
                .filter(u -> u.credential().map(entry.name()::equals).orElse(false)
                        || "SUBJECT".equalsIgnoreCase(u.requirement()) && u.subject().map(entry.subject()::equals).orElse(false))
                .sorted(java.util.Comparator.comparing(ManagedUser::name).thenComparing(ManagedUser::host))
                .toList();
    }

    /** How the server's account compares with what the store recorded for it. */
    public enum Drift {
        /** The server holds the recorded requirement. */
        SAME,
        /** The server holds another requirement than the recorded one. */
        DIFFERENT,
        /** The store records the account; the server has no such account. */
        MISSING,
        /** The server does not expose the requirement (SingleStore), so it cannot be compared. */
        NOT_EXPOSED,
        /** The server binds the account to a credential's subject, but the store has no record of it. */
        UNRECORDED;

        /** {@code same}, {@code different}, ...: the word output uses. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }

    /**
     * One account compared: the store's record (absent for {@link Drift#UNRECORDED}), what the server shows (absent
     * for {@link Drift#MISSING}) and the verdict.
     */
    public record AccountComparison(UserAccount account, Optional<ManagedUser> recorded, Optional<DatabaseUser> server, Drift drift) {
        public AccountComparison {
            requireNonNull(account, "account is null");
            requireNonNull(recorded, "recorded is null");
            requireNonNull(server, "server is null");
            requireNonNull(drift, "drift is null");
        }

        /** The requirement as the server holds it, when it says: {@code SUBJECT '/CN=a'}, {@code X509}, ... */
        public Optional<String> serverRequirement() {
            return server.flatMap(DatabaseUser::requirement).map(AccountComparison::describe);
        }

        /** The requirement as the store recorded it. */
        public Optional<String> recordedRequirement() {
            return recorded.map(r -> r.requirement() + r.subject().map(s -> " '" + s + "'").orElse(""));
        }

        static String describe(TlsRequirement requirement) {
            if (requirement instanceof TlsRequirement.Subject subject) {
                return "SUBJECT '" + subject.oneline() + "'";
            }
            if (requirement instanceof TlsRequirement.Issuer issuer) {
                return "ISSUER '" + issuer.oneline() + "'" + issuer.subject().map(s -> " SUBJECT '" + s.oneline() + "'").orElse("");
            }
            return requirement.keyword();
        }
    }

    /** What a database server holds for the recorded users (and for unrecorded accounts bound to a credential's subject). */
    public record ServerAccounts(ServerDescription description, List<AccountComparison> accounts) {
        public ServerAccounts {
            requireNonNull(description, "description is null");
            accounts = List.copyOf(accounts);
        }

        /** The comparisons of the accounts bound to {@code entry}'s subject or recorded with its name. */
        public List<AccountComparison> of(InventoryEntry entry) {
            return accounts.stream().filter(a -> a.recorded().flatMap(ManagedUser::credential).map(entry.name()::equals).orElse(false)
                    || a.recorded().flatMap(ManagedUser::subject).map(entry.subject()::equals).orElse(false)
                    || a.server().flatMap(DatabaseUser::requirement).flatMap(Overview::subjectOf).map(entry.subject()::equals).orElse(false)).toList();
        }
    }

    static Optional<String> subjectOf(TlsRequirement requirement) {
        if (requirement instanceof TlsRequirement.Subject subject) {
            return Optional.of(subject.oneline());
        }
        if (requirement instanceof TlsRequirement.Issuer issuer) {
            return issuer.subject().map(TlsRequirement.Subject::oneline);
        }
        return Optional.empty();
    }
}
