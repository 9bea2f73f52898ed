package io.s2mtls.cli.rotation;

import io.s2mtls.adapters.vault.testing.VaultDouble;
import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.RemoteSigner;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.spi.S2mtlsPlugin;
import io.s2mtls.core.spi.StoreLocation;
import io.s2mtls.core.testing.ExternalTool;
import io.s2mtls.core.usecase.AuthorityUseCase;
import io.s2mtls.core.usecase.IssueCommand;
import io.s2mtls.core.usecase.IssuedCertificate;
import io.s2mtls.core.usecase.LifecycleUseCase;
import io.s2mtls.core.usecase.RenewRequest;
import io.s2mtls.core.usecase.RotationStatus;
import io.s2mtls.core.usecase.RotationUseCase;
import io.s2mtls.core.user.DatabaseTarget;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import io.s2mtls.core.user.UserPolicy;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.Pem;
import io.s2mtls.core.x509.Pkcs12Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proof of a CA rotation without a failed login, on a private MariaDB server: 50 users, each created
 * {@code REQUIRE SUBJECT} by the users use case, log in continuously (each about every 0.8 s) with the SingleStore
 * JDBC driver on their current keystore files, while the rotation runs: begin, the bundle with both CAs deployed
 * to the server's client CA file and reloaded ({@code FLUSH SSL}), switch, every credential reissued under the new
 * CA (each user moves to its new files with one rename), finish, the bundle with the new CA only deployed and
 * reloaded. Not one login may fail; afterwards an old certificate is refused. Three ways to hold the CA: a root
 * CA with its key in a PKCS12 store, a root CA whose key stays in Vault Transit (the in-process double), and an
 * intermediate under a root that was exported and removed from the store (the rotation brings it back for begin).
 *
 * <p>Each run prints {@code rotation <variant>: N logins, 0 failed}, for the CI log.
 */
class ContinuousLoginRotationTest {
    private static final int USERS = 50;
    private static final Duration PERIOD = Duration.ofMillis(800);
    private static final Duration DWELL = Duration.ofSeconds(3);
    /** How long a phase may be stretched for every user to have its turn in it. */
    private static final Duration DWELL_LIMIT = Duration.ofSeconds(15);
    private static final int LOGIN_THREADS = 16;
    /** The phases the fleet dwells in: every user must log in during each. */
    private static final List<String> DWELLED = List.of("before", "begun, the server trusts both CAs", "switched", "reissued",
            "finished, the server trusts the new CA only");
    private static final PluginRegistry PLUGINS = new PluginRegistry(ServiceLoader.load(S2mtlsPlugin.class));
    @RegisterExtension
    static final PrivateServer server = new PrivateServer();

    @TempDir
    Path dir;

    @Test
    void aRootCaInAPkcs12StoreRotatesWithoutAFailedLogin() throws Exception {
        PluginContext context = PluginContext.of(Map.of(), Map.of(), () -> "rotation store password".toCharArray());
        try (CredentialStore store = PLUGINS.openStore(StoreLocation.parse("pkcs12:" + dir.resolve("rotation.p12")), context)) {
            S2mtls s2mtls = S2mtls.builder(store).actor("rotation-test").build();
            s2mtls.authority().create(DistinguishedName.parse("/O=s2mtls rotation/CN=Rotation Root CA"), KeySpec.EC_P256, 3650, false);
            rotateWhileLoggingIn("pkcs12", s2mtls, context, new RotationUseCase.BeginRequest(Optional.empty(), Optional.empty(),
                    Optional.empty(), OptionalInt.empty(), Optional.empty()));
        }
    }

    @Test
    void aCaKeyInVaultTransitRotatesWithoutAFailedLogin() throws Exception {
        try (VaultDouble vault = VaultDouble.http()) {
            PluginContext context = PluginContext.of(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", vault.rootToken()), Map.of(),
                    () -> {
                        throw new AssertionError("a Vault store needs no store password");
                    });
            Map<String, RemoteSigner> signers = new HashMap<>();
            Function<String, RemoteSigner> transit = reference -> signers.computeIfAbsent(reference, r -> {
                assertTrue(r.startsWith("vault-transit:"), r);
                return PluginRegistry.open(PLUGINS.signer("vault-transit"), r.substring("vault-transit:".length()), true, "ec:p256", context);
            });
            try (CredentialStore store = PLUGINS.openStore(StoreLocation.parse("vault:secret/s2mtls/rotation"), context)) {
                S2mtls s2mtls = S2mtls.builder(store).remoteSigners(transit).actor("rotation-test").build();
                s2mtls.authority().create(AuthorityUseCase.CreateRequest.remote(
                        DistinguishedName.parse("/O=s2mtls rotation/CN=Rotation Transit CA"), "vault-transit:rotation-ca-1", 3650, false));
                rotateWhileLoggingIn("vault-transit", s2mtls, context, new RotationUseCase.BeginRequest(Optional.empty(), Optional.empty(),
                        Optional.of("vault-transit:rotation-ca-2"), OptionalInt.empty(), Optional.empty()));
                assertEquals(Optional.of("vault-transit:rotation-ca-2"), store.authorities().orElseThrow().issuing().keyReference(),
                        "the new CA's key stays in Transit");
            }
        }
    }

    @Test
    void anIntermediateUnderAnOfflineRootRotatesWithoutAFailedLogin() throws Exception {
        PluginContext context = PluginContext.of(Map.of(), Map.of(), () -> "rotation store password".toCharArray());
        try (CredentialStore store = PLUGINS.openStore(StoreLocation.parse("pkcs12:" + dir.resolve("intermediate.p12")), context)) {
            S2mtls s2mtls = S2mtls.builder(store).actor("rotation-test").build();
            s2mtls.authority().createIntermediate(new AuthorityUseCase.IntermediateRequest(
                    DistinguishedName.parse("/O=s2mtls rotation/CN=Rotation Offline Root"), Optional.of(KeySpec.EC_P256), Optional.empty(), 3650,
                    DistinguishedName.parse("/O=s2mtls rotation/CN=Rotation Issuing CA"), Optional.of(KeySpec.EC_P256), Optional.empty(), 1825, false));
            CaMaterial root = s2mtls.authority().exportRoot();
            byte[] rootCertificate = Pem.certificate(root.certificate()).getBytes(StandardCharsets.US_ASCII);
            byte[] rootKey = Pem.privateKey(root.privateKey().orElseThrow()).getBytes(StandardCharsets.US_ASCII);
            s2mtls.authority().removeRoot(false);
            assertTrue(store.authorities().orElseThrow().root().isEmpty(), "the root's key left the store");
            LoginFleet.Outcome oldFiles = rotateWhileLoggingIn("offline-root", s2mtls, context, new RotationUseCase.BeginRequest(Optional.empty(),
                    Optional.empty(), Optional.empty(), OptionalInt.empty(), Optional.of(new AuthorityUseCase.PemFiles(rootCertificate,
                            "offline-root-cert.pem", rootKey, "offline-root-key.pem", Optional.empty()))));
            assertTrue(store.authorities().orElseThrow().root().isEmpty(), "the root's key is still not in the store");
            // s2mtls's client files hold the certificate alone (the servers' bundle holds the intermediates), so the old
            // files are refused after finish (checked in oldCertificateIsRefused). What the server does with a client
            // that kept the retired intermediate and presents it itself is the documented limit of retiring an
            // intermediate under a root the servers still trust (docs/guides/rotation.md): it chains to the root.
            System.out.println("rotation offline-root: the old certificate presented with the retired intermediate after finish: "
                    + (oldFiles.loggedIn() ? "logs in (documented limit: revoke or lock to cut it off)" : "refused " + oldFiles));
            assertTrue(oldFiles.loggedIn(), "the documented limit no longer holds (the server refuses a retired intermediate"
                    + " under a trusted root); update docs/guides/rotation.md: " + oldFiles);
        }
    }

    /** A user of the fleet with the credential it logs in with now and the one it had before the rotation. */
    private record User(LoginFleet.Member member, IssuedCertificate first) {
    }

    /**
     * Runs the rotation under the fleet and checks it; returns what the old files (certificate and the chain s2mtls
     * wrote with it) did after finish.
     */
    private LoginFleet.Outcome rotateWhileLoggingIn(String variant, S2mtls s2mtls, PluginContext context, RotationUseCase.BeginRequest begin)
            throws Exception {
        ServerCaFile serverCa = new ServerCaFile(server.db());
        Authorities before = s2mtls.authority().authorities();
        serverCa.deploy(before.trustBundle());

        List<User> users = createUsers(variant, s2mtls, context);
        projectKeystoreLogsIn(users.get(0).first(), users.get(0).member());

        LoginFleet fleet = new LoginFleet(server.db().jdbcUrl(), server.db().authority().certificatePem(),
                users.stream().map(User::member).toList(), PERIOD, LOGIN_THREADS);
        List<IssuedCertificate> renewed = new ArrayList<>();
        try (fleet) {
            fleet.phase("before");
            fleet.start();
            fleet.dwell(DWELL, DWELL_LIMIT);

            fleet.phase("begun, the server trusts the old CA");
            RotationStatus begun = s2mtls.rotation().begin(begin);
            assertEquals(RotationPhase.BEGUN, begun.phase());
            X509Certificate oldCa = begun.authorities().issuing().certificate();
            X509Certificate newCa = begun.authorities().next().orElseThrow().certificate();
            List<X509Certificate> both = begun.authorities().trustBundle();
            assertTrue(both.contains(oldCa) && both.contains(newCa), "the bundle of a begun rotation holds both CAs");
            RotationStatus.BundleState stale = bundleState(s2mtls, serverCa);
            assertFalse(stale.ready(), "status says the server's bundle from before begin lacks the next CA: " + stale);
            assertEquals(1, stale.missing().size(), stale.toString());
            serverCa.deploy(both);
            assertBundleReady(s2mtls, serverCa);
            fleet.phase("begun, the server trusts both CAs");
            fleet.dwell(DWELL, DWELL_LIMIT);

            RotationStatus switched = s2mtls.rotation().switchOver();
            fleet.phase("switched");
            assertEquals(newCa, switched.authorities().issuing().certificate(), "the new CA issues after the switch");
            assertEquals(USERS, switched.stillOnOld(), switched.toString());
            assertBundleReady(s2mtls, serverCa);
            fleet.dwell(DWELL, DWELL_LIMIT);

            fleet.phase("reissuing");
            List<LifecycleUseCase.Renewal> renewals = s2mtls.lifecycle().renew(RenewRequest.rotation(Optional.empty(), Optional.empty(), 2,
                    done -> { }), Optional.empty());
            assertEquals(USERS, renewals.size(), "every credential is reissued");
            Map<String, User> byName = users.stream().collect(Collectors.toMap(u -> u.member().user(), u -> u));
            for (LifecycleUseCase.Renewal renewal : renewals) {
                IssuedCertificate fresh = renewal.renewed();
                User user = byName.get(fresh.name());
                assertArrayEquals(user.first().certificate().getSubjectX500Principal().getEncoded(),
                        fresh.certificate().getSubjectX500Principal().getEncoded(), "renewal keeps the subject DER, so REQUIRE SUBJECT needs no change");
                assertEquals(newCa, fresh.caCertificate(), fresh.name() + " is signed by the new CA");
                ClientKeystore.install(user.member().keystore(), fresh.name(), fresh.privateKey().orElseThrow(),
                        presented(fresh), user.member().keystorePassword());
                renewed.add(fresh);
            }
            fleet.phase("reissued");
            assertEquals(0, s2mtls.rotation().status(List.of()).stillOnOld());
            fleet.dwell(DWELL, DWELL_LIMIT);

            RotationStatus finished = s2mtls.rotation().finish(false);
            fleet.phase("finished, the server trusts both CAs");
            assertEquals(RotationPhase.NONE, finished.phase());
            List<X509Certificate> newOnly = finished.authorities().trustBundle();
            assertFalse(newOnly.contains(oldCa), "the bundle after finish leaves the old CA out");
            assertTrue(newOnly.contains(newCa));
            serverCa.deploy(newOnly);
            assertBundleReady(s2mtls, serverCa);
            fleet.phase("finished, the server trusts the new CA only");
            fleet.dwell(DWELL, DWELL_LIMIT);
        }
        LoginFleet.Tally tally = fleet.tally();
        System.out.println("rotation " + variant + ": " + tally.logins() + " logins, " + tally.failed() + " failed");
        System.out.println("rotation " + variant + " details: " + tally);
        assertEquals(0, tally.failed(), "rotation " + variant + ": no login may fail: " + tally);
        assertTrue(tally.longestGap().compareTo(Duration.ofSeconds(5)) < 0, "no user went 5 s without a login (the schedule is one"
                + " login every " + PERIOD.toMillis() + " ms; a busy machine stretches it): " + tally);
        for (LoginFleet.PhaseCount phase : tally.phases()) {
            if (DWELLED.contains(phase.phase())) {
                assertEquals(USERS, phase.usersLoggedIn(), "every user logged in on its current files in phase '" + phase.phase() + "': " + tally);
            }
        }

        User someone = users.get(0);
        IssuedCertificate current = renewed.stream().filter(r -> r.name().equals(someone.member().user())).findFirst().orElseThrow();
        projectKeystoreLogsIn(current, someone.member());
        LoginFleet.Outcome oldFiles = oldCertificateIsRefused(someone);
        independentClientLogsIn(current);
        return oldFiles;
    }

    /**
     * 50 credentials (EC P-256) and their accounts, created {@code REQUIRE SUBJECT '<the certificate's subject as s2mtls
     * renders it>'} through the project's user directory in one batch (which reads every account back); each user's
     * keystore written.
     */
    private List<User> createUsers(String variant, S2mtls s2mtls, PluginContext context) {
        String prefix = "rot_" + variant.replaceAll("[^a-z0-9]", "") + "_";
        List<IssueCommand> commands = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            commands.add(IssueCommand.client(DistinguishedName.parse("/O=s2mtls rotation/OU=" + variant + "/CN=" + prefix + i))
                    .withKey(KeySpec.EC_P256));
        }
        List<IssuedCertificate> issued = s2mtls.issuance().issueAll(commands, 2, done -> { });
        List<UserCommand.CreateUser> accounts = new ArrayList<>();
        List<User> users = new ArrayList<>();
        SecureRandom random = new SecureRandom();
        for (IssuedCertificate credential : issued) {
            String subject = Certificates.subjectOf(credential.certificate()).oneline();
            accounts.add(new UserCommand.CreateUser(new UserPolicy(UserAccount.anyHost(credential.name()), TlsRequirement.subject(subject),
                    List.of()), false));
            byte[] password = new byte[12];
            random.nextBytes(password);
            LoginFleet.Member member = new LoginFleet.Member(credential.name(), dir.resolve("clients").resolve(credential.name() + ".p12"),
                    HexFormat.of().formatHex(password));
            ClientKeystore.install(member.keystore(), credential.name(), credential.privateKey().orElseThrow(), presented(credential),
                    member.keystorePassword());
            users.add(new User(member, credential));
        }
        DatabaseTarget admin = DatabaseTarget.withPassword(server.db().jdbcUrl(), server.db().adminUser(), server.db().adminPassword(),
                List.of(server.db().authority().certificate()));
        try (UserDirectory directory = PluginRegistry.open(PLUGINS.directory("singlestore"), admin, context)) {
            List<String> sql = directory.execute(accounts);
            assertEquals(USERS, sql.stream().filter(statement -> statement.startsWith("CREATE USER") && statement.contains(" REQUIRE SUBJECT '"))
                    .count(), "every account is created REQUIRE SUBJECT: " + sql.subList(0, 1));
        }
        return users;
    }

    /** What a client presents, as s2mtls writes NAME.p12 and NAME-cert.pem: the certificate alone (the servers' bundle holds any intermediate). */
    private static List<X509Certificate> presented(IssuedCertificate credential) {
        return List.of(credential.certificate());
    }

    /** The certificate followed by its intermediates, as a client that kept them on its own would present it. */
    private static List<X509Certificate> withIntermediates(IssuedCertificate credential) {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(credential.certificate());
        chain.addAll(credential.clientChain());
        return chain;
    }

    /** The status of the deployed bundle file says it holds what the phase needs, and nothing it must not. */
    private static void assertBundleReady(S2mtls s2mtls, ServerCaFile serverCa) throws java.io.IOException {
        RotationStatus.BundleState state = bundleState(s2mtls, serverCa);
        assertTrue(state.ready(), "the deployed bundle is what the phase needs: " + state);
    }

    /** What {@code rotation status} says of the server's client CA file as it is now. */
    private static RotationStatus.BundleState bundleState(S2mtls s2mtls, ServerCaFile serverCa) throws java.io.IOException {
        RotationStatus status = s2mtls.rotation().status(List.of(new RotationUseCase.BundleFile(Files.readAllBytes(serverCa.path()),
                serverCa.path().toString())));
        return status.bundles().get(0);
    }

    /** s2mtls's own NAME.p12 (full-strength KDF), the file an application is handed, logs in with the driver. */
    private void projectKeystoreLogsIn(IssuedCertificate credential, LoginFleet.Member member) throws java.io.IOException {
        Path file = Files.createDirectories(dir.resolve("project-files")).resolve(credential.name() + ".p12");
        ClientKeystore.write(file, Pkcs12Files.write(credential.name(), credential.privateKey().orElseThrow(), presented(credential),
                member.keystorePassword().toCharArray()));
        LoginFleet.Outcome outcome = server.login(member.user(), file, member.keystorePassword());
        assertTrue(outcome.loggedIn(), "s2mtls's own keystore of " + member.user() + " logs in: " + outcome);
        assertEquals(member.user() + "@%", outcome.currentUser());
    }

    /**
     * After finish, the user's certificate from before the rotation is refused by the server, presented as s2mtls
     * wrote its files (the certificate alone), through the driver and the mariadb client. For an intermediate,
     * returns what happened when the old certificate is presented with the retired intermediate.
     */
    private LoginFleet.Outcome oldCertificateIsRefused(User user) throws java.io.IOException {
        IssuedCertificate old = user.first();
        LoginFleet.Outcome alone = loginWith(user, "old-alone", List.of(old.certificate()));
        assertFalse(alone.loggedIn(), "the certificate from before the rotation still logs in after finish: " + alone);
        assertTrue(alone.refusedByServer(), "the server refuses it: " + alone);
        ExternalTool.Result client = mariadbClient(user.member().user(), old, List.of(old.certificate()), "old");
        assertNotEquals(0, client.exitCode(), "the mariadb client logged in with the old certificate: " + client.out());
        if (old.clientChain().isEmpty()) {
            return alone;
        }
        return loginWith(user, "old-with-intermediate", withIntermediates(old));
    }

    private LoginFleet.Outcome loginWith(User user, String label, List<X509Certificate> chain) {
        Path keystore = dir.resolve(label).resolve(user.member().user() + ".p12");
        ClientKeystore.install(keystore, user.member().user(), user.first().privateKey().orElseThrow(), chain, user.member().keystorePassword());
        return server.login(user.member().user(), keystore, user.member().keystorePassword());
    }

    /** The mariadb command-line client logs in with the new credential (PEM files as s2mtls writes them). */
    private void independentClientLogsIn(IssuedCertificate credential) throws java.io.IOException {
        ExternalTool.Result client = mariadbClient(credential.name(), credential, presented(credential), "new");
        assertEquals(0, client.exitCode(), client.stderr());
        assertEquals(credential.name() + "@%", client.out().strip());
    }

    private ExternalTool.Result mariadbClient(String user, IssuedCertificate credential, List<X509Certificate> chain, String label)
            throws java.io.IOException {
        Path files = Files.createDirectories(dir.resolve("pem-" + label));
        Path serverCa = files.resolve("server-ca.pem");
        Files.writeString(serverCa, server.db().authority().certificatePem());
        Path cert = files.resolve(user + "-cert.pem");
        Files.writeString(cert, chain.stream().map(Pem::certificate).collect(Collectors.joining()));
        Path key = files.resolve(user + "-key.pem");
        Files.writeString(key, Pem.privateKey(credential.privateKey().orElseThrow()));
        return server.db().client(List.of("--user=" + user, "--ssl-ca=" + serverCa, "--ssl-verify-server-cert", "--ssl-cert=" + cert,
                "--ssl-key=" + key, "-N", "-B", "-e", "SELECT CURRENT_USER()"));
    }
}
