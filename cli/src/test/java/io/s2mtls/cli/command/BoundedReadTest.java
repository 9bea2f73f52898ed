package io.s2mtls.cli.command;

import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.s2mtls.cli.command.CommandLineTest.PASSWORD;
import static io.s2mtls.cli.command.CommandLineTest.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every file a person names is read with a bound: a device, a FIFO, a directory or an over-large file
 * is refused at once (exit 2, one line naming the file), before it is opened, for every command that
 * reads one.
 */
class BoundedReadTest {
    @TempDir
    Path dir;
    CliRunner cli;
    Path store;
    Path fifo;

    @BeforeEach
    void setUp() throws Exception {
        cli = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", PASSWORD);
        ok(cli.run("ca", "create", "--subject", "/CN=Bounded CA", "--key", "ec:p256"));
        ok(cli.run("cert", "issue", "--subject", "/CN=ok", "--key", "ec:p256", "--out-dir", "creds"));
        store = dir.resolve("s2mtls.p12");
        fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
    }

    /** Releases a reader that the old code left blocked on the FIFO, so a failing run does not hang the JVM. */
    @AfterEach
    void releaseTheFifo() {
        for (int i = 0; i < 4; i++) {
            Thread opener = new Thread(() -> {
                try (var out = Files.newOutputStream(fifo, StandardOpenOption.WRITE)) {
                    out.write(new byte[0]);
                } catch (Exception ignored) {
                    // no reader waiting
                }
            });
            opener.setDaemon(true);
            opener.start();
        }
    }

    private void refused(Path file, String says, String... args) throws Exception {
        byte[] before = Files.readAllBytes(store);
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> cli.run(args), () -> "hangs: " + String.join(" ", args));
        assertEquals(2, run.exit(), String.join(" ", args) + "\n" + run);
        String err = run.err().strip();
        if (err.isEmpty()) {
            err = run.out().strip(); // cert verify reports per file on stdout
        }
        assertFalse(err.contains("\n"), "one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("Error") || err.contains("\tat "), "no stack trace: " + err);
        assertTrue(err.contains(file.getFileName().toString()), err + " should name " + file);
        assertTrue(err.contains(says), err + " should say " + says);
        assertArrayEquals(before, Files.readAllBytes(store), "the store changed");
    }

    /** Every command that reads a file a person names, with {@code file} in the place of that file. */
    private List<String[]> readersOf(String file) {
        String key = "creds/ok-key.pem";
        String cert = "creds/ok-cert.pem";
        List<String[]> commands = new ArrayList<>();
        commands.add(new String[]{"cert", "show", file});
        commands.add(new String[]{"subject", file});
        commands.add(new String[]{"cert", "verify", file});
        commands.add(new String[]{"cert", "verify", "--ca", file, cert});
        commands.add(new String[]{"cert", "sign", "--csr", file, "--out", "signed.pem"});
        commands.add(new String[]{"ca", "import", "--cert", file, "--key", key, "--force"});
        commands.add(new String[]{"ca", "import", "--cert", cert, "--key", file, "--force"});
        commands.add(new String[]{"cert", "issue", "--subjects-file", file, "--out-dir", "bulk", "--key", "ec:p256"});
        commands.add(new String[]{"plan", "-f", file});
        return commands;
    }

    private List<String[]> passwordReadersOf(String file) {
        List<String[]> commands = new ArrayList<>();
        commands.add(new String[]{"--store-password-file", file, "cert", "list"});
        commands.add(new String[]{"cert", "issue", "--subject", "/CN=pw", "--key", "ec:p256", "--out-dir", "pw", "--p12-password-file", file});
        commands.add(new String[]{"cert", "export", "ok", "--out-dir", "pw", "--p12-password-file", file});
        return commands;
    }

    @Test
    void aDeviceIsRefusedAtOnce() throws Exception {
        Path zero = Path.of("/dev/zero");
        for (String[] args : readersOf("/dev/zero")) {
            refused(zero, "not a regular file", args);
        }
        for (String[] args : passwordReadersOf("/dev/zero")) {
            refused(zero, "not a regular file", args);
        }
        refused(zero, "not a regular file", "--store", "pkcs12:/dev/zero", "cert", "list");
    }

    @Test
    void aFifoIsRefusedWithoutOpeningIt() throws Exception {
        for (String[] args : readersOf("fifo")) {
            refused(fifo, "not a regular file", args);
        }
        for (String[] args : passwordReadersOf("fifo")) {
            refused(fifo, "not a regular file", args);
        }
    }

    @Test
    void aDirectoryIsRefused() throws Exception {
        Files.createDirectory(dir.resolve("adir"));
        for (String[] args : readersOf("adir")) {
            refused(dir.resolve("adir"), "is a directory", args);
        }
        for (String[] args : passwordReadersOf("adir")) {
            refused(dir.resolve("adir"), "is a directory", args);
        }
    }

    @Test
    void aHugeSparseFileIsRefusedBeforeItIsRead() throws Exception {
        Path huge = dir.resolve("huge.pem");
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(4L << 30);
        }
        for (String[] args : readersOf("huge.pem")) {
            refused(huge, "limit", args);
        }
        Path bigPassword = dir.resolve("big.pw");
        try (RandomAccessFile file = new RandomAccessFile(bigPassword.toFile(), "rw")) {
            file.setLength(65 << 10);
        }
        for (String[] args : passwordReadersOf("big.pw")) {
            refused(bigPassword, "limit", args);
        }
    }
}
