package io.s2mtls.cli.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.core.spi.S2mtlsPlugin;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An integrator drops a plugin jar into a directory and names it with --plugin-path or S2MTLS_PLUGIN_PATH;
 * the command line then serves the plugin's store scheme without being rebuilt. The jar is built here and
 * holds only the service registration: its class comes from the test class path, the way a plugin's classes
 * would come from its own jar.
 */
class PluginPathTest {
    static final String SERVICE_FILE = "META-INF/services/" + S2mtlsPlugin.class.getName();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;
    @TempDir
    Path pluginDir;

    @BeforeEach
    void buildThePluginJar() throws IOException {
        Path jar = pluginDir.resolve("memtest-plugin.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(SERVICE_FILE));
            out.write((MemoryStorePlugin.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        try (JarFile built = new JarFile(jar.toFile())) {
            assertEquals(List.of(SERVICE_FILE), built.stream().map(JarEntry::getName).toList());
        }
    }

    private CliRunner cli() {
        return new CliRunner(work).env("S2MTLS_STORE_PASSWORD", "correct horse battery staple");
    }

    private static Run ok(Run run) {
        assertEquals(0, run.exit(), run.toString());
        return run;
    }

    @Test
    void theSkeletonIsNotRegisteredOnTheClassPath() {
        for (S2mtlsPlugin plugin : ServiceLoader.load(S2mtlsPlugin.class)) {
            assertFalse(plugin instanceof MemoryStorePlugin, "registered on the test class path: the plugin path would prove nothing");
        }
    }

    @Test
    void withoutThePluginPathTheSchemeIsUnknown() {
        Run run = cli().run("--store", "memtest:x", "cert", "list");
        assertEquals(2, run.exit(), run.toString());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("no plugin serves the store scheme 'memtest'"), run.err());
        assertTrue(run.err().contains("available: ") && run.err().contains("pkcs12") && run.err().contains("vault"), run.err());
        assertTrue(run.err().contains("--plugin-path or S2MTLS_PLUGIN_PATH"), run.err());
    }

    @Test
    void thePluginPathOptionLoadsTheJar() throws Exception {
        CliRunner cli = cli();
        String[] global = {"--store", "memtest:via-option", "--plugin-path", pluginDir.toString()};
        createIssueList(cli, global);
    }

    @Test
    void thePluginPathVariableLoadsTheJar() throws Exception {
        CliRunner cli = cli().env("S2MTLS_PLUGIN_PATH", pluginDir.toString());
        createIssueList(cli, new String[] {"--store", "memtest:via-env"});
    }

    @Test
    void aPluginPathEntryMayNameTheJarItself() throws Exception {
        CliRunner cli = cli();
        createIssueList(cli, new String[] {"--store", "memtest:via-jar", "--plugin-path", pluginDir.resolve("memtest-plugin.jar").toString()});
    }

    @Test
    void aPluginPathThatIsNotThereFailsLoudly() {
        Run run = cli().run("--store", "memtest:x", "--plugin-path", pluginDir.resolve("missing").toString(), "cert", "list");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("is neither a directory nor a jar"), run.err());
    }

    private void createIssueList(CliRunner cli, String[] global) throws Exception {
        Run created = ok(cli.run(args(global, "ca", "create", "--subject", "/O=Plugin/CN=Plugin CA", "--key", "ec:p256")));
        assertTrue(created.out().contains("Created CA /O=Plugin/CN=Plugin CA"), created.out());
        ok(cli.run(args(global, "cert", "issue", "--subject", "/O=Plugin/CN=carol", "--key", "ec:p256")));
        JsonNode list = JSON.readTree(ok(cli.run(args(global, "cert", "list", "--output", "json"))).out());
        assertEquals(1, list.size(), list.toString());
        assertEquals("carol", list.get(0).get("name").asText());
        assertEquals(global[1], JSON.readTree(ok(cli.run(args(global, "ca", "show", "--output", "json"))).out()).get("store").asText());
        // a wrong password is refused by the plugin, through the command line
        Run wrong = new CliRunner(work).env("S2MTLS_STORE_PASSWORD", "not it")
                .env("S2MTLS_PLUGIN_PATH", pluginDir.toString()).run(args(global, "cert", "list"));
        assertEquals(2, wrong.exit(), wrong.toString());
        assertTrue(wrong.err().contains("wrong store password"), wrong.err());
        // and an option it does not know is refused by the host
        Run option = cli.run(args(global, "cert", "list", "--store-option", "colour=blue"));
        assertEquals(2, option.exit(), option.toString());
        assertTrue(option.err().contains("does not know colour; it accepts: none"), option.err());
        // the store lives in the plugin, not on disk
        try (Stream<Path> files = Files.list(work)) {
            assertEquals(List.of(), files.toList());
        }
    }

    private static String[] args(String[] global, String... command) {
        return Stream.concat(Stream.of(global), Stream.of(command)).toArray(String[]::new);
    }
}
