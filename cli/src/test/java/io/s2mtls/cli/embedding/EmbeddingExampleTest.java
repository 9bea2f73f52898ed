package io.s2mtls.cli.embedding;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.spi.S2mtlsPlugin;
import io.s2mtls.core.spi.StoreLocation;
import io.s2mtls.core.usecase.IssueCommand;
import io.s2mtls.core.usecase.IssuedCertificate;
import io.s2mtls.core.x509.Certificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example of docs/develop/embedding.md, compiled and run; and a check that the page still shows this very code. */
class EmbeddingExampleTest {
    @TempDir
    Path dir;

    @Test
    void theDocumentedExampleRuns() {
        // embedding-example:start
        PluginRegistry plugins = new PluginRegistry(ServiceLoader.load(S2mtlsPlugin.class));
        PluginContext context = PluginContext.of(Map.of(), Map.of(), () -> "a store password".toCharArray());
        StoreLocation location = StoreLocation.parse("pkcs12:" + dir.resolve("team.p12"));
        try (CredentialStore store = plugins.store(location.scheme()).open(location, context)) {
            S2mtls s2mtls = S2mtls.builder(store).build();
            s2mtls.authority().create(DistinguishedName.parse("/O=Example/CN=Example CA"), KeySpec.EC_P256, 3650, false);
            IssuedCertificate alice = s2mtls.issuance().issue(
                    IssueCommand.client(DistinguishedName.parse("/O=Example/CN=alice")).withKey(KeySpec.EC_P256));
            String sql = "CREATE USER 'alice'@'%' REQUIRE SUBJECT "
                    + Certificates.subjectOf(alice.certificate()).sqlLiteral();
            // -> CREATE USER 'alice'@'%' REQUIRE SUBJECT '/O=Example/CN=alice'
            // embedding-example:end
            assertEquals("CREATE USER 'alice'@'%' REQUIRE SUBJECT '/O=Example/CN=alice'", sql);
            assertEquals(1, s2mtls.inventory().list().size());
            assertTrue(s2mtls.verification().verify(alice.certificate()).isOk());
        }
    }

    @Test
    void thePageShowsThisCode() throws Exception {
        List<String> source = between(Files.readAllLines(Path.of("src/test/java/io/s2mtls/cli/embedding/EmbeddingExampleTest.java")));
        List<String> page = between(Files.readAllLines(Path.of("../docs/develop/embedding.md"), StandardCharsets.UTF_8));
        assertEquals(source, page, "docs/develop/embedding.md's example differs from the code this test runs");
    }

    private static List<String> between(List<String> lines) {
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (start < 0 && line.equals("// embedding-example:start")) {
                start = i;
            } else if (start >= 0 && end < 0 && line.equals("// embedding-example:end")) {
                end = i;
            }
        }
        assertTrue(start >= 0 && end > start, "markers not found");
        return lines.subList(start + 1, end).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
