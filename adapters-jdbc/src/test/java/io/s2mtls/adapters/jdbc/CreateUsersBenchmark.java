package io.s2mtls.adapters.jdbc;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.core.testing.ExternalTool;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import io.s2mtls.core.port.UserDirectory;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: creates N users (default 1,000), each with REQUIRE SUBJECT and one GRANT, on the private
 * test server, three ways, and prints the per-user cost:
 * <ol>
 *   <li>through the adapter (one connection, batched, then verified against mysql.global_priv);</li>
 *   <li>the floor: the same statements, one by one, on one plain driver connection (no s2mtls code);</li>
 *   <li>a shell-script loop: the {@code mariadb} client once per user.</li>
 * </ol>
 * Arguments: [users] [client-loop users]. Each of the first two is measured five times, alternating; best and median printed
 * (the machine is shared; every sample is printed).
 */
public final class CreateUsersBenchmark {
    private static final int ROUNDS = 5;

    private CreateUsersBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int clientUsers = args.length > 1 ? Integer.parseInt(args[1]) : users;
        TestDatabase db = TestDatabase.get();
        try {
            run(db, users, clientUsers);
        } finally {
            db.stop();
        }
    }

    private static void run(TestDatabase db, int users, int clientUsers) throws Exception {
        PrivilegeGrant grant = PrivilegeGrant.parse("SELECT ON s2mtls_test.*");
        SingleStoreDirectoryProvider provider = new SingleStoreDirectoryProvider();

        // warm-up (JIT, server caches), not counted
        adapter(db, provider, commands("warm_a", 100, grant));
        floor(db, plan(db, provider, commands("warm_f", 100, grant)));
        drop(db, "warm_");

        long bestAdapter = Long.MAX_VALUE;
        long bestFloor = Long.MAX_VALUE;
        List<Long> adapters = new ArrayList<>();
        List<Long> floors = new ArrayList<>();
        List<String> samples = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            List<String> floorSql = plan(db, provider, commands("floor" + round + "_", users, grant));
            long floor = floor(db, floorSql);
            bestFloor = Math.min(bestFloor, floor);
            floors.add(floor);
            drop(db, "floor" + round + "_");
            long adapter = adapter(db, provider, commands("adapter" + round + "_", users, grant));
            bestAdapter = Math.min(bestAdapter, adapter);
            adapters.add(adapter);
            drop(db, "adapter" + round + "_");
            samples.add(String.format(Locale.ROOT, "round %d: floor %.0f ms, adapter %.0f ms", round, floor / 1e6, adapter / 1e6));
        }

        List<String> clientSql = plan(db, provider, commands("client_", clientUsers, grant));
        long clientStart = System.nanoTime();
        for (int i = 0; i < clientUsers; i++) {
            String sql = clientSql.get(i) + "; " + clientSql.get(clientUsers + i);
            ExternalTool.Result result = db.client(List.of("--user=" + db.adminUser(), "--password=" + new String(db.adminPassword()),
                    "--ssl-ca=" + db.caFile(), "--ssl-verify-server-cert", "-e", sql));
            if (result.exitCode() != 0) {
                throw new IllegalStateException("mariadb client failed: " + result.stderr());
            }
        }
        long client = System.nanoTime() - clientStart;
        drop(db, "client_");

        double adapterPerUser = bestAdapter / 1e6 / users;
        double floorPerUser = bestFloor / 1e6 / users;
        double clientPerUser = client / 1e6 / clientUsers;
        samples.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "users: %d (mariadb client loop: %d), each CREATE USER ... REQUIRE SUBJECT + 1 GRANT%n", users, clientUsers);
        System.out.printf(Locale.ROOT, "adapter (batched, verified):       %8.1f ms total, %.3f ms/user%n", bestAdapter / 1e6, adapterPerUser);
        System.out.printf(Locale.ROOT, "floor (plain JDBC, one by one):    %8.1f ms total, %.3f ms/user%n", bestFloor / 1e6, floorPerUser);
        System.out.printf(Locale.ROOT, "mariadb client once per user:      %8.1f ms total, %.3f ms/user%n", client / 1e6, clientPerUser);
        double adapterMedian = median(adapters) / 1e6 / users;
        double floorMedian = median(floors) / 1e6 / users;
        System.out.printf(Locale.ROOT, "medians: adapter %.3f ms/user, floor %.3f ms/user, adapter / floor = %.2fx%n",
                adapterMedian, floorMedian, adapterMedian / floorMedian);
        System.out.printf(Locale.ROOT, "best: adapter / floor = %.2fx (target <= 1.5x); client loop / floor = %.1fx; client loop / adapter = %.1fx%n",
                adapterPerUser / floorPerUser, clientPerUser / floorPerUser, clientPerUser / adapterPerUser);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static List<UserCommand> commands(String prefix, int n, PrivilegeGrant grant) {
        List<UserCommand> commands = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            commands.add(UserCommand.create(UserAccount.anyHost(prefix + i),
                    TlsRequirement.subject("/C=US/O=example/OU=bench\\+load/CN=" + prefix + i + " it's"), List.of(grant)));
        }
        return commands;
    }

    private static List<String> plan(TestDatabase db, SingleStoreDirectoryProvider provider, List<UserCommand> commands) {
        try (UserDirectory directory = provider.open(db.adminTarget(), LoginMatrixTest.Contexts.empty())) {
            return directory.plannedSql(commands);
        }
    }

    /** Connect, create, verify, close. */
    private static long adapter(TestDatabase db, SingleStoreDirectoryProvider provider, List<UserCommand> commands) {
        long start = System.nanoTime();
        try (UserDirectory directory = provider.open(db.adminTarget(), LoginMatrixTest.Contexts.empty())) {
            directory.execute(commands);
        }
        return System.nanoTime() - start;
    }

    /** The floor other benchmarks compare with: connect, run each statement one by one, close; nanoseconds. */
    public static long floor(TestDatabase db, List<String> statements) throws Exception {
        long start = System.nanoTime();
        try (Connection connection = db.adminConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
        return System.nanoTime() - start;
    }

    /** Drops every account whose name starts with {@code prefix}, in one batch. */
    public static void drop(TestDatabase db, String prefix) throws Exception {
        List<String> drops = new ArrayList<>();
        try (Connection connection = db.adminConnection(); Statement statement = connection.createStatement()) {
            try (var rows = statement.executeQuery("SELECT User, Host FROM mysql.global_priv WHERE User LIKE '" + prefix + "%'")) {
                while (rows.next()) {
                    drops.add("DROP USER '" + rows.getString(1) + "'@'" + rows.getString(2) + "'");
                }
            }
            for (String sql : drops) {
                statement.addBatch(sql);
            }
            if (!drops.isEmpty()) {
                statement.executeBatch();
            }
        }
    }
}
