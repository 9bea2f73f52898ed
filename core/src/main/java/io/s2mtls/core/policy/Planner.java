package io.s2mtls.core.policy;

import io.s2mtls.core.port.UserDirectory;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.policy.Plan.CertificateAction;
import io.s2mtls.core.policy.Plan.CertificateReason;
import io.s2mtls.core.policy.Plan.RotationReissue;
import io.s2mtls.core.policy.Plan.UserAction;
import io.s2mtls.core.policy.Plan.UserChange;
import io.s2mtls.core.policy.Plan.Untouched;
import io.s2mtls.core.policy.Plan.UntouchedReason;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoredCredential;
import io.s2mtls.core.usecase.IssueCommand;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.GrantRules;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Compares a policy with what the store holds (credentials, inventory, the record of managed users) and
 * what the server shows ({@link DatabaseUser}s), and lists what apply must change. Pure: the caller reads
 * the store and the server and passes what it saw.
 */
public final class Planner {
    public static final String SOURCE_SERVER = "server";
    public static final String SOURCE_RECORDED = "recorded";

    private final Function<List<UserCommand>, List<String>> sql;
    private final Predicate<UserAccount> admin;

    /** @param sql the exact SQL a list of commands becomes on the server ({@code UserDirectory::plannedSql}) */
    public Planner(Function<List<UserCommand>, List<String>> sql) {
        this(sql, account -> false);
    }

    /**
     * @param sql   the exact SQL a list of commands becomes on the server ({@code UserDirectory::plannedSql})
     * @param admin true for the account s2mtls logs in with: it is never altered, locked or dropped (see {@link #admin})
     */
    public Planner(Function<List<UserCommand>, List<String>> sql, Predicate<UserAccount> admin) {
        this.sql = requireNonNull(sql, "sql is null");
        this.admin = requireNonNull(admin, "admin is null");
    }

    /**
     * What counts as the admin: the account the server says the directory is logged in as, and, to be safe,
     * every account of the admin user name the connection was opened with (whatever its host).
     */
    public static Predicate<UserAccount> admin(Optional<UserAccount> loggedInAs, Optional<String> adminUserName) {
        requireNonNull(loggedInAs, "loggedInAs is null");
        requireNonNull(adminUserName, "adminUserName is null");
        return account -> loggedInAs.map(a -> a.name().equals(account.name()) && a.host().equalsIgnoreCase(account.host())).orElse(false)
                || adminUserName.map(account.name()::equals).orElse(false);
    }

    /**
     * The accounts whose state the plan needs: those of the policy, then the ones this policy created
     * that left it.
     */
    public static List<UserAccount> accountsToInspect(Policy policy, StoreIndex store) {
        Set<UserAccount> accounts = new LinkedHashSet<>();
        policy.users().forEach(u -> accounts.add(u.account()));
        for (ManagedUser managed : store.managedUsers().values()) {
            if (managed.ownedBy(policy.name())) {
                accounts.add(new UserAccount(managed.name(), managed.host()));
            }
        }
        return List.copyOf(accounts);
    }

    /**
     * Only accounts this policy created (recorded with its name) or adopts ({@code adopt: true}) are changed;
     * only accounts it created are dropped. Any other account the policy names is listed as untouched, and so
     * is the admin account, whatever the policy says.
     *
     * @param observed what the server shows for each account of {@link #accountsToInspect} (empty: no such account)
     */
    public Plan plan(Policy policy, StoreIndex store, String server, Map<UserAccount, Optional<DatabaseUser>> observed, Instant now) {
        List<CertificateAction> certificates = new ArrayList<>();
        List<UserAction> drops = new ArrayList<>();
        List<UserAction> changes = new ArrayList<>();
        List<UserAction> records = new ArrayList<>();
        List<Untouched> untouched = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<RotationReissue> reissues = new ArrayList<>();
        Set<String> inPolicy = new LinkedHashSet<>();
        for (PolicyUser user : policy.users()) {
            inPolicy.add(Policy.key(user));
            if (admin.test(user.account())) {
                untouched.add(new Untouched(user.account(), UntouchedReason.ADMIN, "the account s2mtls logs in with (the admin): never altered,"
                        + " locked or dropped by plan/apply", "remove it from the policy; change the admin account by hand if you must"));
                continue;
            }
            Optional<DatabaseUser> seen = requireNonNull(observed.get(user.account()), () -> "no observation of " + user.account());
            Optional<ManagedUser> record = Optional.ofNullable(store.managedUsers().get(Policy.key(user)));
            boolean owned = record.isPresent() && record.get().ownedBy(policy.name());
            boolean adopting = seen.isPresent() && !owned;
            if (adopting && !user.adopt()) {
                untouched.add(new Untouched(user.account(), UntouchedReason.EXISTS_NOT_MANAGED, "exists, not managed: " + origin(record)
                        + "; left alone", "to have policy '" + policy.name() + "' take it over, add 'adopt: true' to that user in the policy"));
                continue;
            }
            Optional<CertificateAction> certificate = certificate(policy, user, store, now);
            certificate.ifPresent(certificates::add);
            rotationReissue(user, store, now, certificate.isPresent()).ifPresent(reissues::add);
            if (adopting) {
                changes.add(new UserAction(user.account(), UserChange.ADOPT, "exists, " + origin(record) + "; 'adopt: true' takes it over for policy '"
                        + policy.name() + "'", Optional.empty(), List.of(), List.of()));
            }
            List<UserAction> userChanges = userChanges(user, seen, record, warnings);
            changes.addAll(userChanges);
            // here the account is missing (CREATE) or this policy's own, so it has a record
            if (userChanges.isEmpty() && !adopting && !sameRecord(record.orElseThrow(), user, policy.name())) {
                records.add(new UserAction(user.account(), UserChange.RECORD, "the store's record of the user differs from the policy",
                        Optional.empty(), List.of(), List.of()));
            }
        }
        for (ManagedUser managed : store.managedUsers().values()) {
            if (inPolicy.contains(managed.key()) || !managed.ownedBy(policy.name())) {
                continue;
            }
            UserAccount account = new UserAccount(managed.name(), managed.host());
            if (admin.test(account)) {
                untouched.add(new Untouched(account, UntouchedReason.ADMIN, "recorded as created by this policy, which no longer lists it,"
                        + " but it is the account s2mtls logs in with (the admin): never dropped by plan/apply", "drop it by hand if you must"));
                continue;
            }
            Optional<DatabaseUser> seen = observed.getOrDefault(account, Optional.empty());
            if (seen.isPresent()) {
                drops.add(action(account, UserChange.DROP, "created by policy '" + policy.name() + "' but no longer in it", Optional.empty(),
                        List.of(new UserCommand.DropUser(account, true))));
            } else {
                records.add(new UserAction(account, UserChange.FORGET, "no longer in the policy and already gone from the server",
                        Optional.empty(), List.of(), List.of()));
            }
        }
        boolean unexposed = false;
        for (Optional<DatabaseUser> seen : observed.values()) {
            if (seen.isPresent() && seen.get().requirement().isEmpty()) {
                unexposed = true;
                break;
            }
        }
        if (unexposed) {
            warnings.add(0, "this server does not expose TLS requirements: they were compared with the store's record"
                    + " of each user (source: recorded), not read back");
        }
        List<UserAction> users = new ArrayList<>(drops);
        users.addAll(changes);
        users.addAll(records);
        return new Plan(policy, server, certificates, users, untouched, warnings, reissues);
    }

    /** Who made an account this policy does not own, as far as the store knows. */
    private static String origin(Optional<ManagedUser> record) {
        if (record.isEmpty()) {
            return "not created by s2mtls from this store (made by hand or elsewhere)";
        }
        return record.get().policy().map(p -> "created by policy '" + p + "'")
                .orElse("made with 'user create' (or by an s2mtls version that did not record policies)");
    }

    /**
     * The credential the user logs in with, if it needs issuing: read from the store's index (the credential's
     * serial and whether its key is kept, and that serial's inventory entry), decrypting no key.
     */
    static Optional<CertificateAction> certificate(Policy policy, PolicyUser user, StoreIndex store, Instant now) {
        Optional<StoredCredential> credential = store.credential(user.credential());
        if (credential.isEmpty()) {
            return Optional.of(new CertificateAction(user.credential(), user.account(), user.subject(), CertificateReason.MISSING,
                    "no credential '" + user.credential() + "' in the store", Optional.empty()));
        }
        Optional<String> serial = Optional.of(credential.get().serial().toString(16).toUpperCase(java.util.Locale.ROOT));
        InventoryEntry entry = store.entry(credential.get().serial()).orElse(null);
        if (entry == null) {
            return Optional.of(new CertificateAction(user.credential(), user.account(), user.subject(), CertificateReason.MISSING,
                    "the inventory has no entry for serial " + serial.get() + " of credential '" + user.credential() + "'", serial));
        }
        if (entry.status() == CertificateStatus.REVOKED) {
            return Optional.of(new CertificateAction(user.credential(), user.account(), user.subject(), CertificateReason.REVOKED,
                    "serial " + serial.get() + " is revoked", serial));
        }
        // the inventory keeps the subject in the oneline form, which is what the server compares
        if (!entry.subject().equals(user.subject().oneline())) {
            return Optional.of(new CertificateAction(user.credential(), user.account(), user.subject(), CertificateReason.SUBJECT_DIFFERS,
                    "serial " + serial.get() + " has subject '" + entry.subject() + "', the policy gives '" + user.subject().oneline() + "'",
                    serial));
        }
        if (!credential.get().hasKey()) {
            return Optional.of(new CertificateAction(user.credential(), user.account(), user.subject(), CertificateReason.NO_PRIVATE_KEY,
                    "the store has no private key for serial " + serial.get(), serial));
        }
        Instant notAfter = entry.notAfter();
        if (!notAfter.isAfter(now.plus(policy.defaults().renewWithin()))) {
            return Optional.of(new CertificateAction(user.credential(), user.account(), user.subject(), CertificateReason.EXPIRING,
                    "serial " + serial.get() + (notAfter.isAfter(now) ? " expires " : " expired ") + notAfter
                            + ", within the renewal window of " + policy.defaults().renewWithin().toDays() + "d", serial));
        }
        return Optional.empty();
    }

    /**
     * The reissue a CA rotation asks of {@code user}'s current credential: when it is valid, unexpired and signed by
     * the CA the rotation retires ({@link Authorities#onOldCa}). In phase switched, only when no other certificate
     * action replaces it already ({@code replaced}): that one is signed by the new CA. In phase begun, listed either
     * way: whatever is issued now still comes from the old CA.
     */
    static Optional<RotationReissue> rotationReissue(PolicyUser user, StoreIndex store, Instant now, boolean replaced) {
        Optional<Authorities> authorities = store.authorities();
        if (authorities.isEmpty() || authorities.get().phase() == RotationPhase.NONE) {
            return Optional.empty();
        }
        Authorities cas = authorities.get();
        boolean afterSwitch = cas.phase() == RotationPhase.BEGUN;
        if (replaced && !afterSwitch) {
            return Optional.empty();
        }
        Optional<InventoryEntry> entry = store.currentEntry(user.credential());
        if (entry.isEmpty() || entry.get().status() != CertificateStatus.VALID || !entry.get().notAfter().isAfter(now)
                || !cas.onOldCa(entry.get())) {
            return Optional.empty();
        }
        String old = Certificates.subjectOf(cas.old().certificate()).oneline();
        String reason = "serial " + entry.get().serialHex() + " is signed by the " + (afterSwitch ? "current" : "previous") + " CA '" + old
                + "', which the rotation retires" + (afterSwitch ? "; reissue it after 's2mtls ca rotate switch'"
                : "; apply reissues it under the new CA, keeping its subject");
        return Optional.of(new RotationReissue(user.credential(), entry.get().serialHex(), user.account(), afterSwitch, reason));
    }

    /** The command that issues {@code action}'s certificate. */
    public static IssueCommand issueCommand(Policy policy, CertificateAction action) {
        return new IssueCommand(action.subject(), policy.defaults().key(), policy.defaults().days(), Optional.of(action.credential()),
                CertificateProfile.CLIENT, List.of(), false, true);
    }

    private List<UserAction> userChanges(PolicyUser user, Optional<DatabaseUser> seen, Optional<ManagedUser> record, List<String> warnings) {
        UserAccount account = user.account();
        if (seen.isEmpty()) {
            return List.of(action(account, UserChange.CREATE, "no such account on the server", Optional.empty(),
                    List.of(new UserCommand.CreateUser(user.userPolicy(), false))));
        }
        List<UserAction> actions = new ArrayList<>();
        TlsRequirement wanted = user.requirement();
        DatabaseUser shown = seen.get();
        if (shown.requirement().isPresent()) {
            shown.warnings().forEach(w -> warnings.add(account + ": " + w));
            TlsRequirement actual = shown.requirement().get();
            if (!sameRequirement(actual, wanted)) {
                actions.add(action(account, UserChange.ALTER, "the server holds REQUIRE " + describe(actual) + " but the user's certificate needs REQUIRE "
                        + describe(wanted) + firstDifference(actual, wanted), Optional.of(SOURCE_SERVER),
                        List.of(new UserCommand.AlterUser(account, wanted, false))));
            }
        } else if (record.isEmpty()) {
            actions.add(action(account, UserChange.ALTER, "the server does not expose the requirement and the store has no record of it;"
                    + " setting REQUIRE " + describe(wanted), Optional.of(SOURCE_RECORDED), List.of(new UserCommand.AlterUser(account, wanted, false))));
        } else {
            String recorded = record.get().requirement() + record.get().subject().map(s -> " '" + s + "'").orElse("");
            String expected = wanted.keyword() + (wanted instanceof TlsRequirement.Subject s ? " '" + s.oneline() + "'" : "");
            if (!recorded.equals(expected)) {
                actions.add(action(account, UserChange.ALTER, "recorded as REQUIRE " + recorded + " but the user's certificate needs REQUIRE "
                        + expected, Optional.of(SOURCE_RECORDED), List.of(new UserCommand.AlterUser(account, wanted, false))));
            }
        }
        // compared in the server's form: what SHOW GRANTS prints, and what the SQL of each wanted grant reads as
        ServerGrants server = serverGrants(shown.grants());
        server.notUnderstood().forEach(line -> warnings.add(account + ": grant not understood, left alone: " + line));
        Map<String, PrivilegeGrant> have = server.atoms();
        Map<String, PrivilegeGrant> want = new LinkedHashMap<>();
        for (PrivilegeGrant grant : user.grants()) {
            atoms(grant).forEach(a -> want.put(serverForm(account, a), a));
        }
        List<PrivilegeGrant> missing = want.entrySet().stream().filter(e -> !have.containsKey(e.getKey())).map(Map.Entry::getValue).toList();
        List<PrivilegeGrant> extra = have.entrySet().stream().filter(e -> !want.containsKey(e.getKey())).map(Map.Entry::getValue).toList();
        if (!missing.isEmpty()) {
            List<PrivilegeGrant> grouped = group(missing);
            actions.add(action(account, UserChange.GRANT, "missing on the server: " + String.join("; ", grouped.stream().map(PrivilegeGrant::toString).toList()),
                    Optional.of(SOURCE_SERVER), grouped.stream().<UserCommand>map(g -> new UserCommand.Grant(account, g)).toList()));
        }
        if (!extra.isEmpty()) {
            List<PrivilegeGrant> grouped = group(extra);
            actions.add(action(account, UserChange.REVOKE, "granted on the server but not in the policy: "
                            + String.join("; ", grouped.stream().map(PrivilegeGrant::toString).toList()),
                    Optional.of(SOURCE_SERVER), grouped.stream().<UserCommand>map(g -> new UserCommand.Revoke(account, g)).toList()));
        }
        return actions;
    }

    private UserAction action(UserAccount account, UserChange change, String reason, Optional<String> source, List<UserCommand> commands) {
        return new UserAction(account, change, reason, source, commands, sql.apply(commands));
    }

    /** The record apply writes for {@code user} of the policy named {@code policy}: owned by that policy. */
    public static ManagedUser record(PolicyUser user, Instant now, String policy) {
        return io.s2mtls.core.usecase.ManagedUsers.record(user.account(), user.requirement(),
                user.grants().stream().map(PrivilegeGrant::toString).toList(), Optional.of(user.credential()), now, Optional.of(policy));
    }

    static boolean sameRecord(ManagedUser record, PolicyUser user, String policy) {
        ManagedUser wanted = record(user, record.recordedAt(), policy);
        return wanted.equals(record);
    }

    static boolean sameRequirement(TlsRequirement actual, TlsRequirement wanted) {
        if (actual instanceof TlsRequirement.Subject a && wanted instanceof TlsRequirement.Subject w) {
            return java.util.Arrays.equals(a.oneline().getBytes(StandardCharsets.UTF_8), w.oneline().getBytes(StandardCharsets.UTF_8));
        }
        return !(actual instanceof TlsRequirement.Subject) && !(actual instanceof TlsRequirement.Issuer)
                && actual.keyword().equals(wanted.keyword());
    }

    static String describe(TlsRequirement requirement) {
        if (requirement instanceof TlsRequirement.Subject s) {
            return "SUBJECT '" + s.oneline() + "'";
        }
        if (requirement instanceof TlsRequirement.Issuer i) {
            return "ISSUER '" + i.oneline() + "'" + i.subject().map(s -> " SUBJECT '" + s.oneline() + "'").orElse("");
        }
        return requirement.keyword();
    }

    private static String firstDifference(TlsRequirement actual, TlsRequirement wanted) {
        if (actual instanceof TlsRequirement.Subject a && wanted instanceof TlsRequirement.Subject w) {
            byte[] x = a.oneline().getBytes(StandardCharsets.UTF_8);
            byte[] y = w.oneline().getBytes(StandardCharsets.UTF_8);
            int i = java.util.Arrays.mismatch(x, y);
            return " (first differing byte at offset " + i + ")";
        }
        return "";
    }

    /**
     * SHOW GRANTS lines as the planner compares them.
     *
     * @param atoms         one single-privilege grant per privilege (USAGE left out), keyed by its text
     * @param notUnderstood the lines that are not {@code GRANT privs ON level TO ...} (roles, column lists, proxies):
     *                      left alone
     */
    public record ServerGrants(Map<String, PrivilegeGrant> atoms, List<String> notUnderstood) {
        public ServerGrants {
            atoms = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(atoms));
            notUnderstood = List.copyOf(notUnderstood);
        }
    }

    /** Reads the grant lines a server shows ({@link DatabaseUser#grants()}) the way the plan compares them. */
    public static ServerGrants serverGrants(List<String> lines) {
        Map<String, PrivilegeGrant> have = new LinkedHashMap<>();
        List<String> notUnderstood = new ArrayList<>();
        for (String line : lines) {
            Optional<PrivilegeGrant> grant = parseGrantLine(line);
            if (grant.isEmpty()) {
                notUnderstood.add(line);
                continue;
            }
            atoms(grant.get()).stream().filter(a -> !a.privileges().get(0).equals("USAGE")).forEach(a -> have.put(a.toString(), a));
        }
        return new ServerGrants(have, notUnderstood);
    }

    /**
     * {@code GRANT privs ON level TO account ... [WITH GRANT OPTION]} as the server prints it, read as the
     * server reads it ({@link GrantRules#SERVER}: {@code `app\_db`.*} is the database {@code app_db},
     * {@code `app_db`.*} a pattern), with {@code WITH GRANT OPTION} as the privilege {@code GRANT OPTION};
     * empty when it is not of that form.
     */
    static Optional<PrivilegeGrant> parseGrantLine(String line) {
        String text = line.strip();
        if (!text.regionMatches(true, 0, "GRANT ", 0, 6)) {
            return Optional.empty();
        }
        text = text.substring(6);
        int at = text.indexOf(" TO ");
        while (at >= 0) {
            PrivilegeGrant grant;
            try {
                grant = PrivilegeGrant.parse(text.substring(0, at), GrantRules.SERVER);
            } catch (S2mtlsException e) {
                at = text.indexOf(" TO ", at + 1);
                continue;
            }
            if (withGrantOption(text.substring(at + 4)) && !grant.privileges().contains(PrivilegeGrant.GRANT_OPTION)) {
                List<String> privileges = new ArrayList<>(grant.privileges());
                privileges.add(PrivilegeGrant.GRANT_OPTION);
                grant = new PrivilegeGrant(privileges, grant.database(), grant.table(), grant.databasePattern());
            }
            return Optional.of(grant);
        }
        return Optional.empty();
    }

    private static final Pattern WITH_GRANT_OPTION = Pattern.compile("\\bWITH\\b.*\\bGRANT\\s+OPTION\\b", Pattern.CASE_INSENSITIVE);

    /** Whether the text after {@code TO} (account, REQUIRE, WITH ...) has GRANT OPTION outside quoted names and strings. */
    static boolean withGrantOption(String tail) {
        StringBuilder bare = new StringBuilder(tail.length());
        for (int i = 0; i < tail.length(); i++) {
            char c = tail.charAt(i);
            if (c != '`' && c != '\'' && c != '"') {
                bare.append(c);
                continue;
            }
            int j = i + 1;
            while (j < tail.length()) {
                char d = tail.charAt(j);
                if (d == '\\' && c != '`') {
                    j += 2;
                } else if (d == c && j + 1 < tail.length() && tail.charAt(j + 1) == c) {
                    j += 2;
                } else if (d == c) {
                    break;
                } else {
                    j++;
                }
            }
            bare.append(' ');
            i = j;
        }
        return WITH_GRANT_OPTION.matcher(bare).find();
    }

    /**
     * The key of a wanted single-privilege grant in the server's form: the GRANT this server would run for it,
     * read back as {@link #parseGrantLine} reads SHOW GRANTS. So an escaped literal ({@code `app\_db`}) and
     * a server that compares names exactly (SingleStore) both compare equal to what they print.
     */
    private String serverForm(UserAccount account, PrivilegeGrant atom) {
        List<String> statements = sql.apply(List.of(new UserCommand.Grant(account, atom)));
        if (statements.size() == 1) {
            Optional<PrivilegeGrant> asServer = parseGrantLine(statements.get(0));
            if (asServer.isPresent()) {
                return asServer.get().toString();
            }
        }
        return atom.toString();
    }

    /** One grant per privilege, so that {@code SELECT, INSERT} and {@code INSERT, SELECT} compare equal. */
    static List<PrivilegeGrant> atoms(PrivilegeGrant grant) {
        return grant.privileges().stream()
                .map(p -> new PrivilegeGrant(List.of(p), grant.database(), grant.table(), grant.databasePattern())).toList();
    }

    /** Single-privilege grants back into one grant per level. */
    static List<PrivilegeGrant> group(List<PrivilegeGrant> atoms) {
        Map<String, List<PrivilegeGrant>> byLevel = new LinkedHashMap<>();
        for (PrivilegeGrant atom : atoms) {
            String level = atom.database().orElse("*") + "\0" + atom.table().orElse("*") + "\0" + atom.databasePattern();
            byLevel.computeIfAbsent(level, k -> new ArrayList<>()).add(atom);
        }
        List<PrivilegeGrant> grouped = new ArrayList<>();
        for (List<PrivilegeGrant> same : byLevel.values()) {
            grouped.add(new PrivilegeGrant(same.stream().map(a -> a.privileges().get(0)).distinct().toList(),
                    same.get(0).database(), same.get(0).table(), same.get(0).databasePattern()));
        }
        grouped.sort(Comparator.comparing(PrivilegeGrant::toString));
        return grouped;
    }
}
