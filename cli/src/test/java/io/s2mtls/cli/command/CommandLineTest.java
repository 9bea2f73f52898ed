package io.s2mtls.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static io.s2mtls.core.testing.ExternalTool.openssl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command-line contract (the generated reference), driven through real command lines against a real PKCS12 store. */
class CommandLineTest {
    static final String PASSWORD = "correct horse battery staple";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    CliRunner cli;

    @BeforeEach
    void setUp() {
        cli = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", PASSWORD);
    }

    static Run ok(Run run) {
        assertEquals(0, run.exit(), run.toString());
        return run;
    }

    static void noSecrets(Run run) {
        assertFalse(run.out().contains(PASSWORD) || run.err().contains(PASSWORD), "password printed: " + run);
        assertFalse(run.out().contains("PRIVATE KEY") || run.err().contains("PRIVATE KEY"), "key printed: " + run);
    }

    @Test
    void versionAndHelpForEveryCommand() {
        Run version = ok(cli.run("--version"));
        assertTrue(version.out().startsWith("s2mtls "), version.out());
        for (List<String> command : List.<List<String>>of(List.of(), List.of("quickstart"), List.of("ca"), List.of("ca", "create"), List.of("ca", "import"),
                List.of("ca", "show"), List.of("ca", "export"), List.of("csr", "create"), List.of("cert", "issue"), List.of("cert", "sign"),
                List.of("cert", "verify"), List.of("cert", "show"), List.of("cert", "list"), List.of("cert", "export"), List.of("subject"))) {
            java.util.List<String> withHelp = new java.util.ArrayList<>(command);
            withHelp.add("--help");
            String[] args = withHelp.toArray(String[]::new);
            Run help = ok(cli.run(args));
            assertTrue(help.out().contains("Usage: s2mtls"), help.out());
            assertTrue(help.out().contains("--store"), "global options are listed for " + command);
        }
        assertTrue(ok(cli.run("cert", "issue", "--help")).out().contains("Examples:"));
    }

    @Test
    void caIssueExportVerifyListWithOpenssl() throws Exception {
        ok(cli.run("ca", "create", "--subject", "/C=US/O=ExampleOrg/CN=Example-CA", "--key", "ec:p256"));
        Path store = dir.resolve("s2mtls.p12");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store)));
        Run issue = ok(cli.run("cert", "issue", "--subject", "/O=ExampleOrg/OU=Client/CN=app\\+reader", "--key", "ec:p256", "--out-dir", "creds"));
        noSecrets(issue);
        Path creds = dir.resolve("creds");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(creds.resolve("app_reader-key.pem"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(creds.resolve("app_reader.p12"))));
        Path cert = creds.resolve("app_reader-cert.pem");
        assertEquals(cert + ": OK", openssl("verify", "-CAfile", creds.resolve("ca-cert.pem").toString(), cert.toString()).out().strip());
        String opensslSubject = openssl("x509", "-in", cert.toString(), "-noout", "-subject", "-nameopt", "compat").out().strip();
        assertEquals("subject=/O=ExampleOrg/OU=Client/CN=app\\+reader", opensslSubject);
        assertEquals("/O=ExampleOrg/OU=Client/CN=app\\+reader\n", ok(cli.run("subject", "creds/app_reader-cert.pem")).out());
        assertEquals("'/O=ExampleOrg/OU=Client/CN=app\\\\+reader'\n", ok(cli.run("subject", "--sql", "creds/app_reader-cert.pem")).out());
        List<String> p12info = List.of(ExternalTool.require("openssl").toString(), "pkcs12", "-info", "-noout", "-in",
                creds.resolve("app_reader.p12").toString(), "-passin", "env:PW");
        // NAME.p12 has its own password beside it, never the store password
        String p12Password = Files.readString(creds.resolve("app_reader.p12.pass")).strip();
        ExternalTool.run(p12info, null, Map.of("PW", p12Password), null).requireSuccess(p12info);
        assertTrue(ExternalTool.run(p12info, null, Map.of("PW", PASSWORD), null).exitCode() != 0, "the store password opens the client file");
        assertEquals("creds/app_reader-cert.pem: OK\n", ok(cli.run("cert", "verify", "creds/app_reader-cert.pem")).out());
        JsonNode list = JSON.readTree(ok(cli.run("cert", "list", "--output", "json")).out());
        assertEquals(1, list.size());
        assertEquals("app_reader", list.get(0).get("name").asText());
        assertEquals("valid", list.get(0).get("status").asText());
        JsonNode ca = JSON.readTree(ok(cli.run("ca", "show", "--output", "json")).out());
        assertEquals("/C=US/O=ExampleOrg/CN=Example-CA", ca.get("certificate").get("subject").asText());
        ok(cli.run("ca", "export", "--out", "exported-ca.pem"));
        assertEquals(Files.readString(creds.resolve("ca-cert.pem")), Files.readString(dir.resolve("exported-ca.pem")));
        // a second export into the same directory refuses to overwrite; with --force it rewrites
        Run again = cli.run("cert", "export", "app_reader", "--out-dir", "creds");
        assertEquals(2, again.exit(), again.toString());
        assertTrue(again.err().contains("already exists"), again.err());
        ok(cli.run("cert", "export", "app_reader", "--out-dir", "creds", "--force"));
    }

    @Test
    void csrCreateThenSignKeepsTheSubject() throws Exception {
        ok(cli.run("ca", "create", "--subject", "/CN=Signing CA", "--key", "ec:p256"));
        ok(cli.run("csr", "create", "--subject", "/O=example/CN=Js3g\\+AF\\+/C=US", "--key", "ec:p256", "--key-out", "k.pem", "--out", "r.pem"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("k.pem"))));
        Run sign = ok(cli.run("cert", "sign", "--csr", "r.pem", "--out", "c.pem"));
        assertTrue(sign.out().contains("/O=example/CN=Js3g\\+AF\\+/C=US"), sign.out());
        String fromCsr = openssl("req", "-in", dir.resolve("r.pem").toString(), "-noout", "-subject", "-nameopt", "compat").out();
        String fromCert = openssl("x509", "-in", dir.resolve("c.pem").toString(), "-noout", "-subject", "-nameopt", "compat").out();
        assertEquals(fromCsr, fromCert);
        assertEquals("'/O=example/CN=Js3g\\\\+AF\\\\+/C=US'\n", ok(cli.run("subject", "--sql", "c.pem")).out());
    }

    @Test
    void expiringWithinExitsOneForMonitoring() {
        ok(cli.run("ca", "create", "--subject", "/CN=Expiry CA", "--key", "ec:p256"));
        ok(cli.run("cert", "issue", "--subject", "/CN=short", "--key", "ec:p256", "--days", "10"));
        ok(cli.run("cert", "issue", "--subject", "/CN=long", "--key", "ec:p256", "--days", "300"));
        Run soon = cli.run("cert", "list", "--expiring-within", "30d");
        assertEquals(1, soon.exit(), soon.toString());
        assertTrue(soon.out().contains("short") && !soon.out().contains("long"), soon.out());
        assertEquals(0, cli.run("cert", "list", "--expiring-within", "5d").exit());
    }

    @Test
    void verifyReportsEachFileLikeOpenssl() {
        ok(cli.run("ca", "create", "--subject", "/CN=Mine", "--key", "ec:p256"));
        ok(cli.run("cert", "issue", "--subject", "/CN=mine", "--key", "ec:p256", "--out-dir", "a"));
        CliRunner other = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", PASSWORD);
        ok(other.run("--store", "pkcs12:other.p12", "ca", "create", "--subject", "/CN=Theirs", "--key", "ec:p256"));
        ok(other.run("--store", "pkcs12:other.p12", "cert", "issue", "--subject", "/CN=theirs", "--key", "ec:p256", "--out-dir", "b"));
        Run verify = cli.run("cert", "verify", "a/mine-cert.pem", "b/theirs-cert.pem");
        assertEquals(1, verify.exit(), verify.toString());
        assertEquals("a/mine-cert.pem: OK\nb/theirs-cert.pem: unable to get local issuer certificate\n", verify.out());
    }

    @Test
    void bulkIssuanceFromASubjectsFile() throws Exception {
        ok(cli.run("ca", "create", "--subject", "/CN=Bulk CA", "--key", "ec:p256"));
        Files.writeString(dir.resolve("subjects.txt"), "# users\n/O=Org/CN=u1\n/O=Org/CN=u2\n\nCN=u3,O=Org\n/O=Org/CN=u4+UID=4\n");
        Run bulk = ok(cli.run("cert", "issue", "--subjects-file", "subjects.txt", "--key", "ec:p256", "--out-dir", "bulk", "--output", "json"));
        JsonNode issued = JSON.readTree(bulk.out());
        assertEquals(4, issued.size());
        for (String name : List.of("u1", "u2", "u3", "u4")) {
            assertTrue(Files.exists(dir.resolve("bulk").resolve(name + "-cert.pem")), name);
        }
        assertEquals("/O=Org/CN=u4+UID=4\n", ok(cli.run("subject", "bulk/u4-cert.pem")).out());
        assertEquals(4, JSON.readTree(ok(cli.run("cert", "list", "--output", "json")).out()).size());
    }

    @Test
    void aPasswordMustComeFromSomewhere() throws Exception {
        CliRunner noPassword = new CliRunner(dir);
        Run run = noPassword.run("ca", "create", "--subject", "/CN=x", "--key", "ec:p256");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("no store password"), run.err());
        Files.writeString(dir.resolve("pw.txt"), PASSWORD + "\n");
        ok(noPassword.run("ca", "create", "--subject", "/CN=x", "--key", "ec:p256", "--store-password-file", "pw.txt"));
        ok(cli.run("ca", "show"));
    }

    @Test
    void certShowTakesAStoredNameOrAFileWithTheSameJson() throws Exception {
        ok(cli.run("ca", "create", "--subject", "/CN=Show CA", "--key", "ec:p256"));
        ok(cli.run("cert", "issue", "--subject", "/O=Show/CN=app", "--key", "ec:p256", "--out-dir", "creds"));
        JsonNode fromFile = JSON.readTree(ok(cli.run("cert", "show", "creds/app-cert.pem", "--output", "json")).out());
        JsonNode fromName = JSON.readTree(ok(cli.run("cert", "show", "app", "--output", "json")).out());
        assertEquals(fromFile, fromName);
        assertEquals("/O=Show/CN=app", fromName.get("subject").asText());
        assertEquals(fromFile, JSON.readTree(ok(cli.run("cert", "show", "--name", "app", "--output", "json")).out()));
        assertEquals(ok(cli.run("cert", "show", "creds/app-cert.pem")).out(), ok(cli.run("cert", "show", "app")).out());

        // a file and a credential of the same name: refused, with the two ways to say which
        Files.copy(dir.resolve("creds/app-cert.pem"), dir.resolve("app"));
        Run both = cli.run("cert", "show", "app");
        assertEquals(2, both.exit(), both.toString());
        assertTrue(both.err().contains("./app") && both.err().contains("--name app"), both.err());
        assertEquals(fromFile, JSON.readTree(ok(cli.run("cert", "show", "./app", "--output", "json")).out()));
        // a bare file name no credential has is the file; a word that is neither is one line naming it
        Files.copy(dir.resolve("creds/app-cert.pem"), dir.resolve("plain.pem"));
        assertEquals(fromFile, JSON.readTree(ok(cli.run("cert", "show", "plain.pem", "--output", "json")).out()));
        Run neither = cli.run("cert", "show", "nobody");
        assertEquals(2, neither.exit(), neither.toString());
        assertTrue(neither.err().contains("nobody") && neither.err().contains("no such file"), neither.err());
        Run noName = cli.run("cert", "show", "--name", "plain.pem");
        assertEquals(2, noName.exit(), noName.toString());
        assertTrue(noName.err().contains("no credential named 'plain.pem'"), noName.err());
        // a path with a '/' never opens the store: no password needed
        ok(new CliRunner(dir).run("cert", "show", "./plain.pem"));
    }

    @Test
    void certListFiltersByNameStatusAndProfileAndKeepsTheColumnsAligned() throws Exception {
        ok(cli.run("ca", "create", "--subject", "/CN=List CA", "--key", "ec:p256"));
        String longName = "a_credential_name_of_exactly_sixty_characters_for_the_table_";
        assertEquals(60, longName.length());
        ok(cli.run("cert", "issue", "--subject", "/O=List/CN=long", "--name", longName, "--key", "ec:p256", "--days", "10"));
        ok(cli.run("cert", "issue", "--subject", "/O=List/CN=app_one", "--key", "ec:p256"));
        ok(cli.run("cert", "issue", "--subject", "/O=List/CN=app_two", "--key", "ec:p256"));
        ok(cli.run("cert", "renew", "app_two"));
        ok(cli.run("cert", "issue", "--subject", "/O=List/CN=gone", "--key", "ec:p256"));
        ok(cli.run("cert", "revoke", "gone"));
        ok(cli.run("cert", "issue", "--server", "--subject", "/CN=db.example.com", "--name", "db", "--key", "ec:p256"));

        assertEquals(List.of("app_one", "app_two", "app_two"), names("cert", "list", "--name", "app_*"));
        assertEquals(List.of("app_one"), names("cert", "list", "--name", "app_on?"));
        assertEquals(List.of("db"), names("cert", "list", "--name", "db"));
        assertEquals(List.of(), names("cert", "list", "--name", "app"));
        assertEquals(List.of("gone"), names("cert", "list", "--status", "revoked"));
        assertEquals(List.of("app_two"), names("cert", "list", "--status", "superseded"));
        assertEquals(List.of(), names("cert", "list", "--status", "expired"));
        assertEquals(List.of("db"), names("cert", "list", "--profile", "server"));
        assertEquals(List.of("app_two", "gone"), names("cert", "list", "--status", "superseded,revoked"));
        assertEquals(List.of(longName, "app_one", "app_two", "db"), names("cert", "list", "--status", "valid"));
        assertEquals(List.of("app_one", "app_two"), names("cert", "list", "--status", "valid", "--profile", "client", "--name", "app*"));
        // with --expiring-within: exit 1 only when something that matches the filters expires
        Run expiring = cli.run("cert", "list", "--expiring-within", "30d", "--profile", "client", "--output", "json");
        assertEquals(1, expiring.exit(), expiring.toString());
        assertEquals(longName, JSON.readTree(expiring.out()).get(0).get("name").asText());
        Run serversExpiring = cli.run("cert", "list", "--expiring-within", "30d", "--profile", "server");
        assertEquals(0, serversExpiring.exit(), serversExpiring.toString());
        assertTrue(serversExpiring.out().contains("Nothing expires within 30d"), serversExpiring.out());
        Run badStatus = cli.run("cert", "list", "--status", "alive");
        assertEquals(2, badStatus.exit(), badStatus.toString());
        assertTrue(badStatus.err().contains("--status: 'alive'") && badStatus.err().contains("superseded"), badStatus.err());
        Run badProfile = cli.run("cert", "list", "--profile", "robot");
        assertEquals(2, badProfile.exit(), badProfile.toString());
        assertTrue(badProfile.err().contains("--profile: 'robot'"), badProfile.err());

        // the text table: every column starts where its header does, on every row, the 60-character name included
        List<String> lines = ok(cli.run("cert", "list")).out().lines().toList();
        JsonNode rows = JSON.readTree(ok(cli.run("cert", "list", "--output", "json")).out());
        assertEquals(rows.size() + 1, lines.size(), String.join("\n", lines));
        String header = lines.get(0);
        String[][] columns = {{"NAME", "name"}, {"SERIAL", "serial"}, {"PROFILE", "profile"}, {"STATUS", "status"},
                {"NOT AFTER", "notAfter"}, {"SUBJECT", "subject"}};
        for (int row = 0; row < rows.size(); row++) {
            String line = lines.get(row + 1);
            for (String[] column : columns) {
                int at = header.indexOf(column[0]);
                String value = rows.get(row).get(column[1]).asText();
                assertTrue(line.startsWith(value, at) && (at == 0 || line.charAt(at - 1) == ' '),
                        column[0] + " of row " + row + " starts at " + at + ":\n" + String.join("\n", lines));
            }
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith(longName + "  ")), String.join("\n", lines));
    }

    private List<String> names(String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--output", "json"));
        Run run = cli.run(all.toArray(String[]::new));
        assertTrue(run.exit() == 0 || run.exit() == 1, run.toString());
        List<String> names = new java.util.ArrayList<>();
        JSON.readTree(run.out()).forEach(e -> names.add(e.get("name").asText()));
        return names;
    }
}
