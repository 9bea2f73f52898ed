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

/** The main job: the seed document in one command, on a machine with no password configured. */
class QuickstartTest {
    @TempDir
    Path dir;

    @Test
    void quickstartDoesTheWholeSeedProcedure() throws Exception {
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
        assertTrue(out.contains("singlestore -u s2user"), out);
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
        // a second run refuses to clobber the first
        Run again = cli.run("quickstart", "--dir", "qs");
        assertEquals(2, again.exit(), again.toString());
        assertTrue(again.err().contains("--force"), again.err());
    }
}
