package io.s2mtls.cli.db;

import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The administrative connection against the private MariaDB: always verified TLS whatever the URL says,
 * never a secret echoed, never a change to the admin account itself, errors that say what to do, and
 * refusals found before the server is touched.
 */
class AdminConnectionSafetyTest extends DatabaseCliSetup {
    static final String STORE_PASSWORD = "store password for the admin safety tests";
    static final String SECRET = "Hunter2-url-secret";

    AdminConnectionSafetyTest() {
        super(STORE_PASSWORD, "/O=s2mtls safety tests/CN=Safety Test CA");
    }

    /** Runs with --ca naming the CA of the server's certificate; never prints the admin password or {@link #SECRET}. */
    Run run(CliRunner runner, String... args) {
        boolean database = List.of("user", "connect", "doctor").contains(args[0]) || args[0].equals("cert") && args[1].equals("revoke");
        List<String> all = withServerCa(database, args);
        Run run = runner.run(all.toArray(String[]::new));
        for (String secret : List.of(adminPassword, SECRET)) {
            assertFalse(run.out().contains(secret) || run.err().contains(secret), "secret printed: " + run);
        }
        return run;
    }

    Run run(String... args) {
        return run(cli, args);
    }

    long connections() {
        try (Connection connection = db.adminConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SHOW GLOBAL STATUS LIKE 'Connections'")) {
            row.next();
            return row.getLong(2);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    List<String> accountsNamed(String name) {
        List<String> found = new ArrayList<>();
        try (Connection connection = db.adminConnection();
             java.sql.PreparedStatement statement = connection.prepareStatement("SELECT CONCAT(User, '@', Host) FROM mysql.user WHERE TRIM(User) = TRIM(?)")) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void urlParametersThatChangeTlsTrustOrCredentialsAreRefusedBeforeAnyLogin() throws Exception {
        // today's hole: the URL's sslMode overrides verify-ca and the admin logs in over plain TCP
        for (String parameters : List.of("sslMode=disable", "SSLMODE=disable", "sslmode=trust", "trustServerCertificate=true",
                "useSsl=false", "useSSL=false", "disableSslHostnameVerification=true", "password=" + SECRET, "PASSWORD=" + SECRET,
                "user=root", "serverSslCert=/tmp/other-ca.pem", "trustStore=/tmp/t.jks", "trustStorePassword=" + SECRET,
                "keyStore=/tmp/k.p12", "keyStorePassword=" + SECRET, "keyPassword=" + SECRET,
                "clientCertificateKeyStoreUrl=file:/tmp/k.p12", "socketFactory=x.Y", "tlsSocketType=x",
                "enabledSslProtocolSuites=TLSv1", "enabledSslCipherSuites=TLS_RSA_WITH_NULL_SHA256", "credentialType=ENV",
                "allowPublicKeyRetrieval=true", "localSocket=/tmp/sock", "allowLocalInfile=true", "initSql=DROP%20USER%20x",
                "connectTimeout=5000&sslMode=disable", "%73slMode=disable", "ssl%4Dode=disable", "sslMode")) {
            long before = connections();
            Run refused = fails(2, run("user", "list", "--jdbc-url", db.jdbcUrl() + "?" + parameters));
            assertEquals(before + 1, connections(), "no login was attempted for ?" + parameters + " (only this check's own)");
            String name = parameters.replaceFirst("^connectTimeout=5000&", "").replaceFirst("=.*", "");
            assertTrue(refused.err().contains("--jdbc-url") && refused.err().contains("'" + name + "'"), refused.err());
        }
        Run hint = fails(2, run("user", "list", "--jdbc-url", db.jdbcUrl() + "?sslMode=disable"));
        assertTrue(hint.err().contains("--ssl-mode"), hint.err());
        Run passwordHint = fails(2, run("user", "list", "--jdbc-url", db.jdbcUrl() + "?password=" + SECRET));
        assertTrue(passwordHint.err().contains("--admin-password-file"), passwordHint.err());

        // the same through the environment, for connect, and with a listener that counts connection attempts
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            AtomicInteger accepted = new AtomicInteger();
            Thread acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try (Socket socket = listener.accept()) {
                        accepted.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String url = "jdbc:singlestore://127.0.0.1:" + listener.getLocalPort() + "/?sslMode=disable";
            fails(2, run(new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", STORE_PASSWORD).env("S2MTLS_JDBC_URL", url)
                    .env("S2MTLS_ADMIN_USER", db.adminUser()).env("S2MTLS_ADMIN_PASSWORD", adminPassword), "user", "list"));
            ok(run("cert", "issue", "--subject", "/CN=url tester", "--name", "urltester", "--key", "ec:p256"));
            fails(2, run("connect", "--user", "urltester", "--credential", "urltester", "--jdbc-url", url));
            Thread.sleep(200);
            assertEquals(0, accepted.get(), "no connection was opened");
        }

        // harmless parameters stay accepted
        assertTrue(ok(run("user", "list", "--jdbc-url", db.jdbcUrl() + "?connectTimeout=5000&socketTimeout=60000&tcpKeepAlive=true"))
                .out().contains(db.adminUser()));
        assertTrue(ok(run("user", "list", "--jdbc-url", db.jdbcUrl() + "s2mtls_test?CONNECTTIMEOUT=5000")).out().contains(db.adminUser()));
    }

    @Test
    void secretsInTheUrlAreNeverEchoed() {
        String[][] commands = {
                {"user", "list", "--jdbc-url", "jdbc:singlestore://127.0.0.1:" + db.port() + "/?password=" + SECRET},
                {"user", "list", "--verbose", "--jdbc-url", "jdbc:singlestore://127.0.0.1:" + db.port() + "/?password=" + SECRET},
                {"user", "create", "x", "--x509", "--dry-run", "--output", "json", "--jdbc-url",
                        "jdbc:singlestore://127.0.0.1:" + db.port() + "/?keyStorePassword=" + SECRET},
                {"user", "list", "--jdbc-url", "jdbc:singlestore://root:" + SECRET + "@127.0.0.1:" + db.port() + "/"},
                {"user", "list", "--jdbc-url", "jdbc:mysql//127.0.0.1/?password=" + SECRET},
                {"user", "list", "--jdbc-url", "jdbc:postgresql://127.0.0.1:5432/?password=" + SECRET},
        };
        for (String[] command : commands) {
            // --verbose adds the stack trace: one line is asked of the others only
            Run refused = List.of(command).contains("--verbose") ? run(command) : fails(2, run(command));
            assertEquals(2, refused.exit(), refused.toString());
            assertTrue(refused.err().contains("--jdbc-url"), refused.err());
        }
        // doctor names the server in its report: never with what the URL carries
        ok(run("cert", "issue", "--subject", "/CN=doctor url", "--name", "doctorurl", "--key", "ec:p256"));
        for (String url : List.of("jdbc:singlestore://127.0.0.1:" + db.port() + "?password=" + SECRET,
                "jdbc:singlestore://127.0.0.1:" + db.port() + "/?trustStorePassword=" + SECRET,
                "jdbc:singlestore://admin:" + SECRET + "@127.0.0.1:" + db.port() + "/")) {
            Run doctor = run("doctor", "--user", "doctorurl", "--credential", "doctorurl", "--jdbc-url", url);
            assertTrue(doctor.exit() != 0, doctor.toString());
        }
    }

    @Test
    void theAdminAccountIsNeverAlteredLockedOrDropped() throws IOException {
        // a second admin, so that the old code dropping it would not take the test server's admin with it
        String password = "second admin password";
        db.sql("DROP USER IF EXISTS 'admin2'@'127.0.0.1'", "CREATE USER 'admin2'@'127.0.0.1' IDENTIFIED BY '" + password + "'",
                "GRANT ALL PRIVILEGES ON *.* TO 'admin2'@'127.0.0.1' WITH GRANT OPTION");
        CliRunner admin2 = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", STORE_PASSWORD).env("S2MTLS_JDBC_URL", db.jdbcUrl())
                .env("S2MTLS_ADMIN_USER", "admin2").env("S2MTLS_ADMIN_PASSWORD", password);
        ok(run("cert", "issue", "--subject", "/CN=admin2 cert", "--name", "admin2cert", "--key", "ec:p256"));
        String definition = showCreateUser("admin2", "127.0.0.1");

        for (String[] command : new String[][] {
                {"user", "drop", "admin2", "--host", "127.0.0.1"},
                {"user", "drop", "admin2", "--host", "127.0.0.1", "--dry-run"},
                {"user", "drop", "admin2", "--host", "127.0.0.1", "--if-exists"},
                {"user", "alter", "admin2", "--host", "127.0.0.1", "--x509"},
                {"user", "alter", "admin2", "--host", "127.0.0.1", "--x509", "--dry-run"},
                {"user", "create", "admin2", "--host", "127.0.0.1", "--x509"},
                {"cert", "revoke", "admin2cert", "--lock-user", "admin2@127.0.0.1"},
                {"cert", "revoke", "admin2cert", "--drop-user", "'admin2'@'127.0.0.1'"}}) {
            Run refused = fails(2, run(admin2, command));
            assertTrue(refused.err().contains("admin"), refused.err());
        }
        assertEquals(definition, showCreateUser("admin2", "127.0.0.1"), "the admin account is unchanged");
        assertTrue(ok(run(admin2, "user", "list")).out().contains("admin2"), "the admin still logs in");
        // the refused revocations revoked nothing either
        assertFalse(ok(run("cert", "list")).out().contains("revoked"), run("cert", "list").out());
        db.sql("DROP USER 'admin2'@'127.0.0.1'");
    }

    private String showCreateUser(String user, String host) {
        try (Connection connection = db.adminConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SHOW CREATE USER '" + user + "'@'" + host + "'")) {
            row.next();
            return row.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A password login over verified TLS with the driver alone. */
    Connection login(String user, String password) throws SQLException {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("sslMode", "verify-ca");
        properties.setProperty("serverSslCert", db.authority().certificatePem());
        return new com.singlestore.jdbc.Driver().connect(db.jdbcUrl(), properties);
    }

    static boolean alive(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    static String currentUser(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("SELECT CURRENT_USER()")) {
            row.next();
            return row.getString(1);
        }
    }

    @Test
    void revokeEndsNoSessionOfAnotherAccountWhoseHostAlsoMatches(@TempDir Path elsewhere) throws Exception {
        CliRunner own = DatabaseFixture.cli(db, elsewhere, STORE_PASSWORD);
        ok(run(own, "ca", "create", "--subject", "/CN=Revoke Sessions CA", "--key", "ec:p256"));
        ok(run(own, "cert", "issue", "--subject", "/CN=rv_u", "--name", "rv_u", "--key", "ec:p256"));
        db.sql("DROP USER IF EXISTS 'rv_u'@'%'", "DROP USER IF EXISTS 'rv_u'@'127.0.0.1'",
                "CREATE USER 'rv_u'@'%' IDENTIFIED BY 'any host password'");
        try (Connection ofAny = login("rv_u", "any host password")) {
            db.sql("CREATE USER 'rv_u'@'127.0.0.1' IDENTIFIED BY 'local password'");
            try (Connection ofLocal = login("rv_u", "local password")) {
                assertEquals("rv_u@%", currentUser(ofAny));
                assertEquals("rv_u@127.0.0.1", currentUser(ofLocal));
                Run revoked = fails(3, run(own, "cert", "revoke", "rv_u", "--lock-user", "rv_u@127.0.0.1"));
                assertTrue(revoked.err().contains("locked 'rv_u'@'127.0.0.1'") && revoked.err().contains("left 2 session(s) open")
                        && revoked.err().contains("'rv_u'@'%'"), revoked.err());
                assertTrue(alive(ofAny), "the session of 'rv_u'@'%' was not killed");
                assertTrue(alive(ofLocal), "the server cannot say it is 'rv_u'@'127.0.0.1''s, so it was left and named");
                assertTrue(showCreateUser("rv_u", "127.0.0.1").contains("ACCOUNT LOCK"), showCreateUser("rv_u", "127.0.0.1"));
                assertFalse(showCreateUser("rv_u", "%").contains("ACCOUNT LOCK"), "the other account is not locked");
            }
        } finally {
            db.sql("DROP USER IF EXISTS 'rv_u'@'%'", "DROP USER IF EXISTS 'rv_u'@'127.0.0.1'");
        }
    }

    @Test
    void serverErrorsSayWhatIsWrongWithTheAccount() {
        ok(run("user", "create", "dup_acct", "--x509"));
        Run exists = fails(3, run("user", "create", "dup_acct", "--x509"));
        assertTrue(exists.err().contains("account 'dup_acct'@'%' already exists"), exists.err());
        assertFalse(exists.err().contains("certificate"), exists.err());
        ok(run("user", "drop", "dup_acct"));

        Run drop = fails(3, run("user", "drop", "no_such_acct", "--host", "10.1.%"));
        assertTrue(drop.err().contains("no such account 'no_such_acct'@'10.1.%'") && drop.err().contains("--if-exists"), drop.err());
        Run alter = fails(3, run("user", "alter", "no_such_acct", "--x509"));
        assertTrue(alter.err().contains("no such account 'no_such_acct'@'%'"), alter.err());

        // an admin without the privilege: said as such, not as an access problem of a certificate
        db.sql("DROP USER IF EXISTS 'weak_admin'@'127.0.0.1'", "CREATE USER 'weak_admin'@'127.0.0.1' IDENTIFIED BY 'weak password'");
        CliRunner weak = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", STORE_PASSWORD).env("S2MTLS_JDBC_URL", db.jdbcUrl())
                .env("S2MTLS_ADMIN_USER", "weak_admin").env("S2MTLS_ADMIN_PASSWORD", "weak password");
        Run denied = fails(3, run(weak, "user", "create", "weak_made", "--x509"));
        assertTrue(denied.err().contains("admin 'weak_admin'") && denied.err().contains("CREATE USER privilege"), denied.err());
        assertFalse(denied.err().contains("certificate"), denied.err());
        db.sql("DROP USER 'weak_admin'@'127.0.0.1'");

        // a wrong admin password is an admin credentials problem
        CliRunner wrong = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", STORE_PASSWORD).env("S2MTLS_JDBC_URL", db.jdbcUrl())
                .env("S2MTLS_ADMIN_USER", db.adminUser()).env("S2MTLS_ADMIN_PASSWORD", "not the admin password");
        Run wrongPassword = fails(3, run(wrong, "user", "list"));
        assertTrue(wrongPassword.err().contains("admin") && wrongPassword.err().contains("password")
                && wrongPassword.err().contains("S2MTLS_ADMIN_PASSWORD"), wrongPassword.err());
        assertFalse(wrongPassword.err().contains("certificate"), wrongPassword.err());

        // a failed connect says how to find out why
        ok(run("cert", "issue", "--subject", "/CN=nobody here", "--name", "nobody_here", "--key", "ec:p256"));
        Run connect = fails(3, run("connect", "--user", "nobody_here", "--credential", "nobody_here"));
        assertTrue(connect.err().contains("s2mtls doctor --user nobody_here --credential nobody_here")
                && connect.err().contains("--ca " + db.caFile()), connect.err());
    }

    @Test
    void refusedUserCommandsLeaveTheServerUnchanged() throws IOException {
        for (String name : List.of("trail_acct ", " lead_acct", "tab_acct\t")) {
            Run refused = fails(2, run("user", "create", name, "--x509"));
            assertTrue(refused.err().contains("space"), refused.err());
            assertEquals(List.of(), accountsNamed(name.strip()), "nothing created for '" + name + "'");
        }
        fails(2, run("user", "create", "host_acct", "--host", "10.0.% ", "--x509"));
        assertEquals(List.of(), accountsNamed("host_acct"));

        // a wrong store password: found before the server is touched, not after the account exists
        CliRunner wrongStore = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", "not the store password")
                .env("S2MTLS_JDBC_URL", db.jdbcUrl()).env("S2MTLS_ADMIN_USER", db.adminUser())
                .env("S2MTLS_ADMIN_PASSWORD", adminPassword);
        Run refused = run(wrongStore, "user", "create", "store_pw_acct", "--x509");
        assertEquals(2, refused.exit(), refused.toString());
        assertEquals(List.of(), accountsNamed("store_pw_acct"), "nothing created with a wrong store password");
        fails(2, run(wrongStore, "user", "drop", "store_pw_acct", "--if-exists"));
        // and with the right one it works, first time
        ok(run("user", "create", "store_pw_acct", "--x509"));
        ok(run("user", "drop", "store_pw_acct"));
    }

    @Test
    void serverConfigQuotesEveryValue() throws IOException {
        ok(run("cert", "issue", "--server", "--subject", "/CN=db9.example.com", "--san", "DNS:db9.example.com",
                "--name", "db9", "--key", "ec:p256"));
        String weird = "/srv/my ssl/it's \"q\" #1 \\new \\\\ $HOME `id`";
        // mariadb: the option file as the server's own parser reads it
        Run maria = ok(run("server-config", "--credential", "db9", "--flavor", "mariadb", "--dir", weird));
        List<String> lines = maria.out().lines().toList();
        int start = lines.indexOf("[mariadbd]");
        assertTrue(start >= 0, maria.out());
        Path cnf = dir.resolve("quoted.cnf");
        Files.write(cnf, lines.subList(start, start + 4));
        ExternalTool.Result parsed = ExternalTool.run(List.of(ExternalTool.require("my_print_defaults").toString(),
                "--defaults-file=" + cnf, "mariadbd"));
        assertEquals(0, parsed.exitCode(), parsed.stderr());
        assertEquals(List.of("--ssl_cert=" + weird + "/db9-cert.pem", "--ssl_key=" + weird + "/db9-key.pem",
                "--ssl_ca=" + weird + "/ca-cert.pem"), parsed.out().lines().toList(), maria.out());

        // singlestore: the option lines likewise, and the sdb-admin commands as a shell reads them
        Run single = ok(run("server-config", "--credential", "db9", "--dir", weird));
        List<String> singleLines = single.out().lines().toList();
        Path singleCnf = dir.resolve("quoted-memsql.cnf");
        List<String> options = new ArrayList<>(List.of("[memsqld]"));
        options.addAll(singleLines.stream().filter(l -> l.startsWith("ssl_")).toList());
        Files.write(singleCnf, options);
        ExternalTool.Result parsedSingle = ExternalTool.run(List.of(ExternalTool.require("my_print_defaults").toString(),
                "--defaults-file=" + singleCnf, "memsqld"));
        assertEquals(List.of("--ssl_cert=" + weird + "/db9-cert.pem", "--ssl_key=" + weird + "/db9-key.pem",
                "--ssl_ca_for_client_cert=" + weird + "/ca-cert.pem"), parsedSingle.out().lines().toList(), single.out());
        List<String> commands = singleLines.stream().filter(l -> l.startsWith("sdb-admin ")).toList();
        assertEquals(3, commands.size(), single.out());
        String script = "sdb-admin() { printf '%s\\n' \"$@\"; }\n" + String.join("\n", commands) + "\n";
        ExternalTool.Result shell = ExternalTool.run(List.of(ExternalTool.require("bash").toString(), "-c", script));
        assertEquals(0, shell.exitCode(), shell.stderr());
        List<String> words = shell.out().lines().toList();
        assertEquals(List.of("update-config", "--key", "ssl_cert", "--value", weird + "/db9-cert.pem", "--all"), words.subList(0, 6));
        assertEquals(weird + "/ca-cert.pem", words.get(16));
    }
}
