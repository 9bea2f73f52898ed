package io.s2mtls.cli.embedding;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.policy.Plan;
import io.s2mtls.core.policy.Policy;
import io.s2mtls.core.policy.PolicyApply;
import io.s2mtls.core.policy.PolicyDefaults;
import io.s2mtls.core.policy.PolicyUseCase;
import io.s2mtls.core.policy.PolicyUser;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.spi.S2mtlsPlugin;
import io.s2mtls.core.spi.StoreLocation;
import io.s2mtls.core.usecase.IssueCommand;
import io.s2mtls.core.usecase.IssuedCertificate;
import io.s2mtls.core.usecase.RevocationUseCase;
import io.s2mtls.core.usecase.UsersUseCase;
import io.s2mtls.core.user.DatabaseTarget;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserPolicy;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example of docs/develop/embedding.md, compiled and run against the private MariaDB server; and a check
 * that the page still shows this very code.
 */
@ExtendWith(TestDatabaseExtension.class)
class EmbeddingExampleTest {
    @TempDir
    Path dir;

    @Test
    void theDocumentedExampleRuns() throws Exception {
        TestDatabase db = TestDatabase.get();
        String jdbcUrl = db.jdbcUrl();
        String adminUser = db.adminUser();
        char[] adminPassword = db.adminPassword();
        List<X509Certificate> serverCas = Pem.readCertificates(Files.readAllBytes(db.caFile()), db.caFile().toString());
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        // embedding-example:start
        PluginRegistry plugins = new PluginRegistry(ServiceLoader.load(S2mtlsPlugin.class));
        PluginContext context = PluginContext.of(Map.of(), Map.of(), () -> "a store password".toCharArray());
        StoreLocation location = StoreLocation.parse("pkcs12:" + dir.resolve("team.p12"));
        try (CredentialStore store = plugins.store(location.scheme()).open(location, context)) {
            S2mtls s2mtls = S2mtls.builder(store).clock(clock).actor("provisioning").build();
            s2mtls.authority().create(DistinguishedName.parse("/O=Example/CN=Example CA"), KeySpec.EC_P256, 3650, false);
            IssuedCertificate alice = s2mtls.issuance().issue(
                    IssueCommand.client(DistinguishedName.parse("/O=Example/CN=alice")).withKey(KeySpec.EC_P256));
            String subject = Certificates.subjectOf(alice.certificate()).oneline();
            // -> /O=Example/CN=alice

            // the database account that logs in with it, created on the server and recorded in the store
            DatabaseTarget admin = DatabaseTarget.withPassword(jdbcUrl, adminUser, adminPassword, serverCas);
            try (UserDirectory directory = plugins.directory("singlestore").open(admin, context)) {
                UsersUseCase.Change created = s2mtls.users().create(directory, new UserPolicy(UserAccount.anyHost("alice"),
                        TlsRequirement.subject(subject), List.of(PrivilegeGrant.parse("SELECT ON app.*"))));
                // created.sql() -> CREATE USER 'alice'@'%' REQUIRE SUBJECT '/O=Example/CN=alice', GRANT SELECT ON `app`.* TO 'alice'@'%'

                // later: revoke her certificates, lock every account the store records for them, end their sessions
                RevocationUseCase.Result revoked = s2mtls.revocation().revoke(
                        RevocationUseCase.Request.lockingRecordedAccounts(alice.name(), "left the team"), directory);
                // revoked.done() -> locked 'alice'@'%' (ALTER USER 'alice'@'%' ACCOUNT LOCK); no open sessions to kill
                // revoked.revocation().crlPem() -> the CA's new CRL, for servers that read one
            }

            // policy-from-java:start
            // a policy applied from Java, as 's2mtls apply' applies a policy file: bob gets a credential and an account
            Policy team = new Policy("team", PolicyDefaults.standard(), List.of(new PolicyUser(UserAccount.anyHost("bob"),
                    PolicyUser.Requirement.SUBJECT, DistinguishedName.parse("/O=Example/CN=bob"),
                    List.of(PrivilegeGrant.parse("SELECT ON app.*")), "bob")));
            PolicyUseCase.Applied applied;
            Plan again;
            try (UserDirectory directory = plugins.directory("singlestore").open(admin, context)) {
                applied = s2mtls.policy().apply(team, directory, Optional.of(adminUser),
                        PolicyUseCase.ApplyOptions.defaults(), plan -> Optional.of(PolicyApply.Progress.NONE));
                // applied.result() -> 1 certificate issued, its CREATE USER and GRANT run, 1 account recorded for policy 'team'
                again = s2mtls.policy().plan(team, directory, Optional.of(adminUser));
                // again.isEmpty() -> true: the server and the store match the policy
            }
            // policy-from-java:end
            // embedding-example:end
            assertEquals("/O=Example/CN=alice", subject);
            List<AuditEvent> trail = s2mtls.audit().all(Optional.empty());
            assertEquals(List.of("ca.create", "cert.issue", "user.create", "cert.revoke", "user.lock"),
                    trail.subList(0, 5).stream().map(AuditEvent::action).toList());
            assertEquals(1, applied.result().orElseThrow().issued(), applied.toString());
            assertEquals(1, applied.result().orElseThrow().recorded(), applied.toString());
            assertTrue(again.isEmpty(), "a second plan changes nothing: " + again);
            assertTrue(store.index().managedUsers().get("bob@%").ownedBy("team"), "bob is recorded for the policy");
            assertTrue(trail.stream().allMatch(e -> e.time().equals(now) && e.actor().equals("provisioning")),
                    "every event at the environment's clock, by its actor: " + trail);
            // what the comments of the example say: the statements run, as the audit trail records them
            assertEquals(Optional.of("CREATE USER 'alice'@'%' REQUIRE SUBJECT '/O=Example/CN=alice'; GRANT SELECT ON `app`.* TO 'alice'@'%'"),
                    trail.get(2).detail());
            assertEquals(Optional.of("cert revoke: ALTER USER 'alice'@'%' ACCOUNT LOCK; killed sessions []"), trail.get(4).detail());
            assertTrue(store.index().managedUsers().containsKey("alice@%"), "the account is recorded: " + store.index().managedUsers());
            assertEquals(CertificateStatus.REVOKED, store.index().currentEntry(alice.name()).orElseThrow().status());
            try (UserDirectory directory = plugins.directory("singlestore").open(DatabaseTarget.withPassword(jdbcUrl, adminUser,
                    adminPassword, serverCas), context)) {
                String definition = directory.show(UserAccount.anyHost("alice")).orElseThrow().definition().orElseThrow();
                assertTrue(definition.contains("REQUIRE SUBJECT '/O=Example/CN=alice'") && definition.contains("ACCOUNT LOCK"), definition);
                String bob = directory.show(UserAccount.anyHost("bob")).orElseThrow().definition().orElseThrow();
                assertTrue(bob.contains("REQUIRE SUBJECT '/O=Example/CN=bob'"), bob);
            }
        } finally {
            db.sql("DROP USER IF EXISTS 'alice'@'%'");
            db.sql("DROP USER IF EXISTS 'bob'@'%'");
        }
    }

    @Test
    void thePageShowsThisCode() throws Exception {
        List<String> source = between(Files.readAllLines(Path.of("src/test/java/io/s2mtls/cli/embedding/EmbeddingExampleTest.java")));
        List<String> page = between(Files.readAllLines(Path.of("../docs/develop/embedding.md"), StandardCharsets.UTF_8));
        assertEquals(source, page, "docs/develop/embedding.md's example differs from the code this test runs");
    }

    private static List<String> between(List<String> lines) {
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (start < 0 && line.equals("// embedding-example:start")) {
                start = i;
            } else if (start >= 0 && end < 0 && line.equals("// embedding-example:end")) {
                end = i;
            }
        }
        assertTrue(start >= 0 && end > start, "markers not found");
        return lines.subList(start + 1, end).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
