package io.s2mtls.cli.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.cli.Transcript;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database commands through real command lines against the private MariaDB server. The
 * store's CA (made with {@code ca create}) is added to the server's client CA bundle and loaded with
 * {@code FLUSH SSL}, as an operator would; the server's own certificate stays signed by the test
 * database's CA, which is therefore what {@code --ca} names.
 */
class DatabaseCommandsTest extends DatabaseCliSetup {
    static final String STORE_PASSWORD = "store password for the database tests";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Transcript transcript = new Transcript();

    DatabaseCommandsTest() {
        super(STORE_PASSWORD, "/O=s2mtls cli tests/CN=CLI Test CA");
    }

    /** Runs a command with --ca naming the CA of the server's certificate, and checks that no secret is printed. */
    Run run(String... args) {
        Run run = recorded(transcript, withServerCa(List.of("user", "connect").contains(args[0]), args));
        assertFalse(run.out().contains("PRIVATE KEY") || run.err().contains("PRIVATE KEY"), "key printed: " + run);
        return run;
    }

    /** Every command line of this class with its output, for the README (target/db-cli-transcript.txt). */
    @AfterAll
    void writeTranscript() throws IOException {
        transcript.write("db-cli-transcript.txt");
    }

    static JsonNode json(Run run) throws IOException {
        return JSON.readTree(ok(run).out());
    }

    ExternalTool.Result mariadbClient(String user, Path cert, Path key) {
        return db.client(List.of("--user=" + user, "--ssl-ca=" + db.caFile(), "--ssl-cert=" + cert, "--ssl-key=" + key,
                "--ssl-verify-server-cert", "-N", "-B", "-e", "SELECT CURRENT_USER()"));
    }

    @Test
    void fromCertUserLogsInWithConnectAndWithTheMariadbClient() throws IOException {
        ok(run("cert", "issue", "--subject", "/O=s2mtls cli tests/CN=app", "--key", "ec:p256", "--out-dir", "creds"));
        Run created = ok(run("user", "create", "app", "--from-cert", "creds/app-cert.pem", "--grant", "SELECT ON *.*"));
        assertEquals(List.of("CREATE USER 'app'@'%' REQUIRE SUBJECT '/O=s2mtls cli tests/CN=app';", "GRANT SELECT ON *.* TO 'app'@'%';"),
                created.out().lines().toList(), created.toString());
        assertTrue(created.err().contains("read back and checked"), created.err());

        Run connected = ok(run("connect", "--user", "app", "--credential", "app"));
        assertTrue(connected.out().contains("current user: app@%"), connected.out());
        assertTrue(connected.out().matches("(?s).*tls version:  TLSv1\\.[23].*"), connected.out());
        JsonNode report = json(run("connect", "--user", "app", "--credential", "app", "--output", "json"));
        assertEquals("app@%", report.get("currentUser").asText());
        assertTrue(report.get("tlsVersion").asText().startsWith("TLSv1."), report.toString());
        assertFalse(report.get("cipher").asText().isEmpty(), report.toString());

        // the PEM files the CLI wrote, with --cert/--key and with a client nobody here wrote
        ok(run("connect", "--user", "app", "--cert", "creds/app-cert.pem", "--key", "creds/app-key.pem"));
        ExternalTool.Result client = mariadbClient("app", dir.resolve("creds/app-cert.pem"), dir.resolve("creds/app-key.pem"));
        assertEquals(0, client.exitCode(), client.stderr());
        assertEquals("app@%", client.out().strip());
    }

    @Test
    void userChangesAreRecordedInTheAuditTrail() throws IOException {
        ok(run("cert", "issue", "--subject", "/O=s2mtls cli tests/CN=audited", "--key", "ec:p256", "--out-dir", "creds"));
        ok(run("user", "create", "audited", "--x509", "--grant", "SELECT ON *.*"));
        ok(run("user", "alter", "audited", "--from-cert", "creds/audited-cert.pem"));
        ok(run("user", "create", "audited_dry", "--x509", "--dry-run"));
        ok(run("user", "drop", "audited"));
        List<JsonNode> events = new ArrayList<>();
        for (String line : ok(run("audit")).out().strip().split("\n")) {
            JsonNode event = JSON.readTree(line);
            if (event.path("user").asText().contains("audited")) {
                events.add(event);
            }
        }
        assertEquals(List.of("user.create", "user.alter", "user.drop"), events.stream().map(e -> e.get("action").asText()).toList());
        assertEquals("'audited'@'%'", events.get(0).get("user").asText());
        assertEquals("/O=s2mtls cli tests/CN=audited", events.get(1).get("subject").asText());
        assertTrue(events.get(1).get("detail").asText().startsWith("ALTER USER 'audited'@'%' REQUIRE SUBJECT"), events.get(1).toString());
    }

    @Test
    void withoutAStoreTheChangeIsMadeAndSaidNotRecorded(@TempDir Path elsewhere) {
        CliRunner noStore = DatabaseFixture.cli(db, elsewhere, STORE_PASSWORD);
        Run created = noStore.run("user", "create", "unrecorded", "--x509", "--ca", db.caFile().toString());
        assertEquals(0, created.exit(), created.toString());
        assertTrue(created.err().contains("Not recorded in a store (the store pkcs12:./s2mtls.p12 does not exist"), created.err());
        assertFalse(Files.exists(elsewhere.resolve("s2mtls.p12")), "recording must not create a store");
        ok(noStore.run("user", "drop", "unrecorded", "--ca", db.caFile().toString()));
    }

    @Test
    void subjectsThatNeedEscapingRoundTrip() throws IOException {
        // '+' and '/' are escaped by OpenSSL, the quote by SQL, the backslashes of the escapes doubled in the literal
        String subject = "/O=s2mtls cli tests/OU=R&D \\/ it's/CN=Js3g\\+AF\\+";
        ok(run("cert", "issue", "--subject", subject, "--name", "tricky", "--out-dir", "creds"));
        String oneline = ok(run("subject", "creds/tricky-cert.pem")).out().strip();
        assertEquals("/O=s2mtls cli tests/OU=R&D \\/ it's/CN=Js3g\\+AF\\+", oneline);
        Run created = ok(run("user", "create", "tricky", "--from-cert", "creds/tricky-cert.pem"));
        assertEquals("CREATE USER 'tricky'@'%' REQUIRE SUBJECT '/O=s2mtls cli tests/OU=R&D \\\\/ it\\'s/CN=Js3g\\\\+AF\\\\+';",
                created.out().strip());
        assertEquals(oneline, json(run("user", "show", "tricky", "--output", "json")).get("requirement").get("subject").asText());
        assertTrue(ok(run("connect", "--user", "tricky", "--credential", "tricky")).out().contains("current user: tricky@%"));
        ExternalTool.Result client = mariadbClient("tricky", dir.resolve("creds/tricky-cert.pem"), dir.resolve("creds/tricky-key.pem"));
        assertEquals("tricky@%", client.out().strip(), client.stderr());

        // --subject in RFC 2253 form gives the same requirement
        Run dry = ok(run("user", "create", "tricky2", "--subject", "CN=Js3g\\+AF\\+,OU=R&D /  it's,O=s2mtls cli tests", "--dry-run"));
        assertTrue(dry.out().startsWith("CREATE USER 'tricky2'@'%' REQUIRE SUBJECT '/O=s2mtls cli tests/OU=R&D \\\\/ "), dry.out());
    }

    @Test
    void x509UserAndCertificatesThatMustBeRefused() throws IOException {
        ok(run("user", "create", "anycert", "--x509", "--grant", "SELECT ON s2mtls_test.*"));
        ok(run("cert", "issue", "--subject", "/CN=anycert holder", "--name", "anycert", "--key", "ec:p256"));
        assertTrue(ok(run("connect", "--user", "anycert", "--credential", "anycert")).out().contains("current user: anycert@%"));

        // a certificate from another CA: the server ends the handshake; exit 3 with how to tell the causes apart
        ok(run("--store", "pkcs12:other.p12", "ca", "create", "--subject", "/CN=Some Other CA", "--key", "ec:p256"));
        ok(run("--store", "pkcs12:other.p12", "cert", "issue", "--subject", "/CN=anycert holder", "--name", "intruder",
                "--key", "ec:p256", "--out-dir", "other"));
        Run denied = fails(3, run("connect", "--user", "anycert", "--cert", "other/intruder-cert.pem", "--key", "other/intruder-key.pem"));
        assertTrue(denied.err().contains("access denied for 'anycert'"), denied.err());
        assertTrue(denied.err().contains("s2mtls cert verify --ca") && denied.err().contains("s2mtls subject cert.pem"), denied.err());
        assertTrue(denied.err().contains(db.jdbcUrl().replace("jdbc:singlestore://", "").replace("/", "")), denied.err());

        // a chaining certificate with the wrong subject for a REQUIRE SUBJECT account: the same answer
        ok(run("cert", "issue", "--subject", "/O=s2mtls cli tests/CN=app2", "--name", "app2", "--key", "ec:p256"));
        ok(run("cert", "issue", "--subject", "/O=s2mtls cli tests/CN=app3", "--name", "app3", "--key", "ec:p256", "--out-dir", "creds"));
        ok(run("user", "create", "app3", "--from-cert", "creds/app3-cert.pem"));
        Run mismatch = fails(3, run("connect", "--user", "app3", "--credential", "app2"));
        assertTrue(mismatch.err().contains("access denied for 'app3'") && mismatch.err().contains("REQUIRE SUBJECT"), mismatch.err());
        assertTrue(mismatch.err().contains("subject '/O=s2mtls cli tests/CN=app2'") && mismatch.err().contains("s2mtls user show app3"),
                mismatch.err());
        assertTrue(denied.err().contains("issuer '/CN=Some Other CA'"), denied.err());

        // alter moves the account to the other certificate
        ok(run("user", "alter", "app3", "--subject", "/O=s2mtls cli tests/CN=app2"));
        assertTrue(ok(run("connect", "--user", "app3", "--credential", "app2")).out().contains("current user: app3@%"));
        fails(3, run("connect", "--user", "app3", "--cert", "creds/app3-cert.pem", "--key", "creds/app3-key.pem"));
    }

    @Test
    void dryRunPrintsExactlyWhatTheRealRunExecutesAndChangesNothing() throws IOException {
        String[] create = {"user", "create", "dry_user", "--subject", "CN=dry run,O=s2mtls cli tests", "--host", "10.0.%",
                "--grant", "SELECT, INSERT ON s2mtls_test.*", "--grant", "SELECT ON `s2mtls_test`.`t'1`"};
        db.sql("CREATE TABLE IF NOT EXISTS s2mtls_test.`t'1` (id INT)");
        JsonNode before = json(run("user", "list", "--output", "json"));
        Run dry = ok(run(concat(create, "--dry-run")));
        assertEquals(3, dry.out().lines().count(), dry.out());
        assertTrue(dry.err().contains("nothing was changed"), dry.err());
        assertEquals(before, json(run("user", "list", "--output", "json")), "the dry run created nothing");
        assertEquals(1, run("user", "show", "dry_user", "--host", "10.0.%").exit());

        Path log = db.directory().resolve("general.log");
        long offset = Files.exists(log) ? Files.size(log) : 0;
        db.sql("SET GLOBAL general_log = 1");
        Run real;
        try {
            real = ok(run(create));
        } finally {
            db.sql("SET GLOBAL general_log = 0");
        }
        assertEquals(dry.out(), real.out(), "the real run printed the statements it executed");
        byte[] all = Files.readAllBytes(log);
        String logged = new String(all, (int) offset, all.length - (int) offset, java.nio.charset.StandardCharsets.UTF_8);
        for (String statement : dry.out().lines().toList()) {
            String sql = statement.substring(0, statement.length() - 1);
            assertTrue(logged.contains("Query\t" + sql + "\n"), "the server's general log has " + sql + ":\n" + logged);
        }
        JsonNode after = json(run("user", "list", "--output", "json"));
        assertEquals(before.size() + 1, after.size());

        JsonNode dropDry = json(run("user", "drop", "dry_user", "--host", "10.0.%", "--dry-run", "--output", "json"));
        assertTrue(dropDry.get("dryRun").asBoolean());
        assertEquals("DROP USER 'dry_user'@'10.0.%'", dropDry.get("sql").get(0).asText());
        ok(run("user", "drop", "dry_user", "--host", "10.0.%"));
        ok(run("user", "drop", "dry_user", "--host", "10.0.%", "--if-exists"));
        assertEquals(before, json(run("user", "list", "--output", "json")));
    }

    private static String[] concat(String[] args, String... more) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(Arrays.asList(more));
        return all.toArray(String[]::new);
    }

    @Test
    void showAndListReadTheRequirementBack() throws IOException {
        ok(run("cert", "issue", "--subject", "/O=s2mtls cli tests/CN=reader", "--key", "ec:p256", "--out-dir", "creds"));
        ok(run("user", "create", "reader", "--from-cert", "creds/reader-cert.pem", "--grant", "SELECT ON s2mtls_test.*"));
        ok(run("user", "create", "reader_x509", "--x509"));
        JsonNode shown = json(run("user", "show", "reader", "--output", "json"));
        assertEquals("reader", shown.get("user").asText());
        assertEquals("%", shown.get("host").asText());
        assertEquals("SUBJECT", shown.get("requirement").get("require").asText());
        assertEquals("/O=s2mtls cli tests/CN=reader", shown.get("requirement").get("subject").asText());
        // the JSON text doubles the backslash of the escaped `_`
        assertTrue(shown.get("grants").toString().contains("GRANT SELECT ON `s2mtls\\\\_test`.* TO `reader`@`%`"), shown.toString());
        Run text = ok(run("user", "show", "reader"));
        assertTrue(text.out().contains("requirement: SUBJECT '/O=s2mtls cli tests/CN=reader'"), text.out());

        JsonNode list = json(run("user", "list", "--output", "json"));
        JsonNode reader = null;
        JsonNode x509 = null;
        for (JsonNode account : list) {
            if (account.get("user").asText().equals("reader")) {
                reader = account;
            } else if (account.get("user").asText().equals("reader_x509")) {
                x509 = account;
            }
        }
        assertEquals("/O=s2mtls cli tests/CN=reader", reader.get("requirement").get("subject").asText(), list.toString());
        assertEquals("X509", x509.get("requirement").get("require").asText(), list.toString());
        Run listed = ok(run("user", "list"));
        assertTrue(listed.out().contains("reader_x509"), listed.toString());
        Run nobody = run("user", "show", "nobody");
        assertEquals(1, nobody.exit(), nobody.toString());
        assertTrue(nobody.err().contains("No account 'nobody'@'%'"), nobody.err());
    }

    @Test
    void theDialectIsChosenFromTheServerOrForced() throws IOException {
        JsonNode detected = json(run("user", "create", "d1", "--ssl", "--dry-run", "--output", "json"));
        assertEquals("mariadb", detected.get("dialect").asText(), "MariaDB's version text wins over the shim's @@memsql_version");
        // the SingleStore statements, against the shim's @@memsql_version 8.5.0: SSL is fine, X509 and SUBJECT are gated
        JsonNode singleStore = json(run("user", "create", "d1", "--ssl", "--dry-run", "--dialect", "singlestore", "--output", "json"));
        assertEquals("singlestore", singleStore.get("dialect").asText());
        assertEquals("8.5.0", singleStore.get("serverVersion").asText());
        assertEquals("CREATE USER 'd1'@'%' REQUIRE SSL", singleStore.get("sql").get(0).asText());
        Run gated = fails(2, run("user", "create", "d1", "--x509", "--dry-run", "--dialect", "singlestore"));
        assertTrue(gated.err().contains("needs SingleStore 9.0.1 or later; this server is 8.5.0"), gated.err());
        fails(2, run("user", "create", "d1", "--subject", "/CN=d1", "--dry-run", "--dialect", "singlestore"));
        fails(2, run("user", "create", "d1", "--x509", "--dry-run", "--dialect", "oracle"));
        assertEquals(1, run("user", "show", "d1").exit(), "dry runs created nothing");
    }

    @Test
    void theAdminCanLogInWithAClientCertificate() throws IOException {
        ok(run("cert", "issue", "--subject", "/O=s2mtls cli tests/CN=cert admin", "--name", "certadmin", "--key", "ec:p256",
                "--out-dir", "admin"));
        ok(run("user", "create", "certadmin", "--from-cert", "admin/certadmin-cert.pem", "--grant", "ALL PRIVILEGES ON *.*",
                "--allow-admin-privileges"));
        CliRunner noPassword = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", STORE_PASSWORD).env("S2MTLS_JDBC_URL", db.jdbcUrl());
        Run listed = ok(noPassword.run("user", "list", "--admin-user", "certadmin", "--admin-cert", "admin/certadmin-cert.pem",
                "--admin-key", "admin/certadmin-key.pem", "--ca", db.caFile().toString()));
        assertTrue(listed.out().contains("SUBJECT '/O=s2mtls cli tests/CN=cert admin'"), listed.out());
        fails(2, noPassword.run("user", "list", "--admin-user", "certadmin", "--admin-cert", "admin/certadmin-cert.pem",
                "--ca", db.caFile().toString()));
    }

    @Test
    void unsafeSubjectsAreRefusedUnlessForced() throws IOException {
        ok(run("cert", "issue", "--subject", "/CN=back\\\\slash", "--name", "backslash", "--out-dir", "creds",
                "--allow-unsafe-subject", "--key", "ec:p256"));
        Run refused = fails(2, run("user", "create", "bs", "--from-cert", "creds/backslash-cert.pem"));
        assertTrue(refused.err().contains("backslash") && refused.err().contains("--allow-unsafe-subject"), refused.err());
        Run forced = ok(run("user", "create", "bs", "--from-cert", "creds/backslash-cert.pem", "--allow-unsafe-subject", "--dry-run"));
        assertTrue(forced.out().contains("REQUIRE SUBJECT '/CN=back\\\\slash'"), forced.out());
    }

    @Test
    void failuresHaveTheExitCodesOfCliMd() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort();
        }
        Run unreachable = fails(3, run("user", "list", "--jdbc-url", "jdbc:singlestore://127.0.0.1:" + closed + "/"));
        assertTrue(unreachable.err().contains("127.0.0.1:" + closed) && unreachable.err().contains("unreachable"), unreachable.err());
        ok(run("cert", "issue", "--subject", "/CN=lonely", "--name", "lonely", "--key", "ec:p256"));
        Run unreachableLogin = fails(3, run("connect", "--user", "lonely", "--credential", "lonely",
                "--jdbc-url", "jdbc:singlestore://127.0.0.1:" + closed + "/"));
        assertTrue(unreachableLogin.err().contains("127.0.0.1:" + closed), unreachableLogin.err());

        CliRunner wrongPassword = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", STORE_PASSWORD)
                .env("S2MTLS_JDBC_URL", db.jdbcUrl()).env("S2MTLS_ADMIN_PASSWORD", "not the admin password");
        Run denied = fails(3, wrongPassword.run("user", "list", "--admin-user", db.adminUser(), "--ca", db.caFile().toString()));
        assertTrue(denied.err().contains("access denied for '" + db.adminUser() + "'"), denied.err());
        assertFalse(denied.err().contains("not the admin password"), denied.err());

        Files.writeString(dir.resolve("admin-password"), adminPassword + "\n");
        CliRunner fromFile = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", STORE_PASSWORD).env("S2MTLS_JDBC_URL", db.jdbcUrl());
        ok(fromFile.run("user", "list", "--admin-user", db.adminUser(), "--admin-password-file", "admin-password",
                "--ca", db.caFile().toString()));
        Run noPassword = fails(2, fromFile.run("user", "list", "--admin-user", db.adminUser(), "--ca", db.caFile().toString()));
        assertTrue(noPassword.err().contains("S2MTLS_ADMIN_PASSWORD"), noPassword.err());

        // without --ca the server is verified against the store's CA, which did not sign this server's certificate
        Run storeCa = fails(3, cli.run("connect", "--user", "lonely", "--credential", "lonely"));
        assertTrue(storeCa.err().contains("TLS handshake failed") && storeCa.err().contains("--ca"), storeCa.err());
        Run noCa = fails(2, cli.run("--store", "pkcs12:no-ca.p12", "user", "list"));
        assertTrue(noCa.err().contains("holds no CA") || noCa.err().contains("pass --ca FILE"), noCa.err());

        fails(2, run("user", "list", "--jdbc-url", "not-a-jdbc-url"));
        fails(2, run("user", "list", "--jdbc-url", "jdbc:singlestore:127.0.0.1"));
        fails(2, run("user", "list", "--jdbc-url", "jdbc:postgresql://127.0.0.1:5432/"));
        fails(2, run("user", "list", "--ssl-mode", "trust"));
        fails(2, run("user", "create", "x", "--x509", "--ssl"));
        fails(2, run("user", "create", "x", "--x509", "--grant", "SELECT; DROP TABLE t ON *.*"));
        fails(2, run("connect", "--user", "app", "--credential", "no-such-credential"));
    }

    @Test
    void serverConfigPrintsTheLinesForTheExportedFiles() throws IOException {
        ok(run("cert", "issue", "--server", "--subject", "/CN=db1.example.com", "--san", "DNS:db1.example.com,IP:127.0.0.1",
                "--name", "db1", "--key", "ec:p256"));
        Run singleStore = ok(run("server-config", "--credential", "db1", "--dir", "server-ssl", "--write"));
        Path ssl = dir.resolve("server-ssl");
        String out = singleStore.out();
        for (String line : List.of("ssl_cert = \"" + ssl.resolve("db1-cert.pem") + "\"", "ssl_key = \"" + ssl.resolve("db1-key.pem") + "\"",
                "ssl_ca_for_client_cert = \"" + ssl.resolve("ca-cert.pem") + "\"",
                "sdb-admin update-config --key ssl_cert --value '" + ssl.resolve("db1-cert.pem") + "' --all",
                "sdb-admin update-config --key ssl_key --value '" + ssl.resolve("db1-key.pem") + "' --all",
                "sdb-admin update-config --key ssl_ca_for_client_cert --value '" + ssl.resolve("ca-cert.pem") + "' --all")) {
            assertTrue(out.lines().anyMatch(line::equals), "missing line " + line + " in\n" + out);
        }
        assertTrue(out.contains("SSL_RELOAD") && out.contains("restart"), out);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ssl.resolve("db1-key.pem"))));
        assertEquals(Files.readString(dir.resolve("store-ca.pem")), Files.readString(ssl.resolve("ca-cert.pem")));
        assertEquals("OK", ok(run("cert", "verify", "--server", "--ca", "server-ssl/ca-cert.pem", "server-ssl/db1-cert.pem"))
                .out().strip().replaceFirst("^.*: ", ""));
        fails(2, run("server-config", "--credential", "db1", "--dir", "server-ssl", "--write"));

        Run maria = ok(run("server-config", "--credential", "db1", "--flavor", "mariadb"));
        assertTrue(maria.out().contains("[mariadbd]\nssl_cert = \"/etc/mysql/ssl/db1-cert.pem\"\nssl_key = \"/etc/mysql/ssl/db1-key.pem\"\n"
                + "ssl_ca = \"/etc/mysql/ssl/ca-cert.pem\"\n"), maria.out());
        assertTrue(maria.out().contains("FLUSH SSL;"), maria.out());
        JsonNode mysql = json(run("server-config", "--credential", "db1", "--flavor", "mysql", "--output", "json"));
        assertEquals("[mysqld]", mysql.get("config").get(0).asText());
        assertEquals("/etc/mysql/ssl/db1-key.pem", mysql.get("files").get("key").asText());
        JsonNode defaults = json(run("server-config", "--credential", "db1", "--output", "json"));
        assertEquals("/etc/memsql/ssl/db1-cert.pem", defaults.get("files").get("certificate").asText());

        ok(run("cert", "issue", "--subject", "/CN=just a client", "--name", "client1", "--key", "ec:p256"));
        Run notServer = fails(2, run("server-config", "--credential", "client1"));
        assertTrue(notServer.err().contains("cert issue --server"), notServer.err());
    }

    @Test
    void helpForEveryDatabaseCommandHasExamples() {
        for (List<String> command : List.of(List.of("user"), List.of("user", "create"), List.of("user", "alter"), List.of("user", "drop"),
                List.of("user", "show"), List.of("user", "list"), List.of("connect"), List.of("server-config"))) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            Run help = ok(cli.run(args.toArray(String[]::new)));
            assertTrue(help.out().contains("Usage: s2mtls " + String.join(" ", command)), help.out());
            if (command.equals(List.of("user", "create"))) {
                assertTrue(help.out().contains("--host '10.0.%'"), help.out());
            }
            if (command.size() > 1 || !command.get(0).equals("user")) {
                assertTrue(help.out().contains("Examples:") || help.out().contains("Example:"), help.out());
            }
            assertFalse(help.out().contains("%n") || help.out().contains("%%"), "unformatted help text: " + help.out());
        }
    }
}
