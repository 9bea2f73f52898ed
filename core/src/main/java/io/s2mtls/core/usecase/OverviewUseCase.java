package io.s2mtls.core.usecase;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoredCredential;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/** The read-only picture of a store that metrics and reports are made from. */
public final class OverviewUseCase {
    /** The audit action the renewal agent records for each renewal. */
    public static final String AGENT_RENEW = "agent.renew";
    /**
     * How many of the last audit events are searched for the agent's last renewal: reading the trail's end costs
     * in proportion to this, never to the trail. An agent that renewed nothing during the last this many events
     * shows no last renewal.
     */
    public static final int AGENT_RENEW_SCAN = 5000;

    private final Environment environment;

    OverviewUseCase(Environment environment) {
        this.environment = requireNonNull(environment, "environment is null");
    }

    /** The store's CAs, credentials and users, the agent's last renewal and the last {@code auditLimit} audit events. */
    public Overview overview(int auditLimit) {
        if (auditLimit < 0) {
            throw new IllegalArgumentException("auditLimit is negative");
        }
        Instant at = environment.clock().instant();
        StoreIndex index = environment.store().index();
        List<AuditEvent> scanned = environment.store().recentAudit(Math.max(auditLimit, AGENT_RENEW_SCAN));
        Optional<Instant> lastRenewal = scanned.stream().filter(e -> e.action().equals(AGENT_RENEW))
                .map(AuditEvent::time).max(Comparator.naturalOrder());
        List<AuditEvent> recent = scanned.subList(Math.max(0, scanned.size() - auditLimit), scanned.size());
        return new Overview(at, index.authorities(), currentEntries(index), index.managedUsers(), lastRenewal, recent);
    }

    /**
     * {@link #overview(int)}, and what the server of {@code directory} (left open) holds for every recorded user and
     * for the accounts it binds to a credential's subject, compared with the record. The server's accounts are read
     * in one bulk read where the server allows it, else account by account.
     */
    public Overview overview(int auditLimit, UserDirectory directory) {
        requireNonNull(directory, "directory is null");
        Overview overview = overview(auditLimit);
        return overview.withServer(new Overview.ServerAccounts(directory.server(), compare(overview, directory)));
    }

    /** The current entry of every named credential, ordered by name (see {@link Overview#credentials()}). */
    static List<InventoryEntry> currentEntries(StoreIndex index) {
        Map<String, InventoryEntry> current = new TreeMap<>();
        for (StoredCredential credential : index.credentials().values()) {
            index.entry(credential.serial()).filter(e -> e.profile() != CertificateProfile.CA).ifPresent(e -> current.put(credential.name(), e));
        }
        for (InventoryEntry entry : index.inventory()) { // in the order recorded: a later entry of a name wins
            if (entry.profile() != CertificateProfile.CA && entry.status() != CertificateStatus.SUPERSEDED
                    && !index.credentials().containsKey(entry.name())) {
                current.put(entry.name(), entry);
            }
        }
        return List.copyOf(current.values());
    }

    private static List<Overview.AccountComparison> compare(Overview overview, UserDirectory directory) {
        Map<UserAccount, DatabaseUser> shown = new LinkedHashMap<>();
        boolean bulk;
        try {
            directory.showAll().forEach((account, state) -> shown.put(account, state.user()));
            bulk = true;
        } catch (S2mtlsException e) {
            bulk = false; // e.g. no access to the account tables: ask account by account below
        }
        List<Overview.AccountComparison> comparisons = new ArrayList<>();
        Set<UserAccount> compared = new HashSet<>();
        List<ManagedUser> recorded = overview.managedUsers().values().stream()
                .sorted(Comparator.comparing(ManagedUser::name).thenComparing(ManagedUser::host)).toList();
        for (ManagedUser record : recorded) {
            UserAccount account = new UserAccount(record.name(), record.host());
            Optional<DatabaseUser> user = bulk ? find(shown, account) : directory.show(account);
            user.ifPresent(u -> compared.add(u.account()));
            compared.add(account);
            comparisons.add(new Overview.AccountComparison(account, Optional.of(record), user, drift(record, user)));
        }
        Set<String> subjects = new HashSet<>();
        overview.credentials().forEach(e -> subjects.add(e.subject()));
        for (DatabaseUser user : shown.values()) {
            Optional<String> subject = user.requirement().flatMap(Overview::subjectOf);
            if (!compared.contains(user.account()) && subject.isPresent() && subjects.contains(subject.get())) {
                comparisons.add(new Overview.AccountComparison(user.account(), Optional.empty(), Optional.of(user), Overview.Drift.UNRECORDED));
            }
        }
        return comparisons;
    }

    /** The server's account, matched exactly, else with the host compared ignoring case (servers may fold it). */
    private static Optional<DatabaseUser> find(Map<UserAccount, DatabaseUser> shown, UserAccount account) {
        DatabaseUser exact = shown.get(account);
        if (exact != null) {
            return Optional.of(exact);
        }
        return shown.entrySet().stream().filter(e -> e.getKey().name().equals(account.name())
                && e.getKey().host().equalsIgnoreCase(account.host())).map(Map.Entry::getValue).findFirst();
    }

    static Overview.Drift drift(ManagedUser record, Optional<DatabaseUser> user) {
        if (user.isEmpty()) {
            return Overview.Drift.MISSING;
        }
        Optional<TlsRequirement> requirement = user.get().requirement();
        if (requirement.isEmpty()) {
            return Overview.Drift.NOT_EXPOSED;
        }
        boolean same = requirement.get().keyword().equals(record.requirement().toUpperCase(Locale.ROOT))
                && Overview.subjectOf(requirement.get()).equals(record.subject());
        return same ? Overview.Drift.SAME : Overview.Drift.DIFFERENT;
    }
}
