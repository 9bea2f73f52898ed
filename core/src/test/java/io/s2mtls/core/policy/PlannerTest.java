package io.s2mtls.core.policy;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.policy.Plan.CertificateReason;
import io.s2mtls.core.policy.Plan.UserChange;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlannerTest {
    final InMemoryCredentialStore store = new InMemoryCredentialStore("policy-" + java.util.UUID.randomUUID());
    final S2mtls s2mtls = S2mtls.builder(store).actor("test").build();

    PlannerTest() {
        s2mtls.authority().create(DistinguishedName.parse("/O=policy tests/CN=CA"), KeySpec.EC_P256, 3650, false);
    }

    static PolicyUser user(String name, PolicyUser.Requirement require, String subject, String... grants) {
        return new PolicyUser(UserAccount.anyHost(name), require, DistinguishedName.parse(subject),
                java.util.Arrays.stream(grants).map(PrivilegeGrant::parse).toList(), name);
    }

    static Policy policy(PolicyUser... users) {
        return named("test", users);
    }

    static Policy named(String name, PolicyUser... users) {
        return new Policy(name, PolicyDefaults.standard(), List.of(users));
    }

    static PolicyUser adopting(PolicyUser user) {
        return new PolicyUser(user.account(), user.require(), user.subject(), user.grants(), user.credential(), true);
    }

    Plan plan(Policy policy, FakeDirectory directory, Instant now) {
        return new Planner(directory::plannedSql, Planner.admin(directory.adminAccount(), Optional.empty())).plan(policy, store.index(), "fake",
                directory.observe(Planner.accountsToInspect(policy, store.index())), now);
    }

    static List<UserChange> changes(Plan plan) {
        return plan.users().stream().map(Plan.UserAction::change).toList();
    }

    PolicyApply.Result applyPlan(Plan plan, FakeDirectory directory, int batch) {
        return new PolicyApply(s2mtls.issuance(), store, Clock.systemUTC(), "test").apply(plan, directory, 2, batch, PolicyApply.Progress.NONE);
    }

    final Policy two = policy(user("reader", PolicyUser.Requirement.SUBJECT, "/O=Org/CN=reader", "SELECT ON appdb.*"),
            user("batch", PolicyUser.Requirement.X509, "/CN=batch", "SELECT, INSERT ON appdb.*"));

    @Test
    void fromEmptyEverythingIsMissingThenAppliedThenNothing() {
        FakeDirectory server = new FakeDirectory(true);
        Plan first = plan(two, server, Instant.now());
        assertEquals(List.of(CertificateReason.MISSING, CertificateReason.MISSING), first.certificates().stream().map(Plan.CertificateAction::reason).toList());
        assertEquals(List.of(UserChange.CREATE, UserChange.CREATE), first.users().stream().map(Plan.UserAction::change).toList());
        assertEquals(List.of("CREATE USER 'reader'@'%' REQUIRE SUBJECT '/O=Org/CN=reader'", "GRANT SELECT ON `appdb`.* TO 'reader'@'%'"),
                first.users().get(0).sql());
        PolicyApply.Result result = applyPlan(first, server, 100);
        assertEquals(2, result.issued());
        assertEquals(4, result.executed());
        assertTrue(plan(two, server, Instant.now()).isEmpty(), () -> plan(two, server, Instant.now()).toString());
        assertEquals(2, store.index().managedUsers().size());
        assertEquals(2, store.recentAudit(10_000).stream().filter(e -> e.action().equals("user.create")).count());
        assertEquals("reader", store.index().credential("reader").orElseThrow().name());
    }

    @Test
    void serverDriftIsComparedWithTheCertificateAndNamedServer() {
        FakeDirectory server = new FakeDirectory(true);
        applyPlan(plan(two, server, Instant.now()), server, 100);
        server.accounts.put(UserAccount.anyHost("reader"), new FakeDirectory.Account(TlsRequirement.subject("/O=Org/CN=readex"),
                new java.util.LinkedHashSet<>(List.of("SELECT ON `appdb`.*", "DELETE ON `appdb`.*"))));
        Plan drift = plan(two, server, Instant.now());
        assertEquals(List.of(UserChange.ALTER, UserChange.REVOKE), drift.users().stream().map(Plan.UserAction::change).toList());
        assertEquals(List.of(UserChange.REVOKE), drift.destructive().stream().map(Plan.UserAction::change).toList());
        assertEquals("server", drift.users().get(0).source().orElseThrow());
        assertTrue(drift.users().get(0).reason().contains("first differing byte at offset 15"), drift.users().get(0).reason());
        assertEquals(List.of("REVOKE DELETE ON `appdb`.* FROM 'reader'@'%'"), drift.users().get(1).sql());
        applyPlan(drift, server, 100);
        assertTrue(plan(two, server, Instant.now()).isEmpty());
    }

    @Test
    void withoutReadBackTheRecordIsTheSource() {
        FakeDirectory server = new FakeDirectory(false);
        applyPlan(plan(two, server, Instant.now()), server, 100);
        assertTrue(plan(two, server, Instant.now()).isEmpty());
        Policy changed = policy(user("reader", PolicyUser.Requirement.SUBJECT, "/O=Org/CN=reader2", "SELECT ON appdb.*"),
                user("batch", PolicyUser.Requirement.X509, "/CN=batch", "SELECT, INSERT ON appdb.*"));
        Plan plan = plan(changed, server, Instant.now());
        assertEquals(CertificateReason.SUBJECT_DIFFERS, plan.certificates().get(0).reason());
        assertEquals(UserChange.ALTER, plan.users().get(0).change());
        assertEquals("recorded", plan.users().get(0).source().orElseThrow());
        applyPlan(plan, server, 100);
        assertTrue(plan(changed, server, Instant.now()).isEmpty());
        assertEquals(CertificateStatus.SUPERSEDED, store.index().inventory().stream()
                .filter(e -> e.name().equals("reader") && e.subject().equals("/O=Org/CN=reader")).findFirst().orElseThrow().status());
    }

    @Test
    void expiringRevokedAndRemovedUsers() {
        FakeDirectory server = new FakeDirectory(true);
        applyPlan(plan(two, server, Instant.now()), server, 100);
        Plan later = plan(two, server, Instant.now().plus(Duration.ofDays(340)));
        assertEquals(List.of(CertificateReason.EXPIRING, CertificateReason.EXPIRING),
                later.certificates().stream().map(Plan.CertificateAction::reason).toList());
        s2mtls.lifecycle().revoke("batch", "left");
        Plan revoked = plan(two, server, Instant.now());
        assertEquals(List.of(CertificateReason.REVOKED), revoked.certificates().stream().map(Plan.CertificateAction::reason).toList());
        assertTrue(revoked.users().isEmpty());
        applyPlan(revoked, server, 100);

        Policy one = policy(two.users().get(0));
        Plan removed = plan(one, server, Instant.now());
        assertEquals(UserChange.DROP, removed.users().get(0).change());
        assertEquals(List.of("DROP USER IF EXISTS 'batch'@'%'"), removed.users().get(0).sql());
        applyPlan(removed, server, 100);
        assertFalse(server.accounts.containsKey(UserAccount.anyHost("batch")));
        assertTrue(plan(one, server, Instant.now()).isEmpty());
        assertFalse(store.index().managedUsers().containsKey("batch@%"));
    }

    @Test
    void anApplyCutShortIsFinishedByTheNextOneOnBothKindsOfServer() {
        for (boolean exposes : new boolean[] {true, false}) {
            InMemoryCredentialStore fresh = new InMemoryCredentialStore("policy-" + java.util.UUID.randomUUID());
            S2mtls core = S2mtls.builder(fresh).build();
            core.authority().create(DistinguishedName.parse("/O=policy tests/CN=CA"), KeySpec.EC_P256, 3650, false);
            FakeDirectory server = new FakeDirectory(exposes);
            Planner planner = new Planner(server::plannedSql);
            PolicyApply apply = new PolicyApply(core.issuance(), fresh, Clock.systemUTC(), "test");
            Policy many = policy(java.util.stream.IntStream.range(0, 10)
                    .mapToObj(i -> user("u" + i, i % 2 == 0 ? PolicyUser.Requirement.SUBJECT : PolicyUser.Requirement.X509, "/CN=u" + i, "SELECT ON db.*"))
                    .toArray(PolicyUser[]::new));
            server.failAfterCommands = 4;
            Plan first = planner.plan(many, fresh.index(), "fake", server.observe(Planner.accountsToInspect(many, fresh.index())), Instant.now());
            assertThrows(IllegalStateException.class, () -> apply.apply(first, server, 2, 2, PolicyApply.Progress.NONE));
            assertEquals(10, fresh.index().credentials().size(), "certificates are stored before any SQL");
            assertEquals(10, fresh.index().managedUsers().size(), "the accounts to create are recorded as the policy's before any SQL");
            assertTrue(fresh.index().managedUsers().values().stream().allMatch(m -> m.ownedBy("test")));
            server.failAfterCommands = Integer.MAX_VALUE;
            Plan second = planner.plan(many, fresh.index(), "fake", server.observe(Planner.accountsToInspect(many, fresh.index())), Instant.now());
            assertTrue(second.certificates().isEmpty());
            assertTrue(second.untouched().isEmpty(), "the accounts created before the kill are still the policy's: " + second.untouched());
            assertEquals(6, second.users().stream().filter(u -> u.change() == UserChange.CREATE).count(), second.users().toString());
            assertEquals(6, second.users().size(), second.users().toString());
            apply.apply(second, server, 2, 2, PolicyApply.Progress.NONE);
            assertTrue(planner.plan(many, fresh.index(), "fake", server.observe(Planner.accountsToInspect(many, fresh.index())), Instant.now()).isEmpty());
            assertEquals(10, fresh.index().managedUsers().size());
        }
    }

    @Test
    void grantLinesAsServersPrintThem() {
        assertEquals("SELECT, INSERT ON `appdb`.*", Planner.parseGrantLine("GRANT SELECT, INSERT ON `appdb`.* TO `batch_job`@`%`").orElseThrow().toString());
        assertEquals("USAGE ON *.*", Planner.parseGrantLine("GRANT USAGE ON *.* TO `a`@`%` REQUIRE SUBJECT '/CN=a TO b'").orElseThrow().toString());
        assertEquals("SELECT ON `odd TO name`.`t`", Planner.parseGrantLine("GRANT SELECT ON `odd TO name`.`t` TO 'x'@'%'").orElseThrow().toString());
        assertTrue(Planner.parseGrantLine("GRANT PROXY ON ''@'%' TO 'x'@'%'").isEmpty());
        assertEquals(List.of("INSERT, SELECT ON `db`.*", "SELECT ON *.*"), Planner.group(List.of(PrivilegeGrant.parse("INSERT ON db.*"),
                PrivilegeGrant.parse("SELECT ON *.*"), PrivilegeGrant.parse("SELECT ON db.*"))).stream().map(Object::toString).toList());
    }

    @Test
    void thePolicyValidatesItself() {
        assertThrows(RuntimeException.class, () -> policy(two.users().get(0), two.users().get(0)));
        assertThrows(RuntimeException.class, () -> user("x", PolicyUser.Requirement.SUBJECT, "/CN=a\\\\b"));
        assertThrows(RuntimeException.class, () -> new PolicyDefaults(KeySpec.EC_P256, 30, "%", Duration.ofDays(30), "/CN={name}"));
        for (String bad : new String[] {"", " lead", "trail ", "tab\there", "line\nbreak", "x".repeat(65), "zero\u200Bwidth", "nbsp\u00A0", "\u3000ideographic"}) {
            assertThrows(io.s2mtls.core.error.S2mtlsException.class, () -> named(bad), bad);
        }
        assertEquals("payments prod-1 (eu)", named("payments prod-1 (eu)").name());
        assertEquals("x".repeat(64), named("x".repeat(64)).name());
    }

    @Test
    void anAccountMadeByHandIsLeftAloneUntilAdoptedThenManaged() {
        FakeDirectory server = new FakeDirectory(true);
        UserAccount reader = UserAccount.anyHost("reader");
        server.accounts.put(reader, new FakeDirectory.Account(TlsRequirement.ssl(), new java.util.LinkedHashSet<>(List.of("DELETE ON `appdb`.*"))));
        Plan plan = plan(two, server, Instant.now());
        assertEquals(List.of(UserChange.CREATE), changes(plan), "only batch, which does not exist, is created");
        assertEquals(1, plan.certificates().size(), "no certificate for an account left alone");
        assertEquals(1, plan.untouched().size());
        Plan.Untouched untouched = plan.untouched().get(0);
        assertEquals(reader, untouched.account());
        assertEquals(Plan.UntouchedReason.EXISTS_NOT_MANAGED, untouched.kind());
        assertTrue(untouched.reason().startsWith("exists, not managed: not created by s2mtls"), untouched.reason());
        assertTrue(untouched.fix().contains("adopt: true"), untouched.fix());
        applyPlan(plan, server, 100);
        assertEquals(new FakeDirectory.Account(TlsRequirement.ssl(), java.util.Set.of("DELETE ON `appdb`.*")), server.accounts.get(reader),
                "neither altered nor revoked");
        assertTrue(plan(two, server, Instant.now()).isEmpty(), "nothing else to do: the hand-made account stays as it is");
        assertFalse(store.index().managedUsers().containsKey("reader@%"));

        Policy adopt = policy(adopting(two.users().get(0)), two.users().get(1));
        Plan adopted = plan(adopt, server, Instant.now());
        assertEquals(List.of(UserChange.ADOPT, UserChange.ALTER, UserChange.GRANT, UserChange.REVOKE), changes(adopted));
        assertTrue(adopted.untouched().isEmpty());
        applyPlan(adopted, server, 100);
        assertTrue(store.index().managedUsers().get("reader@%").ownedBy("test"));
        assertEquals(TlsRequirement.subject("/O=Org/CN=reader"), server.accounts.get(reader).requirement());
        assertTrue(plan(adopt, server, Instant.now()).isEmpty());
        assertTrue(plan(two, server, Instant.now()).isEmpty(), "once adopted it is the policy's, with or without 'adopt'");
        assertEquals(1, store.recentAudit(10_000).stream().filter(e -> e.action().equals("user.adopt")).count());

        Plan removed = plan(policy(two.users().get(1)), server, Instant.now());
        assertEquals(List.of(UserChange.DROP), changes(removed), "an adopted account is the policy's to drop");
    }

    @Test
    void twoPoliciesNeverDropOrAlterEachOthersAccounts() {
        FakeDirectory server = new FakeDirectory(true);
        PolicyUser reader = two.users().get(0);
        PolicyUser batch = two.users().get(1);
        applyPlan(plan(named("alpha", reader), server, Instant.now()), server, 100);
        applyPlan(plan(named("beta", batch), server, Instant.now()), server, 100);
        assertTrue(store.index().managedUsers().get("reader@%").ownedBy("alpha"));
        assertTrue(store.index().managedUsers().get("batch@%").ownedBy("beta"));

        // beta without its users drops its own, never alpha's; beta naming alpha's account leaves it alone
        PolicyUser readerChanged = user("reader", PolicyUser.Requirement.X509, "/CN=other", "INSERT ON other.*");
        Plan beta = plan(named("beta", readerChanged), server, Instant.now());
        assertEquals(List.of(UserChange.DROP), changes(beta));
        assertEquals(UserAccount.anyHost("batch"), beta.users().get(0).account());
        assertEquals(List.of(UserAccount.anyHost("reader")), beta.untouched().stream().map(Plan.Untouched::account).toList());
        assertTrue(beta.untouched().get(0).reason().contains("created by policy 'alpha'"), beta.untouched().get(0).reason());
        assertEquals(1, beta.destructive().size());
        applyPlan(beta, server, 100);
        assertEquals(TlsRequirement.subject("/O=Org/CN=reader"), server.accounts.get(UserAccount.anyHost("reader")).requirement());
        assertEquals(java.util.Set.of("SELECT ON `appdb`.*"), server.accounts.get(UserAccount.anyHost("reader")).grants());
        assertTrue(store.index().managedUsers().get("reader@%").ownedBy("alpha"), "beta did not take the record over");
        assertTrue(plan(named("alpha", reader), server, Instant.now()).isEmpty());
        assertTrue(plan(named("gamma"), server, Instant.now()).isEmpty(), "an empty policy of another name drops nothing");
    }

    @Test
    void accountsOfUserCreateAndOfOldRecordsAreOwnedByNoPolicy() {
        FakeDirectory server = new FakeDirectory(false);
        UserAccount made = UserAccount.anyHost("made");
        UserAccount old = UserAccount.anyHost("old");
        server.accounts.put(made, new FakeDirectory.Account(TlsRequirement.x509(), new java.util.LinkedHashSet<>()));
        server.accounts.put(old, new FakeDirectory.Account(TlsRequirement.x509(), new java.util.LinkedHashSet<>()));
        s2mtls.lifecycle().recordUserChange(io.s2mtls.core.usecase.LifecycleUseCase.UserEvent.CREATE, made, Optional.of(TlsRequirement.x509()),
                List.of(), Optional.empty(), "CREATE USER 'made'@'%' REQUIRE X509");
        // a record written before policies had names: no "policy" field
        io.s2mtls.core.pki.ManagedUser oldRecord = new io.s2mtls.core.pki.ManagedUser("old", "%", "X509", Optional.empty(), List.of(),
                Optional.of("old"), Instant.parse("2026-01-01T00:00:00Z"));
        store.commit(new io.s2mtls.core.port.StoreBatch(List.of(new io.s2mtls.core.port.StoreWrite.PutManagedUser("old@%", Optional.of(oldRecord), Optional.empty())), List.of()));
        assertEquals(Optional.empty(), store.index().managedUsers().get("made@%").policy());

        Plan empty = plan(policy(), server, Instant.now());
        assertTrue(empty.isEmpty(), "no apply drops them: " + empty);
        Plan naming = plan(policy(user("made", PolicyUser.Requirement.SUBJECT, "/CN=made"), user("old", PolicyUser.Requirement.SUBJECT, "/CN=old")),
                server, Instant.now());
        assertTrue(naming.isEmpty(), naming.toString());
        assertEquals(2, naming.untouched().size());
        assertTrue(naming.untouched().stream().allMatch(u -> u.reason().contains("made with 'user create'")), naming.untouched().toString());
        applyPlan(empty, server, 100);
        assertTrue(server.accounts.containsKey(made) && server.accounts.containsKey(old));
    }

    @Test
    void theAdminAccountIsNeverAlteredOrDropped() {
        FakeDirectory server = new FakeDirectory(true);
        UserAccount admin = new UserAccount("root", "localhost");
        server.admin = Optional.of(admin);
        server.accounts.put(admin, new FakeDirectory.Account(TlsRequirement.none(), new java.util.LinkedHashSet<>(List.of("ALL PRIVILEGES ON *.*"))));
        PolicyUser root = new PolicyUser(admin, PolicyUser.Requirement.X509, DistinguishedName.parse("/CN=root"),
                List.of(PrivilegeGrant.parse("SELECT ON appdb.*")), "root", true);
        Plan plan = plan(policy(root), server, Instant.now());
        assertTrue(plan.isEmpty(), plan.toString());
        assertEquals(List.of(Plan.UntouchedReason.ADMIN), plan.untouched().stream().map(Plan.Untouched::kind).toList());
        // even a record that says this policy created it does not make it droppable
        store.commit(new io.s2mtls.core.port.StoreBatch(List.of(new io.s2mtls.core.port.StoreWrite.PutManagedUser("root@localhost",
                Optional.of(Planner.record(root, Instant.now(), "test")), Optional.empty())), List.of()));
        Plan removed = plan(policy(), server, Instant.now());
        assertTrue(removed.isEmpty(), removed.toString());
        assertEquals(List.of(Plan.UntouchedReason.ADMIN), removed.untouched().stream().map(Plan.Untouched::kind).toList());
        // the admin's user name given on the command line counts too, whatever the host
        Plan byName = new Planner(server::plannedSql, Planner.admin(Optional.empty(), Optional.of("root")))
                .plan(policy(), store.index(), "fake", server.observe(Planner.accountsToInspect(policy(), store.index())), Instant.now());
        assertTrue(byName.isEmpty(), byName.toString());
        assertEquals(TlsRequirement.none(), server.accounts.get(admin).requirement());
    }

    @Test
    void anAbsurdParallelismIsRefusedBeforeAnythingIsDone() {
        FakeDirectory server = new FakeDirectory(true);
        Plan first = plan(two, server, Instant.now());
        for (int threads : new int[] {0, -1, 65, 100_000}) {
            io.s2mtls.core.error.S2mtlsException e = assertThrows(io.s2mtls.core.error.S2mtlsException.class, () ->
                    new PolicyApply(s2mtls.issuance(), store, Clock.systemUTC(), "test").apply(first, server, threads, 100, PolicyApply.Progress.NONE));
            assertTrue(e.getMessage().contains("use 1 to 64"), e.getMessage());
        }
        assertTrue(store.index().credentials().isEmpty());
        assertTrue(server.accounts.isEmpty());
    }
}
