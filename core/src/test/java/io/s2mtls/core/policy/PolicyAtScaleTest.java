package io.s2mtls.core.policy;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.policy.Plan.UserAction;
import io.s2mtls.core.policy.Plan.UserChange;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.testing.ForwardingCredentialStore;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.ServerDescription;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Apply on the granular store port writes records in a few large batches (never the whole-snapshot
 * read/update), and the plan reads the server with one bulk read instead of one read per account.
 */
class PolicyAtScaleTest {

    /** A store that counts its commits (audit-only writes included) and their sizes. */
    static final class CountingStore extends ForwardingCredentialStore {
        final List<Integer> commits = new ArrayList<>();

        CountingStore(InMemoryCredentialStore delegate) {
            super(delegate);
        }

        @Override
        public void commit(StoreBatch batch) {
            commits.add(batch.writes().size() + batch.audit().size());
            delegate.commit(batch);
        }

        @Override
        public void appendAudit(List<AuditEvent> events) {
            if (!events.isEmpty()) {
                commit(new StoreBatch(List.of(), events));
            }
        }
    }

    @Test
    void fiveThousandCreationsAreRecordedInAFewGrowingBatchesBeforeAndAfterTheSql() {
        InMemoryCredentialStore raw = new InMemoryCredentialStore("scale-" + java.util.UUID.randomUUID());
        S2mtls s2mtls = S2mtls.builder(raw).actor("test").build();
        CountingStore store = new CountingStore(raw);
        int n = 5_000;
        List<PolicyUser> users = new ArrayList<>();
        List<UserAction> creates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PolicyUser user = new PolicyUser(UserAccount.anyHost("u" + i), PolicyUser.Requirement.X509, DistinguishedName.parse("/CN=u" + i),
                    List.of(PrivilegeGrant.parse("SELECT ON appdb.*")), "u" + i);
            users.add(user);
            creates.add(new UserAction(user.account(), UserChange.CREATE, "no such account on the server", Optional.empty(),
                    List.of(new UserCommand.CreateUser(user.userPolicy(), false)), List.of()));
        }
        Policy policy = new Policy("scale", PolicyDefaults.standard(), users);
        Plan plan = new Plan(policy, "fake", List.of(), creates, List.of(), List.of());
        FakeDirectory server = new FakeDirectory(true);
        int[] recordedBeforeSql = {-1};
        UserDirectory watching = new Delegating(server) {
            @Override
            public List<String> execute(List<? extends UserCommand> commands) {
                if (recordedBeforeSql[0] < 0) {
                    recordedBeforeSql[0] = raw.index().managedUsers().size();
                }
                return super.execute(commands);
            }
        };

        PolicyApply.Result result = new PolicyApply(s2mtls.issuance(), store, Clock.systemUTC(), "test")
                .apply(plan, watching, 1, 500, PolicyApply.Progress.NONE);

        assertEquals(n, recordedBeforeSql[0], "every account to create is recorded before the first SQL");
        assertEquals(n, result.recorded());
        assertEquals(2 * n, result.executed());
        assertEquals(n, raw.index().managedUsers().size());
        assertTrue(raw.index().managedUsers().values().stream().allMatch(m -> m.ownedBy("scale")));
        assertEquals(n, raw.recentAudit(2 * n).stream().filter(e -> e.action().equals("user.create")).count());
        // records before the SQL: 1024, 1024, 2048, 904; after: 5000 (2500 records + their events), 5000
        assertEquals(List.of(1024, 1024, 2048, 904, 5000, 5000), store.commits);
    }

    @Test
    void aNoOpPlanReadsTheServerOnceInBulk() {
        InMemoryCredentialStore raw = new InMemoryCredentialStore("bulk-" + java.util.UUID.randomUUID());
        S2mtls s2mtls = S2mtls.builder(raw).actor("test").build();
        s2mtls.authority().create(DistinguishedName.parse("/O=scale/CN=CA"), KeySpec.EC_P256, 3650, false);
        Policy policy = PlannerTest.policy(PlannerTest.user("reader", PolicyUser.Requirement.SUBJECT, "/O=Org/CN=reader", "SELECT ON appdb.*"),
                PlannerTest.user("batch", PolicyUser.Requirement.X509, "/CN=batch", "SELECT, INSERT ON appdb.*"));
        FakeDirectory server = new FakeDirectory(true);
        int[] calls = new int[3];
        UserDirectory counting = new Delegating(server) {
            @Override
            public Map<UserAccount, AccountState> showAll() {
                calls[0]++;
                return super.showAll();
            }

            @Override
            public Optional<DatabaseUser> show(UserAccount account) {
                calls[1]++;
                return super.show(account);
            }
        };
        s2mtls.policy().apply(policy, counting, Optional.empty(), new PolicyUseCase.ApplyOptions(1, 100),
                p -> Optional.of(PolicyApply.Progress.NONE));
        calls[0] = 0;
        calls[1] = 0;
        Plan again = s2mtls.policy().plan(policy, new Delegating(server) {
            @Override
            public Map<UserAccount, AccountState> showAll() {
                calls[0]++;
                // the bulk read of a directory that has one: no show() per account
                Map<UserAccount, AccountState> all = new java.util.LinkedHashMap<>();
                for (UserAccount account : server.list()) {
                    server.show(account).ifPresent(u -> all.put(account, new AccountState(u, Optional.of(false))));
                }
                return all;
            }

            @Override
            public Optional<DatabaseUser> show(UserAccount account) {
                calls[1]++;
                return super.show(account);
            }
        }, Optional.empty());
        assertTrue(again.isEmpty(), again.toString());
        assertEquals(1, calls[0], "one bulk read");
        assertEquals(0, calls[1], "no read per account");

        calls[1] = 0;
        Plan fallback = s2mtls.policy().plan(policy, new Delegating(server) {
            @Override
            public Map<UserAccount, AccountState> showAll() {
                throw S2mtlsException.external("no access to the account tables", null);
            }

            @Override
            public Optional<DatabaseUser> show(UserAccount account) {
                calls[1]++;
                return super.show(account);
            }
        }, Optional.empty());
        assertTrue(fallback.isEmpty(), fallback.toString());
        assertEquals(2, calls[1], "refused the bulk read, the plan shows each account");
    }

    /** A directory that passes every call to another. */
    static class Delegating implements UserDirectory {
        final UserDirectory delegate;

        Delegating(UserDirectory delegate) {
            this.delegate = delegate;
        }

        @Override
        public ServerDescription server() {
            return delegate.server();
        }

        @Override
        public List<String> plannedSql(List<? extends UserCommand> commands) {
            return delegate.plannedSql(commands);
        }

        @Override
        public List<String> execute(List<? extends UserCommand> commands) {
            return delegate.execute(commands);
        }

        @Override
        public List<UserAccount> list() {
            return delegate.list();
        }

        @Override
        public Optional<DatabaseUser> show(UserAccount account) {
            return delegate.show(account);
        }

        @Override
        public Map<UserAccount, AccountState> showAll() {
            return delegate.showAll();
        }

        @Override
        public Optional<UserAccount> adminAccount() {
            return delegate.adminAccount();
        }

        @Override
        public void close() {
        }
    }
}
