package io.s2mtls.adapters.jdbc;

import io.s2mtls.adapters.jdbc.testing.TestAuthority;
import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.user.DatabaseTarget;
import io.s2mtls.core.port.MtlsLogin;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.user.UserPolicy;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who gets in and who does not, through the SingleStore driver against the private test server. */
@ExtendWith(TestDatabaseExtension.class)
class LoginMatrixTest {
    private static TestDatabase db;
    private static UserDirectory directory;
    private static final MtlsLogin LOGIN = new JdbcMtlsLogin();
    private static TestAuthority.Issued ours;

    @BeforeAll
    static void users() {
        db = TestDatabase.get();
        directory = new SingleStoreDirectoryProvider().open(db.adminTarget(), Contexts.empty());
        ours = db.authority().issueClient("CN=matrix-x509,O=s2mtls tests");
        directory.execute(List.of(
                new io.s2mtls.core.user.UserCommand.DropUser(UserAccount.anyHost("mx_x509"), true),
                new io.s2mtls.core.user.UserCommand.DropUser(UserAccount.anyHost("mx_subject"), true)));
        directory.create(new UserPolicy(UserAccount.anyHost("mx_x509"), TlsRequirement.x509(), List.of()));
    }

    @AfterAll
    static void close() {
        directory.close();
    }

    @Test
    void x509WithOurCertificateGetsIn() {
        MtlsLogin.LoginReport report = LOGIN.login(db.userTarget("mx_x509", ours));
        assertEquals("mx_x509@%", report.currentUser());
        assertTrue(report.tlsVersion().startsWith("TLSv1."), report.tlsVersion());
        assertTrue(!report.cipher().isEmpty());
    }

    @Test
    void x509OffersTls13AndVerifyFullWorksFor127001() {
        MtlsLogin.LoginReport report = LOGIN.login(db.userTarget("mx_x509", ours).withSslMode(DatabaseTarget.SslMode.VERIFY_FULL));
        String serverVersions = db.client(List.of("--user=" + db.adminUser(), "--password=" + new String(db.adminPassword()),
                "-N", "-B", "-e", "SELECT @@tls_version; SHOW STATUS LIKE 'Ssl_version'")).out();
        assertEquals("TLSv1.3", report.tlsVersion(), serverVersions);
    }

    @Test
    void verifyFullRefusesAHostNotInTheServerCertificate() {
        DatabaseTarget wrongName = new DatabaseTarget(db.jdbcUrl().replace("127.0.0.1", "localhost"), "mx_x509",
                Optional.empty(), db.userTarget("mx_x509", ours).clientCertificate(), List.of(db.authority().certificate()),
                DatabaseTarget.SslMode.VERIFY_FULL, false);
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> LOGIN.login(wrongName));
        assertEquals(ErrorKind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().contains("localhost") && !e.getMessage().contains("unreachable")
                && !e.getMessage().contains("access denied"), e.getMessage());
        // the same name is fine with verify-ca, which checks the chain only
        assertEquals("mx_x509@%", LOGIN.login(wrongName.withSslMode(DatabaseTarget.SslMode.VERIFY_CA)).currentUser());
    }

    @Test
    void x509WithoutCertificateIsDenied() {
        DatabaseTarget noCert = new DatabaseTarget(db.jdbcUrl(), "mx_x509", Optional.empty(), Optional.empty(),
                List.of(db.authority().certificate()), DatabaseTarget.SslMode.VERIFY_CA, false);
        assertDenied(noCert);
    }

    @Test
    void x509WithCertificateFromAnotherCaIsDenied() {
        TestAuthority other = TestAuthority.create("CN=another CA,O=elsewhere");
        assertRefusedInHandshake(db.userTarget("mx_x509", other.issueClient("CN=matrix-x509,O=s2mtls tests")));
    }

    @Test
    void x509WithExpiredCertificateIsDenied() {
        assertRefusedInHandshake(db.userTarget("mx_x509", db.authority().issueExpired(new X500Name("CN=matrix-x509,O=s2mtls tests"), Duration.ofDays(1))));
    }

    @Test
    void x509WithSslDisabledIsDenied() {
        assertDenied(db.userTarget("mx_x509", ours).withSslMode(DatabaseTarget.SslMode.DISABLE));
    }

    @Test
    void subjectFromTheCertificateAdmitsItAndNotOneDifferingByOneCharacter() {
        TestAuthority.Issued cert = db.authority().issueClient("CN=Js3g\\+AF\\+,O=example,C=US");
        String subject = Subjects.opensslOneline(cert.certificate());
        directory.create(new UserPolicy(UserAccount.anyHost("mx_subject"), TlsRequirement.subject(subject), List.of()));
        assertEquals("mx_subject@%", LOGIN.login(db.userTarget("mx_subject", cert)).currentUser());

        TestAuthority.Issued close = db.authority().issueClient("CN=Js3g\\+AF\\+,O=examplf,C=US");
        assertEquals(subject.length(), Subjects.opensslOneline(close.certificate()).length());
        assertDenied(db.userTarget("mx_subject", close));
    }

    @Test
    void anAdminCanManageUsersLoggedInWithAClientCertificate() {
        TestAuthority.Issued adminCert = db.authority().issueClient("CN=cert-admin,O=s2mtls tests");
        UserAccount admin = UserAccount.anyHost("mx_cert_admin");
        directory.execute(List.of(new io.s2mtls.core.user.UserCommand.DropUser(admin, true),
                new io.s2mtls.core.user.UserCommand.CreateUser(new UserPolicy(admin,
                        TlsRequirement.subject(Subjects.opensslOneline(adminCert.certificate())),
                        List.of(io.s2mtls.core.user.PrivilegeGrant.parse("ALL PRIVILEGES ON *.*",
                                new io.s2mtls.core.user.GrantRules(false, true)))), false)));
        db.sql("GRANT ALL PRIVILEGES ON *.* TO 'mx_cert_admin'@'%' WITH GRANT OPTION");
        try (UserDirectory asCertAdmin = new SingleStoreDirectoryProvider().open(db.userTarget("mx_cert_admin", adminCert), Contexts.empty())) {
            UserAccount made = UserAccount.anyHost("mx_made_by_cert_admin");
            asCertAdmin.execute(List.of(new io.s2mtls.core.user.UserCommand.DropUser(made, true),
                    io.s2mtls.core.user.UserCommand.create(made, TlsRequirement.x509(), List.of())));
            assertEquals(Optional.of(TlsRequirement.x509()), asCertAdmin.show(made).orElseThrow().requirement());
            asCertAdmin.drop(made);
        }
    }

    @Test
    void unreachableServerNamesHostAndPort() {
        DatabaseTarget nowhere = new DatabaseTarget("jdbc:singlestore://127.0.0.1:1/", "x", Optional.of("pw".toCharArray()),
                Optional.empty(), List.of(db.authority().certificate()), DatabaseTarget.SslMode.VERIFY_CA, false);
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> LOGIN.login(nowhere));
        assertEquals(ErrorKind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().contains("127.0.0.1:1") && e.getMessage().contains("unreachable"), e.getMessage());
    }

    /**
     * MariaDB rejects a certificate that does not verify (other CA, expired) in the TLS handshake itself,
     * before any SQL-level "Access denied"; s2mtls reports both as access denied with the same advice.
     */
    static void assertRefusedInHandshake(DatabaseTarget target) {
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> LOGIN.login(target));
        assertEquals(ErrorKind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().contains("access denied") && e.getMessage().contains("ended the TLS handshake"), e.getMessage());
        assertTrue(e.getMessage().contains("s2mtls subject cert.pem"), e.getMessage());
    }

    /** Denied with the server's own 1045 / 28000 "Access denied". */
    static void assertDenied(DatabaseTarget target) {
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> LOGIN.login(target));
        assertEquals(ErrorKind.EXTERNAL, e.kind());
        assertTrue(e.getMessage().contains("access denied"), e.getMessage());
        assertTrue(e.getMessage().contains("s2mtls subject cert.pem"), e.getMessage());
        assertTrue(e.getCause() instanceof java.sql.SQLException sql && (sql.getErrorCode() == 1045 || "28000".equals(sql.getSQLState())),
                String.valueOf(e.getCause()));
    }

    /** Contexts for tests: no environment, no options. */
    static final class Contexts {
        static PluginContext empty() {
            return with(java.util.Map.of());
        }

        static PluginContext with(java.util.Map<String, String> options) {
            return new PluginContext() {
                @Override
                public java.util.Map<String, String> environment() {
                    return java.util.Map.of();
                }

                @Override
                public java.util.Map<String, String> options() {
                    return options;
                }

                @Override
                public char[] storePassword() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public Optional<String> readSecretFile(String path) {
                    return Optional.empty();
                }
            };
        }
    }
}
