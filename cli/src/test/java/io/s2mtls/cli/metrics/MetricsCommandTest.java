package io.s2mtls.cli.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.cli.metrics.ExpositionParser.Family;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static io.s2mtls.cli.metrics.ExpositionParser.family;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code s2mtls metrics} on a real store: standard output and --out both parse, the file is public and replaced whole. */
class MetricsCommandTest {
    static final String PASSWORD = "correct horse battery staple";
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    CliRunner cli;

    static Run ok(Run run) {
        assertEquals(0, run.exit(), run.toString());
        return run;
    }

    @BeforeEach
    void setUp() {
        cli = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", PASSWORD);
        ok(cli.run("ca", "create", "--subject", "/O=Metrics/CN=Metrics CA", "--key", "ec:p256"));
        ok(cli.run("cert", "issue", "--subject", "/O=Metrics/CN=app_reader", "--key", "ec:p256", "--days", "30", "--no-p12", "--out-dir", "c"));
        ok(cli.run("cert", "issue", "--subject", "/O=Metrics/OU=Q\"uote \\\\ back/CN=odd", "--name", "odd", "--allow-unsafe-subject", "--key", "ec:p256", "--no-p12", "--out-dir", "c"));
        ok(cli.run("cert", "issue", "--subject", "/O=Metrics/CN=leaver", "--key", "ec:p256", "--no-p12", "--out-dir", "c"));
        ok(cli.run("cert", "revoke", "leaver", "--reason", "left"));
    }

    @Test
    void standardOutputParsesAndNamesEveryCredential() throws Exception {
        Run run = ok(cli.run("metrics"));
        Map<String, Family> families = ExpositionParser.parse(run.out());
        Family expiry = family(families, "s2mtls_certificate_expiry_timestamp_seconds");
        assertEquals(3, expiry.samples().size(), expiry.toString());
        String oddSubject = JSON.readTree(ok(cli.run("cert", "show", "odd", "--output", "json")).out()).get("subject").asText();
        assertTrue(oddSubject.contains("\"") && oddSubject.contains("\\"), oddSubject);
        assertEquals(oddSubject, family(families, "s2mtls_certificate_info").with(Map.of("name", "odd")).labels().get("subject"));
        assertEquals(1.0, family(families, "s2mtls_certificate_revoked").with(Map.of("name", "leaver")).value());
        assertEquals(2.0, family(families, "s2mtls_certificates").with(Map.of("status", "valid")).value());
        assertEquals(1.0, family(families, "s2mtls_certificates").with(Map.of("status", "revoked")).value());
        Map<String, String> ca = family(families, "s2mtls_ca_expiry_timestamp_seconds").only().labels();
        assertEquals("issuing", ca.get("role"));
        assertEquals("/O=Metrics/CN=Metrics CA", ca.get("subject"));
        assertEquals(1.0, family(families, "s2mtls_ca_rotation_phase").with(Map.of("phase", "none")).value());
        assertFalse(families.containsKey("s2mtls_agent_last_renewal_timestamp_seconds"), "no agent ran");
        assertFalse(run.out().contains("PRIVATE") || run.out().contains(PASSWORD));
    }

    @Test
    void outReplacesTheFileAtomicallyWithMode0644AndPrintsNothing() throws Exception {
        Path prom = dir.resolve("textfile/s2mtls.prom");
        Files.createDirectories(prom.getParent());
        Files.writeString(prom, "stale\n");
        Run run = ok(cli.run("metrics", "--out", "textfile/s2mtls.prom"));
        assertEquals("", run.out(), "quiet for cron");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(prom)));
        String text = Files.readString(prom);
        assertEquals(3, family(ExpositionParser.parse(text), "s2mtls_certificate_expiry_timestamp_seconds").samples().size());
        try (var left = Files.list(prom.getParent())) {
            assertEquals(1, left.count(), "no temporary file left beside it");
        }
        JsonNode written = JSON.readTree(ok(cli.run("metrics", "--out", "textfile/s2mtls.prom", "--output", "json")).out());
        assertEquals(prom.toString(), written.get("file").asText());

        Files.createSymbolicLink(dir.resolve("link.prom"), prom);
        Run refused = cli.run("metrics", "--out", "link.prom");
        assertEquals(2, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("symbolic link"), refused.err());
    }

    @Test
    void jsonListsTheSameSamples() throws Exception {
        JsonNode families = JSON.readTree(ok(cli.run("metrics", "--output", "json")).out());
        JsonNode expiry = null;
        for (JsonNode family : families) {
            if (family.get("name").asText().equals("s2mtls_certificate_expiry_timestamp_seconds")) {
                expiry = family;
            }
        }
        assertTrue(expiry != null && expiry.get("samples").size() == 3, families.toString());
        assertEquals("gauge", expiry.get("type").asText());
    }
}
