package io.s2mtls.cli.db;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.cli.Transcript;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start that the command-line test classes against the private MariaDB server share: one test instance
 * for the whole class, the run's server, and a store in the class's temporary directory whose CA the server
 * trusts for client certificates, with the command line that uses that store and logs in as the server's
 * administrator. A subclass names its store password and its CA's subject.
 */
@ExtendWith(TestDatabaseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DatabaseCliSetup {
    private final String storePassword;
    private final String caSubject;

    /** The class's temporary directory: the store ({@code s2mtls.p12}), {@code store-ca.pem} and the command lines' files. */
    protected Path dir;
    protected TestDatabase db;
    /** The command line in {@link #dir} with the store password and the admin login in its environment. */
    protected CliRunner cli;
    protected String adminPassword;

    /** A subclass's store password and the subject of its store's CA (OpenSSL one-line form, {@code /O=.../CN=...}). */
    protected DatabaseCliSetup(String storePassword, String caSubject) {
        this.storePassword = storePassword;
        this.caSubject = caSubject;
    }

    @BeforeAll
    protected final void storeCaTrustedByTheServer(@TempDir Path classDir) throws IOException {
        dir = classDir;
        db = TestDatabase.get();
        adminPassword = new String(db.adminPassword());
        cli = DatabaseFixture.trustedStore(db, dir, storePassword, caSubject);
    }

    /**
     * {@code args}, followed by {@code --ca} naming the CA of the server's certificate when the command reaches
     * the server and names no {@code --ca} of its own.
     */
    protected final List<String> withServerCa(boolean reachesServer, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        if (reachesServer && !all.contains("--ca")) {
            all.add("--ca");
            all.add(db.caFile().toString());
        }
        return all;
    }

    /** Runs a command line with {@link #cli}, adds it to {@code transcript}, and checks that the admin password is not printed. */
    protected final Run recorded(Transcript transcript, List<String> args) {
        Run run = cli.run(args.toArray(String[]::new));
        transcript.add(args, run);
        assertFalse(run.out().contains(adminPassword) || run.err().contains(adminPassword), "admin password printed: " + run);
        return run;
    }

    /** Asserts that the command succeeded (exit 0). */
    protected static Run ok(Run run) {
        assertEquals(0, run.exit(), run.toString());
        return run;
    }

    /** Asserts that the command failed with {@code exit} and one line on stderr starting {@code s2mtls: }. */
    protected static Run fails(int exit, Run run) {
        assertEquals(exit, run.exit(), run.toString());
        assertTrue(run.err().startsWith("s2mtls: ") && run.err().strip().lines().count() == 1, "one-line error: " + run);
        return run;
    }
}
