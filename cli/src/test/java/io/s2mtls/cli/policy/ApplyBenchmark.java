package io.s2mtls.cli.policy;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.cli.CliRunner;
import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.spi.S2mtlsPlugin;
import io.s2mtls.core.spi.StoreLocation;
import io.s2mtls.core.usecase.IssueCommand;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import io.s2mtls.core.port.UserDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Not a test: {@code apply} of an N-user policy (default 1,000; ec:p256, REQUIRE SUBJECT, one grant each)
 * against the private test database from empty, beside the sum of its parts done by hand in the same run:
 * bulk issuance ({@code issueAll} into a PKCS12 store, one atomic write) plus the plain-JDBC floor (the
 * same CREATE USER and GRANT statements, one by one, on one driver connection). Then a no-op {@code plan}
 * of the same policy. Arguments: [users] [rounds]. Every sample is printed; best and median summarised.
 */
public final class ApplyBenchmark {
    static final String PASSWORD = "benchmark store password";

    private ApplyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        TestDatabase db = TestDatabase.get();
        try {
            run(db, users, rounds);
        } finally {
            db.stop();
        }
    }

    public static String subject(String prefix, int i) {
        return "/O=ExampleOrg/OU=Bench/CN=" + prefix + i;
    }

    public static String policy(String prefix, int users) {
        StringBuilder text = new StringBuilder("name: bench\ndefaults:\n  key: ec:p256\n  days: 365\n  host: \"%\"\n  renew-within: 30d\n"
                + "  subject: \"/O=ExampleOrg/OU=Bench/CN={name}\"\nusers:\n");
        for (int i = 0; i < users; i++) {
            text.append("  - name: ").append(prefix).append(i).append("\n    require: subject\n    grants: [\"SELECT ON appdb.*\"]\n");
        }
        return text.toString();
    }

    private static void run(TestDatabase db, int users, int rounds) throws Exception {
        Path root = Files.createTempDirectory("s2mtls-apply-bench");
        int threads = Runtime.getRuntime().availableProcessors();
        PluginRegistry plugins = new PluginRegistry(ServiceLoader.load(S2mtlsPlugin.class));
        PluginContext context = PluginContext.of(Map.of(), Map.of(), PASSWORD::toCharArray);

        // warm-up (JIT, server caches), not counted
        apply(db, root.resolve("warm"), "warm_", 100);
        issuance(plugins, context, root.resolve("warm-issue.p12"), "warmi_", 100, threads);
        floor(db, "warmf_", 100);
        drop(db, "warm");

        List<Long> applies = new ArrayList<>();
        List<Long> sums = new ArrayList<>();
        List<Long> plans = new ArrayList<>();
        List<String> samples = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            long issue = issuance(plugins, context, root.resolve("issue" + round + ".p12"), "bi" + round + "_", users, threads);
            long floor = floor(db, "bf" + round + "_", users);
            drop(db, "bf" + round + "_");
            long[] applied = apply(db, root.resolve("apply" + round), "ba" + round + "_", users);
            drop(db, "ba" + round + "_");
            applies.add(applied[0]);
            plans.add(applied[1]);
            sums.add(issue + floor);
            samples.add(String.format(Locale.ROOT, "round %d: apply %.0f ms; parts: issueAll %.0f ms + JDBC floor %.0f ms = %.0f ms"
                    + " -> %.2fx; no-op plan %.0f ms", round, applied[0] / 1e6, issue / 1e6, floor / 1e6, (issue + floor) / 1e6,
                    (double) applied[0] / (issue + floor), applied[1] / 1e6));
            System.out.println(samples.get(samples.size() - 1));
        }
        System.out.printf(Locale.ROOT, "users: %d (ec:p256, REQUIRE SUBJECT, 1 GRANT), %d threads, %d rounds%n", users, threads, rounds);
        System.out.printf(Locale.ROOT, "median: apply %.0f ms, sum of parts %.0f ms, apply / sum = %.2fx (target <= 1.3x); no-op plan %.0f ms (target < 5000 ms)%n",
                median(applies) / 1e6, median(sums) / 1e6, (double) median(applies) / median(sums), median(plans) / 1e6);
        double best = Double.MAX_VALUE;
        for (int i = 0; i < rounds; i++) {
            best = Math.min(best, (double) applies.get(i) / sums.get(i));
        }
        System.out.printf(Locale.ROOT, "best round: apply / sum = %.2fx%n", best);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** Time of {@code apply} from empty (store with a CA, no users) and of the no-op plan after it. */
    private static long[] apply(TestDatabase db, Path dir, String prefix, int users) throws Exception {
        Files.createDirectories(dir);
        CliRunner cli = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", PASSWORD).env("S2MTLS_JDBC_URL", db.jdbcUrl())
                .env("S2MTLS_ADMIN_USER", db.adminUser()).env("S2MTLS_ADMIN_PASSWORD", new String(db.adminPassword()));
        check(cli.run("ca", "create", "--subject", "/O=bench/CN=Apply CA", "--key", "ec:p256"), 0);
        Files.writeString(dir.resolve("policy.yaml"), policy(prefix, users));
        long start = System.nanoTime();
        check(cli.run("apply", "-f", "policy.yaml", "--yes", "--ca", db.caFile().toString()), 0);
        long apply = System.nanoTime() - start;
        start = System.nanoTime();
        check(cli.run("plan", "-f", "policy.yaml", "--ca", db.caFile().toString()), 0);
        long plan = System.nanoTime() - start;
        return new long[] {apply, plan};
    }

    private static void check(CliRunner.Run run, int exit) {
        if (run.exit() != exit) {
            throw new IllegalStateException("expected exit " + exit + ": " + run);
        }
    }

    /** issueAll of the same credentials into a PKCS12 store with an ec:p256 CA (the CA is made untimed). */
    private static long issuance(PluginRegistry plugins, PluginContext context, Path file, String prefix, int users, int threads) {
        StoreLocation location = StoreLocation.parse("pkcs12:" + file);
        try (CredentialStore store = plugins.store(location.scheme()).open(location, context)) {
            S2mtls s2mtls = S2mtls.builder(store).build();
            s2mtls.authority().create(DistinguishedName.parse("/O=bench/CN=Issue CA"), KeySpec.EC_P256, 3650, false);
            List<IssueCommand> commands = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                commands.add(new IssueCommand(DistinguishedName.parse(subject(prefix, i)), KeySpec.EC_P256, 365, Optional.of(prefix + i),
                        CertificateProfile.CLIENT, List.of(), false, true));
            }
            long start = System.nanoTime();
            s2mtls.issuance().issueAll(commands, threads, done -> { });
            return System.nanoTime() - start;
        }
    }

    /** The plain-JDBC floor: connect, the same statements one by one, close. The SQL is generated untimed. */
    private static long floor(TestDatabase db, String prefix, int users) throws Exception {
        PrivilegeGrant grant = PrivilegeGrant.parse("SELECT ON appdb.*");
        List<UserCommand> commands = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            commands.add(UserCommand.create(UserAccount.anyHost(prefix + i), TlsRequirement.subject(subject(prefix, i)), List.of(grant)));
        }
        List<String> sql;
        PluginRegistry plugins = new PluginRegistry(ServiceLoader.load(S2mtlsPlugin.class));
        try (UserDirectory directory = plugins.directory("singlestore").open(db.adminTarget(), PluginContext.of(Map.of(), Map.of(), () -> new char[0]))) {
            sql = directory.plannedSql(commands);
        }
        return io.s2mtls.adapters.jdbc.CreateUsersBenchmark.floor(db, sql);
    }

    private static void drop(TestDatabase db, String prefix) throws Exception {
        io.s2mtls.adapters.jdbc.CreateUsersBenchmark.drop(db, prefix);
    }
}
