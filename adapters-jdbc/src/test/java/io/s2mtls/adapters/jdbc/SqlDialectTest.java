package io.s2mtls.adapters.jdbc;

import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.spi.S2mtlsPlugin;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SQL generation, escaping and parsing without a server. */
class SqlDialectTest {
    private static final boolean DEFAULT = false;
    private static final boolean NBE = io.s2mtls.core.dn.SqlLiteral.noBackslashEscapes("STRICT_TRANS_TABLES,NO_BACKSLASH_ESCAPES");

    @Test
    void literalsFollowTheSqlMode() {
        MariaDbDialect plain = new MariaDbDialect(DEFAULT, true);
        MariaDbDialect nbe = new MariaDbDialect(NBE, true);
        assertEquals("'/CN=Js3g\\\\+AF\\\\+/C=US'", plain.quote("/CN=Js3g\\+AF\\+/C=US"));
        assertEquals("'/CN=Js3g\\+AF\\+/C=US'", nbe.quote("/CN=Js3g\\+AF\\+/C=US"));
        assertEquals("'it\\'s \\\\ a\\nb\\rc\\Z'", plain.quote("it's \\ a\nb\rc\u001A"));
        assertEquals("'it''s \\ a\nb'", nbe.quote("it's \\ a\nb"));
        assertTrue(io.s2mtls.core.dn.SqlLiteral.noBackslashEscapes("NO_BACKSLASH_ESCAPES"));
        assertTrue(!io.s2mtls.core.dn.SqlLiteral.noBackslashEscapes("ANSI_QUOTES,STRICT_ALL_TABLES"));
        // NUL is quoted, not refused: the server reads it back exactly (SqlLiteralRoundTripTest)
        assertEquals("'a\\0b'", plain.quote("a\0b"));
        assertEquals("'a\0b'", nbe.quote("a\0b"));
    }

    @Test
    void singleStoreGatesX509At901AndSubjectAt90() {
        UserAccount alice = UserAccount.anyHost("alice");
        for (String version : List.of("8.9.9", "9.0.0")) {
            SingleStoreDialect dialect = new SingleStoreDialect(DEFAULT, SingleStoreDialect.Version.parse(version));
            S2mtlsException e = assertThrows(S2mtlsException.class, () -> dialect.plan(List.of(UserCommand.create(alice, TlsRequirement.x509(), List.of()))));
            assertEquals(ErrorKind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage().contains("9.0.1"), e.getMessage());
        }
        SingleStoreDialect old = new SingleStoreDialect(DEFAULT, SingleStoreDialect.Version.parse("8.9.30"));
        assertThrows(S2mtlsException.class, () -> old.plan(List.of(UserCommand.create(alice, TlsRequirement.subject("/CN=a"), List.of()))));
        assertEquals(List.of("CREATE USER 'alice'@'%' REQUIRE SSL"), old.plan(List.of(UserCommand.create(alice, TlsRequirement.ssl(), List.of()))).all());

        SingleStoreDialect v900 = new SingleStoreDialect(DEFAULT, SingleStoreDialect.Version.parse("9.0.0"));
        assertEquals(List.of("CREATE USER 'alice'@'%' REQUIRE SUBJECT '/O=example/CN=Js3g\\\\+AF\\\\+/C=US'",
                        "GRANT SELECT ON `db`.* TO 'alice'@'%'"),
                v900.plan(List.of(UserCommand.create(alice, TlsRequirement.subject("/O=example/CN=Js3g\\+AF\\+/C=US"),
                        List.of(PrivilegeGrant.parse("SELECT ON db.*"))))).all());
        SingleStoreDialect v901 = new SingleStoreDialect(DEFAULT, SingleStoreDialect.Version.parse("9.0.1-abc"));
        assertEquals(List.of("ALTER USER 'alice'@'%' REQUIRE X509"),
                v901.plan(List.of(new UserCommand.AlterUser(alice, TlsRequirement.x509(), false))).all());
        S2mtlsException issuer = assertThrows(S2mtlsException.class, () -> v901.plan(List.of(
                new UserCommand.AlterUser(alice, new TlsRequirement.Issuer("/CN=ca", Optional.empty()), false))));
        assertTrue(issuer.getMessage().contains("no ISSUER"));
        assertEquals(new SingleStoreDialect.Version(10, 0, 0), SingleStoreDialect.Version.parse("10.0"));
    }

    @Test
    void grantsComeAfterEveryAccountStatement() {
        MariaDbDialect dialect = new MariaDbDialect(DEFAULT, true);
        List<String> sql = dialect.plan(List.of(
                UserCommand.create(UserAccount.anyHost("a"), TlsRequirement.x509(), List.of(PrivilegeGrant.parse("SELECT ON d.*"))),
                UserCommand.create(new UserAccount("b", "DB.Example"), new TlsRequirement.Issuer("/CN=ca", Optional.of(TlsRequirement.subject("/CN=b"))), List.of()),
                new UserCommand.Revoke(UserAccount.anyHost("c"), PrivilegeGrant.parse("INSERT ON d.t")))).all();
        assertEquals(List.of("CREATE USER 'a'@'%' REQUIRE X509",
                "CREATE USER 'b'@'db.example' REQUIRE ISSUER '/CN=ca' AND SUBJECT '/CN=b'",
                "GRANT SELECT ON `d`.* TO 'a'@'%'",
                "REVOKE INSERT ON `d`.`t` FROM 'c'@'%'"), sql);
    }

    @Test
    void literalDatabaseNamesAreEscapedAndPatternsPassThrough() {
        UserAccount a = UserAccount.anyHost("a");
        io.s2mtls.core.user.GrantRules patterns = new io.s2mtls.core.user.GrantRules(true, false);
        io.s2mtls.core.user.GrantRules admin = new io.s2mtls.core.user.GrantRules(false, true);
        for (boolean literals : List.of(DEFAULT, NBE)) {
            MariaDbDialect mariaDb = new MariaDbDialect(literals, true);
            assertEquals(List.of("GRANT SELECT ON `app\\_db`.* TO 'a'@'%'",
                            "GRANT SELECT ON `a\\\\b\\%c`.* TO 'a'@'%'",
                            "GRANT SELECT ON `app_%`.* TO 'a'@'%'",
                            "GRANT SELECT ON `app_db`.`t_1` TO 'a'@'%'",
                            "GRANT SELECT, GRANT OPTION ON `app\\_db`.* TO 'a'@'%'",
                            "REVOKE SELECT ON `app\\_db`.* FROM 'a'@'%'",
                            "REVOKE SELECT ON `app_db`.* FROM 'a'@'%'",
                            "GRANT ALL PRIVILEGES ON *.* TO 'a'@'%'"),
                    mariaDb.plan(List.of(new UserCommand.Grant(a, PrivilegeGrant.parse("SELECT ON app_db.*")),
                            new UserCommand.Grant(a, new PrivilegeGrant(List.of("SELECT"), Optional.of("a\\b%c"), Optional.empty())),
                            new UserCommand.Grant(a, PrivilegeGrant.parse("SELECT ON `app_%`.*", patterns)),
                            new UserCommand.Grant(a, PrivilegeGrant.parse("SELECT ON app_db.t_1")),
                            new UserCommand.Grant(a, PrivilegeGrant.parse("SELECT ON app_db.* WITH GRANT OPTION", admin)),
                            new UserCommand.Revoke(a, PrivilegeGrant.parse("SELECT ON app_db.*")),
                            new UserCommand.Revoke(a, PrivilegeGrant.parse("SELECT ON app_db.*", patterns)),
                            new UserCommand.Grant(a, PrivilegeGrant.parse("ALL ON *.*", admin)))).all());
        }
        // SingleStore applies wildcards only after '#': literal names are sent as they are
        SingleStoreDialect singleStore = new SingleStoreDialect(DEFAULT, SingleStoreDialect.Version.parse("9.0.1"));
        assertEquals(List.of("GRANT SELECT ON `app_db`.* TO 'a'@'%'", "GRANT SELECT ON `#app_%`.* TO 'a'@'%'"),
                singleStore.plan(List.of(new UserCommand.Grant(a, PrivilegeGrant.parse("SELECT ON app_db.*")),
                        new UserCommand.Grant(a, PrivilegeGrant.parse("SELECT ON `#app_%`.*", patterns)))).all());
        S2mtlsException hash = assertThrows(S2mtlsException.class,
                () -> singleStore.plan(List.of(new UserCommand.Grant(a, PrivilegeGrant.parse("SELECT ON `#app`.*")))));
        assertEquals(ErrorKind.BAD_INPUT, hash.kind());
    }

    @Test
    void showCreateUserIsParsedWithItsOwnQuoting() {
        ShowCreateUser.Parsed parsed = ShowCreateUser.parse("CREATE USER `x\\y'z\n`@`%` REQUIRE ISSUER '/CN=i' SUBJECT '/CN=a\\\\b''c\"d'");
        assertEquals(new UserAccount("x\\y'z\n", "%"), parsed.account());
        assertEquals(new TlsRequirement.Issuer("/CN=i", Optional.of(TlsRequirement.subject("/CN=a\\b'c\"d"))), parsed.requirement());
        assertEquals(TlsRequirement.x509(), ShowCreateUser.parse("CREATE USER `q`@`%` REQUIRE X509").requirement());
        assertEquals(TlsRequirement.ssl(), ShowCreateUser.parse("CREATE USER `p`@`%` REQUIRE SSL").requirement());
        assertEquals(TlsRequirement.none(), ShowCreateUser.parse("CREATE USER `root`@`127.0.0.1` IDENTIFIED BY PASSWORD '*REQUIRE'").requirement());
        assertEquals(TlsRequirement.subject("/CN=x"), ShowCreateUser.parse("CREATE USER `a``b`@`h` REQUIRE SUBJECT '/CN=x' PASSWORD EXPIRE").requirement());
        assertEquals(new UserAccount("a`b", "h"), ShowCreateUser.parse("CREATE USER `a``b`@`h` REQUIRE SUBJECT '/CN=x'").account());
    }

    @Test
    void theMariaDbLengthLimitCountsJsonEscapes() {
        MariaDbDialect dialect = new MariaDbDialect(DEFAULT, true);
        dialect.check(TlsRequirement.subject("/CN=" + "a".repeat(1020)));
        assertThrows(S2mtlsException.class, () -> dialect.check(TlsRequirement.subject("/CN=" + "a".repeat(1021))));
        dialect.check(new TlsRequirement.Subject("/CN=" + "\\".repeat(510), true));
        assertThrows(S2mtlsException.class, () -> dialect.check(new TlsRequirement.Subject("/CN=" + "\"".repeat(511), true)));
        new MariaDbDialect(DEFAULT, false).check(TlsRequirement.subject("/CN=" + "a".repeat(5000)));
    }

    @Test
    void thePluginIsFoundWithServiceLoaderAndServesSinglestore() {
        PluginRegistry registry = new PluginRegistry(ServiceLoader.load(S2mtlsPlugin.class));
        assertEquals("jdbc", registry.plugins().stream().filter(p -> p instanceof JdbcPlugin).findFirst().orElseThrow().name());
        assertEquals("singlestore", registry.directory("singlestore").scheme());
        assertTrue(ServiceLoader.load(com.singlestore.jdbc.plugin.TlsSocketPlugin.class).stream()
                .anyMatch(p -> p.type() == InMemoryTlsSocketPlugin.class));
    }

    @Test
    void hostAndPortComeFromTheUrl() {
        assertEquals("db.example.com:3306", JdbcConnector.hostAndPort("jdbc:singlestore://db.example.com/"));
        assertEquals("db:3307", JdbcConnector.hostAndPort("jdbc:singlestore://db:3307/app?sslMode=verify-ca"));
        assertEquals("[::1]:3306", JdbcConnector.hostAndPort("jdbc:singlestore://[::1]:3306"));
    }
}
