package io.s2mtls.adapters.jdbc;

import io.s2mtls.adapters.jdbc.testing.TestAuthority;
import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.core.testing.ExternalTool;
import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.user.UserPolicy;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERT61String;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tricky subjects, half built in code and half by {@code openssl req -subj -utf8 -multivalue-rdn}: each
 * becomes a REQUIRE SUBJECT user (subject string from openssl's {@code -nameopt compat} output) and logs
 * in with its certificate through the SingleStore driver and through the independent {@code mariadb}
 * client.
 */
@ExtendWith(TestDatabaseExtension.class)
class SubjectCorpusTest {
    private static TestDatabase db;
    private static UserDirectory directory;
    private static Path files;

    /** One certificate of the corpus. {@code ambiguous}: a value holds a backslash, so the user must be forced. */
    record Case(String label, X509Certificate certificate, PrivateKey key, boolean ambiguous) {
    }

    @BeforeAll
    static void open() throws IOException {
        db = TestDatabase.get();
        directory = new SingleStoreDirectoryProvider().open(db.adminTarget(), LoginMatrixTest.Contexts.empty());
        files = Files.createDirectories(db.directory().resolve("corpus"));
    }

    @AfterAll
    static void close() {
        directory.close();
    }

    @Test
    void everySubjectLogsInThroughTheDriverAndTheMariadbClient() {
        List<Case> cases = new ArrayList<>(builtInCode());
        int inCode = cases.size();
        cases.addAll(madeByOpenssl());
        assertTrue(inCode >= 25 && cases.size() - inCode >= 25, "corpus: " + inCode + " in code, " + (cases.size() - inCode) + " by openssl");

        List<UserCommand> commands = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            UserAccount account = UserAccount.anyHost(user(i));
            commands.add(new UserCommand.DropUser(account, true));
            String subject = Subjects.opensslOneline(cases.get(i).certificate());
            subjects.add(subject);
            commands.add(new UserCommand.CreateUser(new UserPolicy(account,
                    new TlsRequirement.Subject(subject, cases.get(i).ambiguous()), List.of()), cases.get(i).ambiguous()));
        }
        directory.execute(commands); // one batch; verified against mysql.global_priv

        List<String> failures = new ArrayList<>();
        JdbcMtlsLogin login = new JdbcMtlsLogin();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String label = i + " " + c.label() + " " + subjects.get(i);
            try {
                DatabaseUser shown = directory.show(UserAccount.anyHost(user(i))).orElseThrow();
                if (!shown.requirement().equals(java.util.Optional.of(TlsRequirement.subject(subjects.get(i)))) || !shown.warnings().isEmpty()) {
                    failures.add(label + ": SHOW CREATE USER read back " + shown.requirement() + " " + shown.warnings());
                }
                String current = login.login(db.userTarget(user(i), new TestAuthority.Issued(c.certificate(), c.key()))).currentUser();
                if (!current.equals(user(i) + "@%")) {
                    failures.add(label + ": driver login as " + current);
                }
            } catch (RuntimeException e) {
                failures.add(label + ": driver: " + e.getMessage());
            }
            Path[] pem = new TestAuthority.Issued(c.certificate(), c.key()).write(files, user(i));
            ExternalTool.Result client = db.client(List.of("--user=" + user(i), "--ssl-ca=" + db.caFile(),
                    "--ssl-cert=" + pem[0], "--ssl-key=" + pem[1], "--ssl-verify-server-cert", "-N", "-B", "-e", "SELECT CURRENT_USER()"));
            if (client.exitCode() != 0 || !client.out().strip().equals(user(i) + "@%")) {
                failures.add(label + ": mariadb client exit " + client.exitCode() + ": " + client.out() + client.stderr());
            }
        }
        assertEquals(List.of(), failures, failures.size() + " of " + cases.size() + " subjects failed");
    }

    private static String user(int i) {
        return String.format("corpus_%02d", i);
    }

    private static List<Case> builtInCode() {
        List<Case> cases = new ArrayList<>();
        add(cases, "plain, C first", name(rdn(BCStyle.C, new DERPrintableString("US")), utf8(BCStyle.O, "Org"), utf8(BCStyle.CN, "name")));
        add(cases, "slash in value", name(utf8(BCStyle.CN, "a/b")));
        add(cases, "plus in value", name(utf8(BCStyle.CN, "a+b")));
        add(cases, "multi-valued CN+UID", new X500Name(new RDN[] {new RDN(new AttributeTypeAndValue[] {
                atv(BCStyle.UID, new DERUTF8String("123")), atv(BCStyle.CN, new DERUTF8String("alice"))})}));
        add(cases, "comma, equals, semicolon", name(utf8(BCStyle.CN, "Doe, John=x;y")));
        add(cases, "double and single quotes", name(utf8(BCStyle.CN, "say \"hi\" it's")));
        add(cases, "leading and trailing spaces", name(utf8(BCStyle.CN, "  pad  ")));
        add(cases, "UTF-8 José", name(utf8(BCStyle.CN, "José")));
        add(cases, "BMPString Omega", name(rdn(BCStyle.CN, new DERBMPString("Ω"))));
        add(cases, "UTF-8 Japanese", name(utf8(BCStyle.O, "日本語テスト"), utf8(BCStyle.CN, "名前")));
        add(cases, "empty O", name(utf8(BCStyle.O, ""), utf8(BCStyle.CN, "x")));
        add(cases, "OID without short name", name(rdn(new ASN1ObjectIdentifier("1.2.3.4"), new DERUTF8String("foo")), utf8(BCStyle.CN, "x")));
        add(cases, "emailAddress", name(utf8(BCStyle.CN, "x"), rdn(BCStyle.EmailAddress, new DERIA5String("user@example.com"))));
        add(cases, "SQL injection in CN", name(utf8(BCStyle.CN, "x'); DROP TABLE s2mtls_test.canary; --")));
        cases.add(issue("backslash in value (forced)", name(utf8(BCStyle.CN, "a\\b")), true));
        cases.add(issue("trailing backslash (forced)", name(utf8(BCStyle.CN, "trailing\\")), true));
        add(cases, "JDBC escape syntax", name(utf8(BCStyle.CN, "{fn now()} {d '2020-01-01'}")));
        add(cases, "LIKE wildcards", name(utf8(BCStyle.CN, "100% _under_")));
        add(cases, "markup", name(utf8(BCStyle.CN, "<script>&amp;</script>")));
        add(cases, "hash and equals", name(utf8(BCStyle.CN, "#hash=eq")));
        add(cases, "three-valued RDN", new X500Name(new RDN[] {new RDN(new AttributeTypeAndValue[] {
                atv(BCStyle.CN, new DERUTF8String("x")), atv(BCStyle.OU, new DERUTF8String("y")), atv(BCStyle.O, new DERUTF8String("z"))})}));
        add(cases, "DC components", name(rdn(BCStyle.DC, new DERIA5String("example")), rdn(BCStyle.DC, new DERIA5String("com")), utf8(BCStyle.CN, "dc")));
        add(cases, "T61String Latin-1", name(rdn(BCStyle.CN, new DERT61String("Jos\u00e9"))));
        add(cases, "TAB in value", name(utf8(BCStyle.CN, "a\tb")));
        add(cases, "serialNumber and title", name(rdn(BCStyle.SERIALNUMBER, new DERPrintableString("12345")), utf8(BCStyle.T, "Dr."), utf8(BCStyle.CN, "t")));
        add(cases, "4-byte UTF-8 emoji", name(utf8(BCStyle.CN, "smile \uD83D\uDE00")));
        add(cases, "leading slash, doubled separators", name(utf8(BCStyle.CN, "/a//b++c")));
        return cases;
    }

    private static List<Case> madeByOpenssl() {
        String[][] subjects = {
                {"/C=US/O=example/CN=Js3g\\+AF\\+", "f"},
                {"/CN=alice+UID=123", "f"},
                {"/CN=a\\/b/O=x", "f"},
                {"/CN=Müller/O=Straße", "f"},
                {"/CN=say \"hi\" it's", "f"},
                {"/CN=O'Brien/OU=R&D", "f"},
                {"/CN=semi;colon,comma=eq", "f"},
                {"/CN=  spaces  /O=x", "f"},
                {"/DC=com/DC=example/CN=ops", "f"},
                {"/CN=x+OU=y+O=z", "f"},
                {"/emailAddress=a@b.example/CN=mail", "f"},
                {"/CN=back\\\\slash", "t"},
                {"/CN=%_wild", "f"},
                {"/CN=--comment", "f"},
                {"/CN=x'; DROP USER root; --", "f"},
                {"/CN=中文名字", "f"},
                {"/CN=Ελληνικά", "f"},
                {"/serialNumber=42/CN=serial", "f"},
                {"/CN={fn user()}", "f"},
                {"/L=São Paulo/ST=SP/C=BR/CN=sp", "f"},
                {"/CN=#notcomment", "f"},
                {"/CN=<>?*|", "f"},
                {"/O=" + "long ".repeat(12) + "/OU=" + "wide ".repeat(12) + "/OU=" + "more ".repeat(12) + "/CN=long", "f"},
                {"/CN=a=b=c", "f"},
                {"/GN=John/SN=Doe/CN=John Doe", "f"},
                {"/UID=jdoe+CN=John", "f"},
                {"/street=1 Main St/postalCode=12345/CN=addr", "f"},
        };
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < subjects.length; i++) {
            cases.add(fromOpenssl(subjects[i][0], subjects[i][1].equals("t"), i));
        }
        return cases;
    }

    private static Case fromOpenssl(String subject, boolean ambiguous, int n) {
        try {
            Path key = files.resolve("openssl-" + n + "-key.pem");
            Path csr = files.resolve("openssl-" + n + ".csr");
            ExternalTool.openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key.toString(), "-out", csr.toString(), "-subj", subject, "-utf8", "-multivalue-rdn");
            PKCS10CertificationRequest request;
            try (PEMParser parser = new PEMParser(new StringReader(Files.readString(csr)))) {
                request = (PKCS10CertificationRequest) parser.readObject();
            }
            PrivateKey privateKey;
            try (PEMParser parser = new PEMParser(new StringReader(Files.readString(key)))) {
                privateKey = new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) parser.readObject());
            }
            return new Case("openssl -subj " + subject, db.authority().signCsr(request), privateKey, ambiguous);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void add(List<Case> cases, String label, X500Name subject) {
        cases.add(issue(label, subject, false));
    }

    private static Case issue(String label, X500Name subject, boolean ambiguous) {
        TestAuthority.Issued issued = db.authority().issueClient(subject);
        return new Case("code: " + label, issued.certificate(), issued.privateKey(), ambiguous);
    }

    private static X500Name name(RDN... rdns) {
        return new X500Name(rdns);
    }

    private static RDN utf8(ASN1ObjectIdentifier type, String value) {
        return rdn(type, new DERUTF8String(value));
    }

    private static RDN rdn(ASN1ObjectIdentifier type, ASN1Encodable value) {
        return new RDN(type, value);
    }

    private static AttributeTypeAndValue atv(ASN1ObjectIdentifier type, ASN1Encodable value) {
        return new AttributeTypeAndValue(type, value);
    }
}
