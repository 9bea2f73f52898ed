package io.s2mtls.adapters.jdbc.testing;

import io.s2mtls.core.testing.ExternalTool;
import io.s2mtls.core.user.DatabaseTarget;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A private MariaDB server for one test run (one JVM), standing in for SingleStore as
 * the project needs: its own datadir under {@code target/}, a free
 * port on 127.0.0.1, its own socket and pid file, TLS with a CA and server certificate made here, the
 * {@code singlestore_shim} plugin (compiled from {@code src/test/c}) providing {@code @@aggregator_id}
 * and {@code @@memsql_version}, anonymous accounts removed. Never touches the machine's own server.
 *
 * <p>Start it with {@link #get()} (or {@code @ExtendWith(TestDatabaseExtension.class)}); it stops, by
 * its own pid, when the JUnit run ends or the JVM exits, whichever comes first. When mariadbd, gcc or the
 * server headers are missing, tests are skipped on a developer machine and fail under {@code CI=true}
 * ({@code src/test/resources/install-test-deps.sh} installs them).
 *
 * <p>Other modules: depend on {@code s2mtls-adapters-jdbc} with {@code <type>test-jar</type>} and call
 * {@link #get()}.
 */
public final class TestDatabase {
    public static final String SHIM_SOURCE = "singlestore_shim.c";
    private static final Path HEADER = Path.of("/usr/include/mariadb/server/mysql/plugin.h");
    private static final Path SERVER_PLUGINS = Path.of("/usr/lib/mysql/plugin");
    private static TestDatabase running;

    private final Path dir;
    private final int port;
    private final TestAuthority authority;
    private final String adminUser = "s2admin";
    private final String adminPassword;
    private final Process process;
    private final long pid;
    private final Thread shutdownHook;
    private boolean stopped;

    private TestDatabase(Path dir, int port, TestAuthority authority, String adminPassword, Process process, long pid) {
        this.dir = dir;
        this.port = port;
        this.authority = authority;
        this.adminPassword = adminPassword;
        this.process = process;
        this.pid = pid;
        this.shutdownHook = new Thread(this::stop, "stop-test-mariadb-" + pid);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The server of this run, started on first use. Skips or fails (CI=true) when dependencies are missing. */
    public static synchronized TestDatabase get() {
        if (running == null || running.stopped) {
            running = start();
        }
        return running;
    }

    /**
     * A server of its own, apart from the one {@link #get()} shares: for a test that rewrites the server's client CA
     * file ({@link #caFile()}) and so must not disturb other tests. The caller stops it ({@link #stop()}); the JVM
     * shutdown hook is the second line. Skips or fails (CI=true) as {@link #get()} does.
     */
    public static TestDatabase startPrivate() {
        return start();
    }

    public int port() {
        return port;
    }

    public Path directory() {
        return dir;
    }

    /** The CA that signed the server certificate and that the server trusts for client certificates. */
    public TestAuthority authority() {
        return authority;
    }

    public Path caFile() {
        return dir.resolve("ca-cert.pem");
    }

    public String jdbcUrl() {
        return "jdbc:singlestore://127.0.0.1:" + port + "/";
    }

    public String adminUser() {
        return adminUser;
    }

    public char[] adminPassword() {
        return adminPassword.toCharArray();
    }

    /** The administrative login over TLS (verify-ca against {@link #authority()}). */
    public DatabaseTarget adminTarget() {
        return DatabaseTarget.withPassword(jdbcUrl(), adminUser, adminPassword(), List.of(authority.certificate()));
    }

    /** A login as {@code user} with {@code credential}, verify-ca against {@link #authority()}. */
    public DatabaseTarget userTarget(String user, TestAuthority.Issued credential) {
        return DatabaseTarget.withCertificate(jdbcUrl(), user,
                new DatabaseTarget.ClientCertificate(credential.certificate(), credential.privateKey()),
                List.of(authority.certificate()));
    }

    /**
     * A plain driver connection as the admin, without any s2mtls code: TLS verified with the driver's own
     * {@code serverSslCert} option.
     */
    public Connection adminConnection() {
        Properties properties = new Properties();
        properties.setProperty("user", adminUser);
        properties.setProperty("password", adminPassword);
        properties.setProperty("sslMode", "verify-ca");
        properties.setProperty("serverSslCert", authority.certificatePem());
        try {
            return new com.singlestore.jdbc.Driver().connect(jdbcUrl(), properties);
        } catch (SQLException e) {
            throw new IllegalStateException("admin connection to the test database failed: " + e.getMessage(), e);
        }
    }

    /** Runs statements as the admin on a fresh plain connection. */
    public void sql(String... statements) {
        try (Connection connection = adminConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The {@code mariadb} command-line client against this server, with {@code args} after the connection flags. */
    public ExternalTool.Result client(List<String> args) {
        List<String> command = new ArrayList<>(List.of(ExternalTool.require("mariadb").toString(), "--no-defaults",
                "--host=127.0.0.1", "--port=" + port, "--protocol=TCP"));
        command.addAll(args);
        return ExternalTool.run(command);
    }

    /** Stops the server by its own pid (SIGTERM, then SIGKILL after 30 s) and deletes its datadir. Idempotent. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: we are the hook
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        handle.ifPresent(ProcessHandle::destroy);
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                handle.ifPresent(ProcessHandle::destroyForcibly);
                process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(dir.resolve("data"));
    }

    private static TestDatabase start() {
        Path mariadbd = program("mariadbd", "/usr/sbin", "/usr/local/sbin");
        Path installDb = program("mariadb-install-db", "/usr/bin", "/usr/local/bin");
        Path gcc = program("gcc", "/usr/bin");
        program("mariadb", "/usr/bin");
        if (!Files.isRegularFile(HEADER)) {
            ExternalTool.missing(HEADER + " (Debian package libmariadbd-dev)");
        }
        if (!Files.isDirectory(SERVER_PLUGINS)) {
            ExternalTool.missing(SERVER_PLUGINS + " (the server's plugin directory, package mariadb-server)");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            String id = ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(randomBytes(3));
            Path dir = Path.of("target", "test-db-" + id).toAbsolutePath();
            if (dir.resolve("sock").toString().length() > 100) {
                dir = Files.createTempDirectory("s2mtls-test-db-");
            }
            Path plugins = Files.createDirectories(dir.resolve("plugin"));
            try (Stream<Path> files = Files.list(SERVER_PLUGINS)) {
                for (Path plugin : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(plugin, plugins.resolve(plugin.getFileName()));
                }
            }
            compileShim(gcc, plugins.resolve("singlestore_shim.so"), dir);

            TestAuthority authority = TestAuthority.create("CN=s2mtls test CA " + id + ",O=s2mtls tests");
            Files.writeString(dir.resolve("ca-cert.pem"), authority.certificatePem());
            authority.issueServer("CN=127.0.0.1,O=s2mtls tests").write(dir, "server");

            List<String> install = new ArrayList<>(List.of(installDb.toString(), "--no-defaults",
                    "--datadir=" + dir.resolve("data"), "--auth-root-authentication-method=normal", "--skip-test-db"));
            if (root) {
                install.add("--user=root");
            }
            ExternalTool.run(install, null, Map.of(), dir).requireSuccess(install);

            int port = freePort();
            List<String> server = new ArrayList<>(List.of(mariadbd.toString(), "--no-defaults",
                    "--datadir=" + dir.resolve("data"), "--port=" + port, "--bind-address=127.0.0.1",
                    "--socket=" + dir.resolve("sock"), "--pid-file=" + dir.resolve("pid"),
                    "--log-error=" + dir.resolve("error.log"), "--skip-name-resolve",
                    "--ssl-ca=" + dir.resolve("ca-cert.pem"), "--ssl-cert=" + dir.resolve("server-cert.pem"),
                    "--ssl-key=" + dir.resolve("server-key.pem"), "--plugin-dir=" + plugins,
                    "--plugin-load-add=singlestore_shim.so", "--innodb-buffer-pool-size=64M",
                    "--max-connections=500", "--general-log=0", "--general-log-file=" + dir.resolve("general.log")));
            if (root) {
                server.add("--user=root");
            }
            Process process = new ProcessBuilder(server).directory(dir.toFile())
                    .redirectOutput(dir.resolve("mariadbd.out").toFile()).redirectErrorStream(true).start();
            long pid = process.pid();
            String password = HexFormat.of().formatHex(randomBytes(12));
            TestDatabase database = new TestDatabase(dir, port, authority, password, process, pid);
            try {
                database.bootstrap();
            } catch (RuntimeException | Error e) {
                database.stop();
                throw e;
            }
            return database;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void compileShim(Path gcc, Path output, Path dir) throws IOException {
        Path source = locateShimSource();
        List<String> command = List.of(gcc.toString(), "-shared", "-fPIC", "-DMYSQL_DYNAMIC_PLUGIN",
                "-I/usr/include/mariadb/server", "-I/usr/include/mariadb/server/private",
                "-o", output.toString(), source.toString());
        ExternalTool.run(command, null, Map.of(), dir).requireSuccess(command);
    }

    /** The C source: from this module's src/test/c, or from the test-jar's resources when used by another module. */
    private static Path locateShimSource() throws IOException {
        for (Path candidate : List.of(Path.of("src/test/c", SHIM_SOURCE), Path.of("../adapters-jdbc/src/test/c", SHIM_SOURCE))) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        try (var in = TestDatabase.class.getResourceAsStream("/" + SHIM_SOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SHIM_SOURCE + " not found in src/test/c nor on the test class path");
            }
            Path copy = Files.createTempFile("singlestore_shim", ".c");
            Files.write(copy, in.readAllBytes());
            copy.toFile().deleteOnExit();
            return copy;
        }
    }

    /** Waits for the server, then removes anonymous accounts and creates the admin login (through the socket as root). */
    private void bootstrap() {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        Path socket = dir.resolve("sock");
        String sql = "DELETE FROM mysql.global_priv WHERE User = ''; FLUSH PRIVILEGES;"
                + " CREATE USER '" + adminUser + "'@'127.0.0.1' IDENTIFIED BY '" + adminPassword + "';"
                + " GRANT ALL PRIVILEGES ON *.* TO '" + adminUser + "'@'127.0.0.1' WITH GRANT OPTION;"
                + " CREATE DATABASE s2mtls_test;";
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the test mariadbd exited with " + process.exitValue() + "; see "
                        + dir.resolve("error.log") + ": " + tail(dir.resolve("error.log")));
            }
            if (Files.exists(socket)) {
                List<String> command = List.of(ExternalTool.require("mariadb").toString(), "--no-defaults",
                        "--socket=" + socket, "--user=root", "-e", sql);
                ExternalTool.Result result = ExternalTool.run(command);
                if (result.exitCode() == 0) {
                    return;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("bootstrapping the test mariadbd failed: " + result.stderr());
                }
            } else if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the test mariadbd did not open its socket in 60 s: " + tail(dir.resolve("error.log")));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static Path program(String name, String... extraDirectories) {
        for (String extra : extraDirectories) {
            Path candidate = Path.of(extra, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return ExternalTool.require(name);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // leave it for mvn clean
        }
    }
}
