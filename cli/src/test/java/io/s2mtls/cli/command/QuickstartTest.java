package io.s2mtls.cli.command;

import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static io.s2mtls.core.testing.ExternalTool.openssl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main job: the manual openssl procedure in one command, on a machine with no password configured, and what to do next. */
class QuickstartTest {
    @TempDir
    Path dir;

    @Test
    void quickstartDoesTheWholeManualProcedure() throws Exception {
        CliRunner cli = new CliRunner(dir);
        Run run = cli.run("quickstart", "--dir", "qs");
        assertEquals(0, run.exit(), run.toString());
        Path qs = dir.resolve("qs");
        Path passwordFile = qs.resolve("store-password.txt");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
        assertTrue(run.err().contains(passwordFile.toString()), "says where the password is: " + run.err());
        String password = Files.readString(passwordFile).strip();
        assertTrue(!run.out().contains(password) && !run.err().contains(password), "password printed");
        String out = run.out();
        assertTrue(out.contains("ssl_ca_for_client_cert = " + qs.resolve("ca-cert.pem")), out);
        assertTrue(out.contains("CREATE USER 's2user'@'%' REQUIRE X509;"), out);
        assertTrue(out.contains("CREATE USER 's2user'@'%' REQUIRE SUBJECT '/C=US/ST=CA/L=SanFrancisco/O=ExampleOrg/OU=Client/CN=client.example.com';"), out);
        assertTrue(out.contains(" -u s2user --ssl-mode=VERIFY_CA"), out);
        assertTrue(out.contains("--ssl-cert=" + qs.resolve("client-cert.pem")), out);
        assertTrue(out.contains("jdbc:singlestore://"), out);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(qs.resolve("client-key.pem"))));
        Path cert = qs.resolve("client-cert.pem");
        assertEquals(cert + ": OK", openssl("verify", "-CAfile", qs.resolve("ca-cert.pem").toString(), cert.toString()).out().strip());
        String caText = openssl("x509", "-in", qs.resolve("ca-cert.pem").toString(), "-noout", "-text").out();
        assertTrue(caText.contains("Public-Key: (4096 bit)") && caText.contains("sha256WithRSAEncryption"), caText);
        List<String> p12 = List.of(ExternalTool.require("openssl").toString(), "pkcs12", "-info", "-noout", "-in",
                qs.resolve("s2mtls.p12").toString(), "-passin", "env:PW");
        ExternalTool.run(p12, null, Map.of("PW", password), null).requireSuccess(p12);
        // the client's .p12 has its own password, beside it at 0600; the store password does not open it
        Path clientPass = qs.resolve("client.p12.pass");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(clientPass)));
        String clientPassword = Files.readString(clientPass).strip();
        assertTrue(!out.contains(clientPassword) && !run.err().contains(clientPassword), "p12 password printed");
        ClientP12PasswordTest.ownPasswordAndStrength(qs.resolve("client.p12"), clientPassword, password);
        String jdbc = out.lines().filter(l -> l.startsWith("jdbc:singlestore://")).findFirst().orElseThrow();
        assertTrue(jdbc.contains("keyStore=file://" + qs.resolve("client.p12")) && jdbc.contains(clientPass.toString()), jdbc);
        assertTrue(!jdbc.contains("store password"), jdbc);
        // the flags to go on with the store it made, and they work as printed
        String flags = "--store pkcs12:" + qs.resolve("s2mtls.p12") + " --store-password-file " + passwordFile;
        assertTrue(out.contains(flags), out);
        Run list = new CliRunner(dir).run("--store", "pkcs12:" + qs.resolve("s2mtls.p12"), "--store-password-file", passwordFile.toString(),
                "cert", "list");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().contains("client"), list.out());
        // both clients, with their own TLS flags, host and port in every connect line
        assertTrue(out.contains("singlestore -h localhost -P 3306 --protocol=TCP -u s2user --ssl-mode=VERIFY_CA"), out);
        String maria = out.lines().filter(l -> l.startsWith("mariadb ")).findFirst().orElseThrow(() -> new AssertionError(out));
        assertTrue(maria.contains("--ssl --ssl-verify-server-cert --ssl-ca=" + qs.resolve("ca-cert.pem")) && !maria.contains("--ssl-mode"), maria);
        assertTrue(jdbc.startsWith("jdbc:singlestore://localhost:3306/"), jdbc);
        // the server's own certificate, and what ssl_ca_for_client_cert is
        assertTrue(out.contains("cert issue --server --subject /CN=localhost --san DNS:localhost,IP:127.0.0.1 --name db-server"), out);
        assertTrue(out.contains("server-config --credential db-server"), out);
        // the same words as server-config about SSL_RELOAD, and not "restart or SSL_RELOAD"
        assertTrue(out.contains(io.s2mtls.cli.command.serverconfig.ServerConfigCommand.RELOAD_CLIENT_CA), out);
        assertTrue(out.contains(io.s2mtls.cli.command.serverconfig.ServerConfigCommand.RELOAD_CERT_AND_KEY), out);
        assertTrue(!out.contains("restart or SSL_RELOAD"), out);
        // a second run refuses to clobber the first
        Run again = cli.run("quickstart", "--dir", "qs");
        assertEquals(2, again.exit(), again.toString());
        assertTrue(again.err().contains("--force"), again.err());
    }

    @Test
    void hostAndPortGoIntoEveryConnectLine() {
        Run run = new CliRunner(dir).run("quickstart", "--dir", "qs", "--host", "db1.example.com", "--port", "3307", "--user", "app");
        assertEquals(0, run.exit(), run.toString());
        List<String> connect = run.out().lines().filter(l -> l.startsWith("singlestore ") || l.startsWith("mariadb ")
                || l.startsWith("jdbc:")).toList();
        assertEquals(3, connect.size(), run.out());
        for (String line : connect) {
            assertTrue(line.contains("db1.example.com") && line.contains("3307") && !line.contains("3306") && !line.contains("localhost"), line);
        }
        assertTrue(run.out().contains("--san DNS:db1.example.com --name db-server"), run.out());
    }

    @Test
    void jsonHasEveryLine() throws Exception {
        Run run = new CliRunner(dir).run("--output", "json", "quickstart", "--dir", "qs", "--port", "3310");
        assertEquals(0, run.exit(), run.toString());
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out());
        Path qs = dir.resolve("qs");
        assertEquals("--store pkcs12:" + qs.resolve("s2mtls.p12") + " --store-password-file " + qs.resolve("store-password.txt"),
                json.path("storeFlags").asText(), json.toString());
        assertEquals("localhost", json.path("host").asText());
        assertEquals(3310, json.path("port").asInt());
        assertTrue(json.path("mariadbCommand").asText().startsWith("mariadb -h localhost -P 3310"), json.toString());
        assertTrue(json.path("singlestoreCommand").asText().contains("-P 3310"), json.toString());
        assertTrue(json.path("serverCertificateCommand").asText().contains("cert issue --server"), json.toString());
        assertTrue(json.path("serverConfigCommand").asText().contains("server-config --credential db-server"), json.toString());
        assertEquals(2, json.path("reloadNotes").size(), json.toString());
        for (String field : List.of("serverConfig", "createUserX509", "createUserSubject", "jdbcUrl", "clientCaNote")) {
            assertTrue(!json.path(field).asText().isEmpty(), field + " missing: " + json);
        }
    }

    @Test
    void helpCitesNoOutsideDocument() {
        Run help = new CliRunner(dir).run("quickstart", "--help");
        assertEquals(0, help.exit(), help.toString());
        assertTrue(!help.out().toLowerCase(java.util.Locale.ROOT).contains("seed procedure"), help.out());
        assertTrue(help.out().contains("--port") && help.out().contains("--server-ca"), help.out());
    }

    @Test
    void badPortHostOrServerCaIsRefusedBeforeAnythingIsMade() {
        CliRunner cli = new CliRunner(dir);
        for (String[] args : List.of(new String[] {"--port", "70000"}, new String[] {"--host", "db1 example"},
                new String[] {"--server-ca", "missing.pem"})) {
            List<String> all = new java.util.ArrayList<>(List.of("quickstart", "--dir", "qs"));
            all.addAll(List.of(args));
            Run run = cli.run(all.toArray(String[]::new));
            assertEquals(2, run.exit(), run.toString());
            assertTrue(run.err().contains(args[0]) && run.err().lines().count() == 1, run.err());
            assertTrue(!Files.exists(dir.resolve("qs")), "nothing made for " + args[0]);
        }
    }
}
