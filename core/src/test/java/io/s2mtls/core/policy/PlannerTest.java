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
        return new Policy(PolicyDefaults.standard(), List.of(users));
    }

    Plan plan(Policy policy, FakeDirectory directory, Instant now) {
        return new Planner(directory::plannedSql).plan(policy, store.read(), "fake",
                directory.observe(Planner.accountsToInspect(policy, store.read())), now);
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
        assertEquals(2, result.issued().size());
        assertEquals(4, result.executedSql().size());
        assertTrue(plan(two, server, Instant.now()).isEmpty(), () -> plan(two, server, Instant.now()).toString());
        assertEquals(2, store.read().managedUsers().size());
        assertEquals(2, store.read().audit().stream().filter(e -> e.action().equals("user.create")).count());
        assertEquals("reader", store.read().credential("reader").orElseThrow().name());
    }

    @Test
    void serverDriftIsComparedWithTheCertificateAndNamedServer() {
        FakeDirectory server = new FakeDirectory(true);
        applyPlan(plan(two, server, Instant.now()), server, 100);
        server.accounts.put(UserAccount.anyHost("reader"), new FakeDirectory.Account(TlsRequirement.subject("/O=Org/CN=readex"),
                new java.util.LinkedHashSet<>(List.of("SELECT ON `appdb`.*", "DELETE ON `appdb`.*"))));
        Plan drift = plan(two, server, Instant.now());
        assertEquals(List.of(UserChange.ALTER, UserChange.REVOKE), drift.users().stream().map(Plan.UserAction::change).toList());
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
        assertEquals(CertificateStatus.SUPERSEDED, store.read().inventory().stream()
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
        assertFalse(store.read().managedUsers().containsKey("batch@%"));
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
            Plan first = planner.plan(many, fresh.read(), "fake", server.observe(Planner.accountsToInspect(many, fresh.read())), Instant.now());
            assertThrows(IllegalStateException.class, () -> apply.apply(first, server, 2, 2, PolicyApply.Progress.NONE));
            assertEquals(10, fresh.read().credentials().size(), "certificates are stored before any SQL");
            assertTrue(fresh.read().managedUsers().isEmpty());
            server.failAfterCommands = Integer.MAX_VALUE;
            Plan second = planner.plan(many, fresh.read(), "fake", server.observe(Planner.accountsToInspect(many, fresh.read())), Instant.now());
            assertTrue(second.certificates().isEmpty());
            UserChange forCreated = exposes ? UserChange.RECORD : UserChange.ALTER;
            assertEquals(4, second.users().stream().filter(u -> u.change() == forCreated).count(), second.users().toString());
            assertEquals(6, second.users().stream().filter(u -> u.change() == UserChange.CREATE).count(), second.users().toString());
            apply.apply(second, server, 2, 2, PolicyApply.Progress.NONE);
            assertTrue(planner.plan(many, fresh.read(), "fake", server.observe(Planner.accountsToInspect(many, fresh.read())), Instant.now()).isEmpty());
            assertEquals(10, fresh.read().managedUsers().size());
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
    }
}
