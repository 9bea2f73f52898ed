package io.s2mtls.cli.policy;

import io.s2mtls.adapters.jdbc.CreateUsersBenchmark;
import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.cli.command.policy.PolicyFile;
import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.policy.Plan;
import io.s2mtls.core.policy.Policy;
import io.s2mtls.core.policy.PolicyApply;
import io.s2mtls.core.policy.PolicyUseCase;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.spi.S2mtlsPlugin;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.usecase.IssueCommand;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Not a test: plan/apply at scale through the core's {@link PolicyUseCase} (what the cli's plan and apply
 * call), against the private test database, with an in-memory store so that the figures are those of
 * planning, issuing and the SQL, not of a store format. For each N (argument: comma-separated, default
 * {@code 1000,10000}):
 * <ol>
 *   <li>bulk issuance alone: {@code issueAll} of N ec:p256 credentials into an empty store with a CA;</li>
 *   <li>the plain-JDBC floor: the same CREATE USER and GRANT statements, one by one on one driver connection;</li>
 *   <li>apply from empty (the policy file parsed first, untimed), then a no-op plan (the policy file parsed,
 *       timed), counting the statements the plan sent with the session's Questions counter;</li>
 * </ol>
 * with the peak heap of each phase (the sum of the heap pools' peaks after a GC and a reset).
 */
public final class PlanApplyScaleBenchmark {
    private PlanApplyScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String sizes = args.length > 0 ? args[0] : "1000,10000";
        TestDatabase db = TestDatabase.get();
        try {
            db.sql("CREATE DATABASE IF NOT EXISTS appdb");
            int threads = Runtime.getRuntime().availableProcessors();
            System.out.printf(Locale.ROOT, "threads %d, max heap %d MiB%n", threads, Runtime.getRuntime().maxMemory() >> 20);
            run(db, "warm", 200, threads);
            for (String size : sizes.split(",")) {
                run(db, "s" + size.trim(), Integer.parseInt(size.trim()), threads);
            }
        } finally {
            db.stop();
        }
    }

    static String policyText(String prefix, int users) {
        StringBuilder text = new StringBuilder(users * 80 + 200).append("name: scale\ndefaults:\n  key: ec:p256\n  days: 365\n  host: \"%\"\n")
                .append("  renew-within: 30d\n  subject: \"/O=ExampleOrg/OU=Bench/CN={name}\"\nusers:\n");
        for (int i = 0; i < users; i++) {
            text.append("  - name: ").append(prefix).append(i).append("\n    require: subject\n    grants: [\"SELECT ON appdb.*\"]\n");
        }
        return text.toString();
    }

    private static void run(TestDatabase db, String label, int users, int threads) throws Exception {
        String prefix = label + "_";
        PluginRegistry plugins = new PluginRegistry(ServiceLoader.load(S2mtlsPlugin.class));
        PluginContext context = PluginContext.of(Map.of(), Map.of(), () -> new char[0]);

        // 1. bulk issuance alone
        long issue;
        long issueHeap;
        {
            InMemoryCredentialStore store = new InMemoryCredentialStore("issue-" + label);
            S2mtls s2mtls = S2mtls.builder(store).build();
            s2mtls.authority().create(DistinguishedName.parse("/O=bench/CN=Issue CA"), KeySpec.EC_P256, 3650, false);
            List<IssueCommand> commands = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                commands.add(new IssueCommand(DistinguishedName.parse("/O=ExampleOrg/OU=Bench/CN=bi" + prefix + i), KeySpec.EC_P256, 365,
                        Optional.of("bi" + prefix + i), CertificateProfile.CLIENT, List.of(), false, true));
            }
            resetHeap();
            long start = System.nanoTime();
            s2mtls.issuance().issueAll(commands, threads, done -> { });
            issue = System.nanoTime() - start;
            issueHeap = peakHeap();
        }

        // 2. the plain-JDBC floor
        long floor;
        {
            PrivilegeGrant grant = PrivilegeGrant.parse("SELECT ON appdb.*");
            List<UserCommand> commands = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                commands.add(UserCommand.create(UserAccount.anyHost("bf" + prefix + i),
                        TlsRequirement.subject("/O=ExampleOrg/OU=Bench/CN=bf" + prefix + i), List.of(grant)));
            }
            List<String> sql;
            try (UserDirectory directory = plugins.directory("singlestore").open(db.adminTarget(), context)) {
                sql = directory.plannedSql(commands);
            }
            floor = CreateUsersBenchmark.floor(db, sql);
            CreateUsersBenchmark.drop(db, "bf" + prefix);
        }

        // 3. apply from empty, then a no-op plan
        InMemoryCredentialStore store = new InMemoryCredentialStore("apply-" + label);
        S2mtls s2mtls = S2mtls.builder(store).actor("bench").build();
        s2mtls.authority().create(DistinguishedName.parse("/O=bench/CN=Apply CA"), KeySpec.EC_P256, 3650, false);
        String text = policyText("ba" + prefix, users);
        long apply;
        long applyHeap;
        long plan;
        long planHeap;
        long parse;
        long queries;
        try (UserDirectory directory = plugins.directory("singlestore").open(db.adminTarget(), context)) {
            Policy policy = PolicyFile.parse(text, "policy.yaml");
            resetHeap();
            long start = System.nanoTime();
            PolicyUseCase.Applied applied = s2mtls.policy().apply(policy, directory, Optional.of(db.adminUser()),
                    new PolicyUseCase.ApplyOptions(threads, 500), p -> Optional.of(PolicyApply.Progress.NONE));
            apply = System.nanoTime() - start;
            applyHeap = peakHeap();
            if (applied.result().orElseThrow().issued() != users) {
                throw new IllegalStateException("apply issued " + applied.result().get().issued() + " of " + users);
            }
            policy = null;
            applied = null;
            long before = questions(db);
            resetHeap();
            start = System.nanoTime();
            Policy again = PolicyFile.parse(text, "policy.yaml");
            parse = System.nanoTime() - start;
            Plan noop = s2mtls.policy().plan(again, directory, Optional.of(db.adminUser()));
            plan = System.nanoTime() - start;
            planHeap = peakHeap();
            queries = questions(db) - before;
            if (!noop.isEmpty()) {
                throw new IllegalStateException("the second plan is not empty: " + noop.users().size() + " change(s), "
                        + noop.certificates().size() + " certificate(s)");
            }
        }
        CreateUsersBenchmark.drop(db, "ba" + prefix);
        System.out.printf(Locale.ROOT, "N=%d: apply %.0f ms (peak heap %d MiB); issueAll %.0f ms (peak heap %d MiB) + JDBC floor %.0f ms = %.0f ms"
                        + " -> apply/sum %.2fx; no-op plan %.0f ms (of which parse %.0f ms; %d statements on the server; peak heap %d MiB)%n",
                users, apply / 1e6, applyHeap >> 20, issue / 1e6, issueHeap >> 20, floor / 1e6, (issue + floor) / 1e6,
                (double) apply / (issue + floor), plan / 1e6, parse / 1e6, queries, planHeap >> 20);
    }

    /** Statements the server has received from every session (Questions, global), minus this query itself. */
    private static long questions(TestDatabase db) throws Exception {
        try (Connection connection = db.adminConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SHOW GLOBAL STATUS LIKE 'Questions'")) {
            row.next();
            return row.getLong(2);
        }
    }

    private static void resetHeap() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
