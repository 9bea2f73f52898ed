package io.s2mtls.cli.rotation;

import io.s2mtls.adapters.jdbc.testing.TestAuthority;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness of the continuous-login rotation test, checked on its own against a private MariaDB server with two
 * CAs that know nothing of each other: the server reads its client CA file only on {@code FLUSH SSL} (a file
 * replaced on disk changes nothing until then), a user switches to new files by replacing its keystore, and the
 * fleet counts the failed logins when the server does not trust a user's files.
 */
class LoginFleetTest {
    @RegisterExtension
    static final PrivateServer server = new PrivateServer();

    @TempDir
    Path dir;

    @Test
    void theServerTrustsANewClientCaOnlyAfterFlushSslAndTheFleetCountsWhatFails() throws Exception {
        ServerCaFile serverCa = new ServerCaFile(server.db());
        TestAuthority caA = TestAuthority.create("CN=fleet CA A,O=s2mtls rotation tests");
        TestAuthority caB = TestAuthority.create("CN=fleet CA B,O=s2mtls rotation tests");
        serverCa.deploy(List.of(caA.certificate()));

        List<LoginFleet.Member> members = new ArrayList<>();
        List<TestAuthority.Issued> onB = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String user = "fleet_" + i;
            String subject = "CN=" + user + ",O=s2mtls rotation tests";
            server.db().sql("CREATE USER '" + user + "'@'%' REQUIRE X509");
            TestAuthority.Issued a = caA.issueClient(subject);
            onB.add(caB.issueClient(subject));
            LoginFleet.Member member = new LoginFleet.Member(user, dir.resolve(user + ".p12"), "pw-" + i);
            ClientKeystore.install(member.keystore(), user, a.privateKey(), List.of(a.certificate(), caA.certificate()),
                    member.keystorePassword());
            members.add(member);
        }
        for (LoginFleet.Member member : members) {
            assertLogsIn(member);
        }

        // A probe certificate from CA B: refused while the server trusts A only, also once the file names B ...
        server.db().sql("CREATE USER 'fleet_probe'@'%' REQUIRE X509");
        TestAuthority.Issued probe = caB.issueClient("CN=fleet_probe,O=s2mtls rotation tests");
        LoginFleet.Member probeMember = new LoginFleet.Member("fleet_probe", dir.resolve("fleet_probe.p12"), "probe-pw");
        ClientKeystore.install(probeMember.keystore(), "fleet_probe", probe.privateKey(), List.of(probe.certificate(), caB.certificate()),
                probeMember.keystorePassword());
        assertRefused(probeMember, "CA B is not in the server's client CA file");
        Path[] probePem = probe.write(dir, "fleet_probe");
        ExternalTool.Result independent = mariadbClient("fleet_probe", probePem);
        assertTrue(independent.exitCode() != 0, "the mariadb client logged in with a certificate from an untrusted CA: " + independent.out());

        serverCa.write(List.of(caA.certificate(), caB.certificate()));
        assertRefused(probeMember, "the file holds B, but the server has not read it again (no FLUSH SSL)");

        // ... and accepted right after FLUSH SSL, by the driver and by the mariadb client.
        serverCa.reload();
        assertLogsIn(probeMember);
        ExternalTool.Result afterReload = mariadbClient("fleet_probe", probePem);
        assertEquals(0, afterReload.exitCode(), afterReload.stderr());
        assertEquals("fleet_probe@%", afterReload.out().strip());

        // The fleet counts failures: users on B's files while the server trusts A only fail, until B is trusted again.
        serverCa.deploy(List.of(caA.certificate()));
        LoginFleet fleet = new LoginFleet(server.db().jdbcUrl(), server.db().authority().certificatePem(), members, Duration.ofMillis(250), 4);
        try (fleet) {
            fleet.phase("on A");
            fleet.start();
            fleet.dwell(Duration.ofSeconds(1));
            assertEquals(0, fleet.failedSoFar(), fleet.tally().toString());

            fleet.phase("switching to B");
            for (int i = 0; i < members.size(); i++) {
                LoginFleet.Member member = members.get(i);
                ClientKeystore.install(member.keystore(), member.user(), onB.get(i).privateKey(),
                        List.of(onB.get(i).certificate(), caB.certificate()), member.keystorePassword());
            }
            fleet.phase("on B, server trusts A");
            fleet.dwell(Duration.ofSeconds(1));

            fleet.phase("trusting B");
            serverCa.deploy(List.of(caA.certificate(), caB.certificate()));
            fleet.phase("on B, server trusts A and B");
            fleet.dwell(Duration.ofSeconds(1));
        }
        LoginFleet.Tally tally = fleet.tally();
        System.out.println("login fleet harness: " + tally);
        assertEquals(List.of("on A", "switching to B", "on B, server trusts A", "trusting B", "on B, server trusts A and B"),
                tally.phases().stream().map(LoginFleet.PhaseCount::phase).toList(), tally.toString());
        LoginFleet.PhaseCount untrusted = tally.phases().get(2);
        assertEquals(untrusted.logins(), untrusted.failed(), "every login on B's files fails while the server trusts A only: " + tally);
        assertTrue(untrusted.failed() >= members.size(), tally.toString());
        assertFalse(tally.firstFailures().isEmpty(), tally.toString());
        assertTrue(tally.firstFailures().stream().allMatch(LoginFleet.Failure::refusedByServer), "the server refused them: " + tally);
        assertEquals(0, tally.phases().get(0).failed(), tally.toString());
        assertEquals(0, tally.phases().get(4).failed(), "once the server trusts B, B's files log in: " + tally);
        assertEquals(members.size(), tally.phases().get(0).usersLoggedIn(), "every user logged in on A's files: " + tally);
        assertEquals(members.size(), tally.phases().get(4).usersLoggedIn(), "every user logged in on B's files once B is trusted: " + tally);
    }

    private static void assertLogsIn(LoginFleet.Member member) {
        LoginFleet.Outcome outcome = server.login(member.user(), member.keystore(), member.keystorePassword());
        assertTrue(outcome.loggedIn(), member.user() + " did not log in: " + outcome);
        assertEquals(member.user() + "@%", outcome.currentUser());
    }

    private static void assertRefused(LoginFleet.Member member, String why) {
        LoginFleet.Outcome outcome = server.login(member.user(), member.keystore(), member.keystorePassword());
        assertFalse(outcome.loggedIn(), member.user() + " logged in, but " + why);
        assertTrue(outcome.refusedByServer(), why + ": " + outcome);
    }

    /** The mariadb command-line client, a client nobody here wrote, verifying the server's certificate. */
    private ExternalTool.Result mariadbClient(String user, Path[] certAndKey) throws java.io.IOException {
        Path serverCa = dir.resolve("server-ca.pem");
        java.nio.file.Files.writeString(serverCa, server.db().authority().certificatePem());
        return server.db().client(List.of("--user=" + user, "--ssl-ca=" + serverCa, "--ssl-verify-server-cert",
                "--ssl-cert=" + certAndKey[0], "--ssl-key=" + certAndKey[1], "-N", "-B", "-e", "SELECT CURRENT_USER()"));
    }
}
