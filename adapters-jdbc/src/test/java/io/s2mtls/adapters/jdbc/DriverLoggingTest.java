package io.s2mtls.adapters.jdbc;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver's own log lines stay off stderr unless verbose (checked in a fresh JVM, as the CLI runs). */
@ExtendWith(TestDatabaseExtension.class)
class DriverLoggingTest {

    @Test
    void quietUnlessVerbose() {
        TestDatabase db = TestDatabase.get();
        ExternalTool.Result quiet = probe(db, false);
        assertEquals(0, quiet.exitCode(), quiet.stderr());
        assertEquals("", quiet.stderr(), "driver output on stderr without --verbose");
        ExternalTool.Result verbose = probe(db, true);
        assertEquals(0, verbose.exitCode(), verbose.stderr());
        assertTrue(verbose.stderr().contains("com.singlestore"), "verbose shows the driver's lines: " + verbose.stderr());
    }

    private static ExternalTool.Result probe(TestDatabase db, boolean verbose) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return ExternalTool.run(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                DriverLoggingProbe.class.getName(), db.jdbcUrl(), db.caFile().toString(), String.valueOf(verbose)), null, Map.of(), null);
    }
}
