package io.s2mtls.adapters.jdbc;

import io.s2mtls.adapters.jdbc.testing.TestAuthority;
import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.user.DatabaseTarget;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.user.UserPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile names, hosts and subjects are stored exactly (proven by reading mysql.global_priv with bound
 * parameters and by SHOW CREATE USER) or refused, and nothing else happens on the server; the dry run
 * equals what runs (proven by the server's general log); NO_BACKSLASH_ESCAPES changes the quoting but
 * not what is stored; the MariaDB subject length limit is enforced at the measured boundary.
 */
@ExtendWith(TestDatabaseExtension.class)
class InjectionAndReadBackTest {
    private static TestDatabase db;
    private static UserDirectory directory;

    @BeforeAll
    static void open() {
        db = TestDatabase.get();
        db.sql("CREATE TABLE IF NOT EXISTS s2mtls_test.canary (id INT PRIMARY KEY)", "REPLACE INTO s2mtls_test.canary VALUES (42)");
        directory = new SingleStoreDirectoryProvider().open(db.adminTarget(), LoginMatrixTest.Contexts.empty());
    }

    @AfterAll
    static void close() {
        directory.close();
    }

    static final List<String> HOSTILE_NAMES = List.of("inj'quote", "inj\\back", "inj;semi", "inj--dash", "inj\nnewline",
            "inj'); DROP TABLE s2mtls_test.canary; --", "inj\\'", "inj\\\\", "inj%_", "inj`tick", "inj\r\n", "inj\"dq",
            "inj' OR '1'='1", "inj\u001Actrlz", "inj {fn now()}", "inj é");
    static final List<String> HOSTILE_HOSTS = List.of("h'ost", "10.0.0.%", "h\\", "h;--", "h\nx", "%' IDENTIFIED BY 'x");
    static final List<String> HOSTILE_SUBJECTS = List.of("/CN=x'); DROP TABLE s2mtls_test.canary; --",
            "/CN=a\\'b", "/CN=\\\\", "/CN=x\\", "/CN=--/O=;", "/CN=' OR '1'='1", "/CN=\"q\"/O={fn user()}");

    @Test
    void hostileNamesHostsAndSubjectsAreStoredExactlyAndNothingElseHappens() throws SQLException {
        int usersBefore = userCount();
        List<UserCommand> commands = new ArrayList<>();
        List<UserAccount> accounts = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < HOSTILE_NAMES.size(); i++) {
            String host = HOSTILE_HOSTS.get(i % HOSTILE_HOSTS.size());
            String subject = HOSTILE_SUBJECTS.get(i % HOSTILE_SUBJECTS.size());
            // MariaDB lower-cases hosts; the adapter writes the stored form, so read-back is exact
            UserAccount account = new UserAccount(HOSTILE_NAMES.get(i), host.toLowerCase(java.util.Locale.ROOT));
            accounts.add(account);
            subjects.add(subject);
            commands.add(new UserCommand.CreateUser(new UserPolicy(account, new TlsRequirement.Subject(subject, subject.contains("\\")),
                    List.of(PrivilegeGrant.parse("SELECT ON s2mtls_test.canary"))), true));
        }
        directory.execute(commands);

        for (int i = 0; i < accounts.size(); i++) {
            UserAccount account = accounts.get(i);
            assertEquals(Optional.of(subjects.get(i)), storedSubject(account), "global_priv for " + account);
            DatabaseUser shown = directory.show(account).orElseThrow(() -> new AssertionError("not shown: " + account));
            assertEquals(account, shown.account());
            assertEquals(Optional.of(TlsRequirement.subject(subjects.get(i))), shown.requirement(), shown.definition().orElse(""));
            assertEquals(List.of(), shown.warnings());
            assertTrue(shown.grants().stream().anyMatch(g -> g.startsWith("GRANT SELECT ON `s2mtls_test`.`canary` TO ")), shown.grants().toString());
        }
        assertTrue(directory.list().containsAll(accounts));
        assertEquals(directory.show(new UserAccount(HOSTILE_NAMES.get(5), HOSTILE_HOSTS.get(5))).orElseThrow().account(),
                accounts.get(5), "a host given in upper case is found in its stored form");
        assertEquals(usersBefore + accounts.size(), userCount(), "exactly the hostile accounts were added");
        assertEquals(42, canary(), "the canary table is intact");

        directory.execute(accounts.stream().map(a -> (UserCommand) new UserCommand.DropUser(a, false)).toList());
        assertEquals(usersBefore, userCount());
        assertEquals(42, canary());
    }

    @Test
    void whatCannotBeStoredIsRefusedBeforeAnythingIsSent() throws SQLException {
        int before = userCount();
        for (Runnable refused : List.<Runnable>of(
                () -> new UserAccount("nul\0name", "%"),
                () -> new UserAccount("name", "h\0"),
                () -> TlsRequirement.subject(""),
                () -> directory.create(new UserPolicy(UserAccount.anyHost("r1"), TlsRequirement.subject("/CN=a\nb"), List.of())),
                () -> directory.create(new UserPolicy(UserAccount.anyHost("r2"), TlsRequirement.subject("/CN=a\0b"), List.of())),
                () -> directory.create(new UserPolicy(UserAccount.anyHost("r3"), TlsRequirement.subject("/CN=José"), List.of())),
                () -> directory.create(new UserPolicy(UserAccount.anyHost("r4"), TlsRequirement.subject("CN=no-slash"), List.of())),
                () -> directory.create(new UserPolicy(UserAccount.anyHost("r5"), new TlsRequirement.Subject("/CN=a\\/b", true), List.of())),
                () -> PrivilegeGrant.parse("SELECT ON *.*; DROP TABLE x"),
                () -> PrivilegeGrant.parse("SELECT, DROP TABLE s2mtls_test.canary; -- ON *.*"),
                () -> PrivilegeGrant.parse("SELECT ON db.`unterminated"),
                () -> PrivilegeGrant.parse("SELECT ON db.t extra"),
                () -> PrivilegeGrant.parse("ALL ON canary"))) {
            S2mtlsException e = assertThrows(S2mtlsException.class, refused::run);
            assertEquals(ErrorKind.BAD_INPUT, e.kind(), e.getMessage());
        }
        assertEquals(before, userCount());
        assertEquals(42, canary());
    }

    @Test
    void grantLevelsWithHostileIdentifiersAreQuoted() throws SQLException {
        PrivilegeGrant grant = PrivilegeGrant.parse("select, insert ON `weird``db; drop`.*");
        assertEquals(List.of("SELECT", "INSERT"), grant.privileges());
        assertEquals(Optional.of("weird`db; drop"), grant.database());
        UserAccount account = UserAccount.anyHost("grant_quoting");
        List<String> sql = directory.execute(List.of(new UserCommand.DropUser(account, true),
                new UserCommand.CreateUser(new UserPolicy(account, TlsRequirement.x509(), List.of(grant)), false)));
        assertEquals("GRANT SELECT, INSERT ON `weird``db; drop`.* TO 'grant_quoting'@'%'", sql.get(2));
        assertTrue(directory.show(account).orElseThrow().grants().stream().anyMatch(g -> g.contains("`weird``db; drop`.*")));
        directory.revoke(account, grant);
        assertTrue(directory.show(account).orElseThrow().grants().stream().noneMatch(g -> g.contains("weird")));
        directory.drop(account);
        assertEquals(42, canary());
    }

    @Test
    void dryRunEqualsWhatTheServerExecuted() throws SQLException {
        List<UserCommand> commands = List.of(
                new UserCommand.DropUser(UserAccount.anyHost("dry_a"), true),
                new UserCommand.DropUser(new UserAccount("dry_b'", "10.%"), true),
                UserCommand.create(UserAccount.anyHost("dry_a"), TlsRequirement.subject("/O=example/CN=Js3g\\+AF\\+/C=US"),
                        List.of(PrivilegeGrant.parse("SELECT, INSERT ON s2mtls_test.*"))),
                UserCommand.create(new UserAccount("dry_b'", "10.%"), TlsRequirement.x509(), List.of()),
                new UserCommand.AlterUser(new UserAccount("dry_b'", "10.%"), TlsRequirement.ssl(), false),
                new UserCommand.Grant(new UserAccount("dry_b'", "10.%"), PrivilegeGrant.parse("SELECT ON s2mtls_test.canary")));
        List<String> planned = directory.plannedSql(commands);
        assertEquals(List.of(
                "DROP USER IF EXISTS 'dry_a'@'%'",
                "DROP USER IF EXISTS 'dry_b\\''@'10.%'",
                "CREATE USER 'dry_a'@'%' REQUIRE SUBJECT '/O=example/CN=Js3g\\\\+AF\\\\+/C=US'",
                "CREATE USER 'dry_b\\''@'10.%' REQUIRE X509",
                "ALTER USER 'dry_b\\''@'10.%' REQUIRE SSL",
                "GRANT SELECT, INSERT ON `s2mtls\\_test`.* TO 'dry_a'@'%'",
                "GRANT SELECT ON `s2mtls_test`.`canary` TO 'dry_b\\''@'10.%'"), planned);

        List<String> executed;
        try (Connection admin = db.adminConnection(); Statement statement = admin.createStatement()) {
            statement.execute("TRUNCATE TABLE mysql.general_log");
            statement.execute("SET GLOBAL log_output = 'TABLE'");
            statement.execute("SET GLOBAL general_log = 1");
            List<String> returned;
            try (UserDirectory fresh = new SingleStoreDirectoryProvider().open(db.adminTarget(), LoginMatrixTest.Contexts.empty())) {
                returned = fresh.execute(commands);
            } finally {
                statement.execute("SET GLOBAL general_log = 0");
            }
            assertEquals(planned, returned);
            executed = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT argument FROM mysql.general_log WHERE command_type = 'Query'")) {
                while (rows.next()) {
                    String sql = new String(rows.getBytes(1), StandardCharsets.UTF_8);
                    if (sql.matches("(?s)^(CREATE USER|ALTER USER|DROP USER|GRANT|REVOKE) .*") && sql.contains("dry_")) {
                        executed.add(sql);
                    }
                }
            }
        }
        assertEquals(planned, executed, "the server's general log");
        directory.execute(List.of(new UserCommand.DropUser(UserAccount.anyHost("dry_a"), false),
                new UserCommand.DropUser(new UserAccount("dry_b'", "10.%"), false)));
    }

    @Test
    void noBackslashEscapesChangesTheQuotingNotWhatIsStored() throws SQLException {
        DatabaseTarget admin = db.adminTarget();
        DatabaseTarget nbe = new DatabaseTarget(admin.jdbcUrl() + "?sessionVariables=sql_mode='NO_BACKSLASH_ESCAPES'",
                admin.user(), admin.password(), admin.clientCertificate(), admin.serverCas(), admin.sslMode(), false);
        TestAuthority.Issued cert = db.authority().issueClient(new org.bouncycastle.asn1.x500.X500Name(new org.bouncycastle.asn1.x500.RDN[] {
                new org.bouncycastle.asn1.x500.RDN(org.bouncycastle.asn1.x500.style.BCStyle.CN, new org.bouncycastle.asn1.DERUTF8String("back\\slash 'q' \\\\"))}));
        String subject = Subjects.opensslOneline(cert.certificate());
        assertEquals("/CN=back\\slash 'q' \\\\", subject);
        UserAccount account = new UserAccount("nbe\\user'", "%");
        try (UserDirectory nbeDirectory = new SingleStoreDirectoryProvider().open(nbe, LoginMatrixTest.Contexts.empty())) {
            assertTrue(nbeDirectory.server().sqlMode().contains("NO_BACKSLASH_ESCAPES"), nbeDirectory.server().sqlMode());
            List<String> sql = nbeDirectory.execute(List.of(new UserCommand.DropUser(account, true),
                    new UserCommand.CreateUser(new UserPolicy(account, new TlsRequirement.Subject(subject, true), List.of()), true)));
            assertEquals("CREATE USER 'nbe\\user'''@'%' REQUIRE SUBJECT '/CN=back\\slash ''q'' \\\\'", sql.get(1));
            assertEquals(Optional.of(subject), storedSubject(account));
            assertEquals(Optional.of(TlsRequirement.subject(subject)), nbeDirectory.show(account).orElseThrow().requirement());
        }
        assertEquals(Optional.of(subject), storedSubject(account));
        assertEquals("nbe\\user'@%", new JdbcMtlsLogin().login(db.userTarget(account.name(), cert)).currentUser());
        directory.drop(account);
    }

    @Test
    void mariadbSubjectLengthLimitIsEnforcedAtTheMeasuredBoundary() throws SQLException {
        // JSON-escaped length 1024 is stored; 1025 would be silently dropped by MariaDB 10.11, so it is refused
        String fits = "/CN=" + "\\".repeat(2) + "a".repeat(MariaDbDialect.MARIADB_MAX_ESCAPED_SUBJECT - 4 - 4);
        String tooLong = fits + "\"";
        UserAccount account = UserAccount.anyHost("long_subject");
        directory.execute(List.of(new UserCommand.DropUser(account, true),
                new UserCommand.CreateUser(new UserPolicy(account, new TlsRequirement.Subject(fits, true), List.of()), true)));
        assertEquals(Optional.of(fits), storedSubject(account));
        S2mtlsException e = assertThrows(S2mtlsException.class,
                () -> directory.alter(account, TlsRequirement.subject(tooLong)));
        assertEquals(ErrorKind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("1024"), e.getMessage());
        assertEquals(Optional.of(fits), storedSubject(account), "unchanged");
        directory.drop(account);
    }

    @Test
    void theSingleStoreDialectGatesRequirementsByVersion() {
        // the test server reports @@memsql_version 8.5.0: before REQUIRE SUBJECT (9.0) and X509 (9.0.1)
        try (UserDirectory singlestore = new SingleStoreDirectoryProvider().open(db.adminTarget(),
                LoginMatrixTest.Contexts.with(Map.of("dialect", "singlestore")))) {
            assertEquals("singlestore", singlestore.server().dialect());
            assertEquals("8.5.0", singlestore.server().version());
            UserAccount account = UserAccount.anyHost("s2_gate");
            S2mtlsException x509 = assertThrows(S2mtlsException.class,
                    () -> singlestore.create(new UserPolicy(account, TlsRequirement.x509(), List.of())));
            assertTrue(x509.getMessage().contains("9.0.1") && x509.getMessage().contains("8.5.0"), x509.getMessage());
            S2mtlsException subject = assertThrows(S2mtlsException.class,
                    () -> singlestore.create(new UserPolicy(account, TlsRequirement.subject("/CN=x"), List.of())));
            assertTrue(subject.getMessage().contains("9.0.0"), subject.getMessage());
            assertThrows(S2mtlsException.class, () -> singlestore.create(new UserPolicy(account,
                    new TlsRequirement.Issuer("/CN=ca", Optional.empty()), List.of())));
            singlestore.execute(List.of(new UserCommand.DropUser(account, true),
                    new UserCommand.CreateUser(new UserPolicy(account, TlsRequirement.ssl(), List.of()), false)));
            assertTrue(singlestore.show(account).orElseThrow().grants().get(0).contains("REQUIRE SSL"));
            singlestore.drop(account);
        }
        try (UserDirectory detected = new SingleStoreDirectoryProvider().open(db.adminTarget(), LoginMatrixTest.Contexts.empty())) {
            assertEquals("mariadb", detected.server().dialect(), "a real MariaDB is served by the MariaDB dialect");
        }
    }

    @Test
    void aFailedCreateStopsBeforeItsGrants() throws SQLException {
        UserAccount existing = UserAccount.anyHost("exists_already");
        directory.execute(List.of(new UserCommand.DropUser(existing, true),
                UserCommand.create(existing, TlsRequirement.x509(), List.of())));
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> directory.execute(List.of(
                UserCommand.create(existing, TlsRequirement.x509(), List.of(PrivilegeGrant.parse("SELECT ON s2mtls_test.*"))))));
        assertEquals(ErrorKind.EXTERNAL, e.kind());
        assertTrue(directory.show(existing).orElseThrow().grants().stream().noneMatch(g -> g.contains("s2mtls_test")),
                "no grant reached the pre-existing account");
        directory.drop(existing);
    }

    @Test
    void aFailureInsideABatchNamesWhatRanAndRunsNoGrant() throws SQLException {
        UserAccount first = UserAccount.anyHost("batch_first");
        UserAccount existing = UserAccount.anyHost("batch_existing");
        UserAccount last = UserAccount.anyHost("batch_last");
        directory.execute(List.of(new UserCommand.DropUser(first, true), new UserCommand.DropUser(existing, true),
                new UserCommand.DropUser(last, true), UserCommand.create(existing, TlsRequirement.ssl(), List.of())));
        PrivilegeGrant grant = PrivilegeGrant.parse("SELECT ON s2mtls_test.*");
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> directory.execute(List.of(
                UserCommand.create(first, TlsRequirement.x509(), List.of(grant)),
                UserCommand.create(existing, TlsRequirement.x509(), List.of(grant)),
                UserCommand.create(last, TlsRequirement.x509(), List.of(grant)))));
        assertEquals(ErrorKind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().contains("CREATE USER 'batch_existing'@'%'") && e.getMessage().contains("no GRANT was run"), e.getMessage());
        for (UserAccount account : List.of(first, existing, last)) {
            directory.show(account).ifPresent(shown -> assertTrue(shown.grants().stream().noneMatch(g -> g.contains("s2mtls_test")),
                    account + " got a grant: " + shown.grants()));
        }
        assertEquals(Optional.of(TlsRequirement.ssl()), directory.show(existing).orElseThrow().requirement(), "the existing account is untouched");
        directory.execute(List.of(new UserCommand.DropUser(first, true), new UserCommand.DropUser(existing, true),
                new UserCommand.DropUser(last, true)));
    }

    private static Optional<String> storedSubject(UserAccount account) throws SQLException {
        try (Connection admin = db.adminConnection(); PreparedStatement query = admin.prepareStatement(
                "SELECT JSON_VALUE(Priv, '$.x509_subject') FROM mysql.global_priv WHERE User = ? AND Host = ?")) {
            query.setString(1, account.name());
            query.setString(2, account.host());
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.ofNullable(row.getString(1)) : Optional.empty();
            }
        }
    }

    private static int userCount() throws SQLException {
        try (Connection admin = db.adminConnection(); Statement statement = admin.createStatement();
             ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM mysql.global_priv")) {
            row.next();
            return row.getInt(1);
        }
    }

    private static int canary() throws SQLException {
        try (Connection admin = db.adminConnection(); Statement statement = admin.createStatement();
             ResultSet row = statement.executeQuery("SELECT id FROM s2mtls_test.canary")) {
            row.next();
            return row.getInt(1);
        }
    }
}
