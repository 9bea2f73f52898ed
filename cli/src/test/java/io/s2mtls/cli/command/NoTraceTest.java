package io.s2mtls.cli.command;

import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static io.s2mtls.cli.command.CommandLineTest.PASSWORD;
import static io.s2mtls.cli.command.CommandLineTest.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A refused command leaves no trace: every bad output directory, planted link, absurd --parallelism
 * and bad name is found before the store is written, so the store stays byte-identical, no file
 * appears, and the corrected retry succeeds. Also: stale temporary files are removed, and the
 * directories s2mtls creates are 0700.
 */
class NoTraceTest {
    @TempDir
    Path dir;
    CliRunner cli;
    Path store;

    @BeforeEach
    void setUp() {
        cli = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", PASSWORD);
        ok(cli.run("ca", "create", "--subject", "/CN=No Trace CA", "--key", "ec:p256"));
        store = dir.resolve("s2mtls.p12");
    }

    private Run refused(String says, String... args) throws Exception {
        byte[] before = Files.readAllBytes(store);
        List<String> listing = listing();
        Run run = cli.run(args);
        assertEquals(2, run.exit(), run.toString());
        String err = run.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        assertTrue(err.contains(says), err + " should say " + says);
        assertArrayEquals(before, Files.readAllBytes(store), "the store changed");
        assertEquals(listing, listing(), "files were written");
        return run;
    }

    private List<String> listing() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> !f.getFileName().toString().startsWith("s2mtls.p12"))
                    .map(f -> dir.relativize(f).toString()).sorted().toList();
        }
    }

    @Test
    void anOutDirThatIsAFileIsFoundBeforeTheCredentialIsStored() throws Exception {
        Files.writeString(dir.resolve("afile"), "x");
        refused("afile", "cert", "issue", "--subject", "/CN=frank", "--key", "ec:p256", "--out-dir", "afile");
        refused("afile", "cert", "issue", "--subject", "/CN=frank", "--key", "ec:p256", "--out-dir", "afile/sub");
        Files.writeString(dir.resolve("subjects.txt"), "/CN=frank\n/CN=grace\n");
        refused("afile", "cert", "issue", "--subjects-file", "subjects.txt", "--key", "ec:p256", "--out-dir", "afile/sub");
        ok(cli.run("cert", "issue", "--subject", "/CN=frank", "--key", "ec:p256", "--out-dir", "creds"));
        ok(cli.run("cert", "issue", "--subjects-file", "subjects.txt", "--key", "ec:p256", "--out-dir", "bulk", "--force"));
    }

    @Test
    void renewAndExportCheckTheOutDirFirst() throws Exception {
        ok(cli.run("cert", "issue", "--subject", "/CN=olga", "--key", "ec:p256"));
        Files.writeString(dir.resolve("afile"), "x");
        refused("afile", "cert", "renew", "olga", "--out-dir", "afile");
        refused("afile", "cert", "renew", "olga", "--out-dir", "afile/sub");
        refused("afile", "cert", "export", "olga", "--out-dir", "afile/sub");
        Path elsewhere = dir.resolve("elsewhere.txt");
        Files.writeString(elsewhere, "do not touch");
        Files.createDirectory(dir.resolve("renewed"));
        Files.createSymbolicLink(dir.resolve("renewed/olga-key.pem"), elsewhere);
        refused("olga-key.pem", "cert", "renew", "olga", "--out-dir", "renewed");
        assertEquals("do not touch", Files.readString(elsewhere));
        Files.delete(dir.resolve("renewed/olga-key.pem"));
        ok(cli.run("cert", "renew", "olga", "--out-dir", "renewed"));
    }

    @Test
    void anOutDirThatCannotBeWritten() throws Exception {
        if ("root".equals(System.getProperty("user.name"))) {
            // root writes through permissions; procfs directories refuse it all the same
            Path proc = Path.of("/proc/1");
            Assumptions.assumeFalse(Files.isWritable(proc), "no directory root cannot write to");
            refused("not writable", "cert", "issue", "--subject", "/CN=heidi", "--key", "ec:p256", "--out-dir", proc.resolve("creds").toString());
            ok(cli.run("cert", "issue", "--subject", "/CN=heidi", "--key", "ec:p256", "--out-dir", "creds"));
            return;
        }
        Path readOnly = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-x------"));
        refused("not writable", "cert", "issue", "--subject", "/CN=heidi", "--key", "ec:p256", "--out-dir", "ro");
        refused("not writable", "cert", "issue", "--subject", "/CN=heidi", "--key", "ec:p256", "--out-dir", "ro/sub");
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwx------"));
        ok(cli.run("cert", "issue", "--subject", "/CN=heidi", "--key", "ec:p256", "--out-dir", "ro"));
    }

    @Test
    void plantedSymbolicLinksAreRefusedAndNeverFollowed() throws Exception {
        Path creds = Files.createDirectory(dir.resolve("creds"));
        Path elsewhere = dir.resolve("elsewhere.txt");
        Files.writeString(elsewhere, "do not touch");
        // a dangling link where the key goes
        Files.createSymbolicLink(creds.resolve("ivan-key.pem"), dir.resolve("stolen-key.pem"));
        refused("ivan-key.pem", "cert", "issue", "--subject", "/CN=ivan", "--key", "ec:p256", "--out-dir", "creds");
        refused("symbolic link", "cert", "issue", "--subject", "/CN=ivan", "--key", "ec:p256", "--out-dir", "creds", "--force");
        assertFalse(Files.exists(dir.resolve("stolen-key.pem")));
        Files.delete(creds.resolve("ivan-key.pem"));
        // a link to an existing file elsewhere, even with --force
        Files.createSymbolicLink(creds.resolve("ivan.p12"), elsewhere);
        refused("ivan.p12", "cert", "issue", "--subject", "/CN=ivan", "--key", "ec:p256", "--out-dir", "creds", "--force");
        Files.createSymbolicLink(dir.resolve("ca-link"), elsewhere);
        Files.createDirectory(dir.resolve("creds2"));
        Files.move(dir.resolve("ca-link"), dir.resolve("creds2/ca-cert.pem"));
        refused("ca-cert.pem", "cert", "issue", "--subject", "/CN=ivan", "--key", "ec:p256", "--out-dir", "creds2", "--force");
        Files.writeString(dir.resolve("subjects.txt"), "/CN=judy\n/CN=ivan\n");
        refused("ivan.p12", "cert", "issue", "--subjects-file", "subjects.txt", "--key", "ec:p256", "--out-dir", "creds", "--force");
        assertEquals("do not touch", Files.readString(elsewhere));
        Files.delete(creds.resolve("ivan.p12"));
        // the retry with the link removed succeeds: nothing was stored before
        ok(cli.run("cert", "issue", "--subject", "/CN=ivan", "--key", "ec:p256", "--out-dir", "creds"));
        assertTrue(Files.isRegularFile(creds.resolve("ivan-key.pem"), LinkOption.NOFOLLOW_LINKS));
        // export refuses a link too
        Files.createSymbolicLink(dir.resolve("exp-link"), elsewhere);
        Files.createDirectory(dir.resolve("exp"));
        Files.move(dir.resolve("exp-link"), dir.resolve("exp/ivan-cert.pem"));
        refused("ivan-cert.pem", "cert", "export", "ivan", "--out-dir", "exp", "--force");
        assertEquals("do not touch", Files.readString(elsewhere));
    }

    @Test
    void anAbsurdParallelismAndABadName() throws Exception {
        Files.writeString(dir.resolve("subjects.txt"), "/CN=kim\n/CN=lee\n");
        refused("--parallelism", "cert", "issue", "--subjects-file", "subjects.txt", "--key", "ec:p256", "--out-dir", "creds", "--parallelism", "0");
        refused("--parallelism", "cert", "issue", "--subjects-file", "subjects.txt", "--key", "ec:p256", "--out-dir", "creds", "--parallelism", "-3");
        refused("--parallelism", "cert", "issue", "--subjects-file", "subjects.txt", "--key", "ec:p256", "--out-dir", "creds", "--parallelism", "100000");
        refused("--parallelism", "cert", "issue", "--subject", "/CN=kim", "--key", "ec:p256", "--out-dir", "creds", "--parallelism", "0");
        refused("--name", "cert", "issue", "--subject", "/CN=kim", "--key", "ec:p256", "--out-dir", "creds", "--name", "kim ");
        refused("--name", "cert", "issue", "--subject", "/CN=kim", "--key", "ec:p256", "--out-dir", "creds", "--name", " kim");
        ok(cli.run("cert", "issue", "--subject", "/CN=kim", "--key", "ec:p256", "--out-dir", "creds", "--name", "kim"));
        ok(cli.run("cert", "issue", "--subjects-file", "subjects.txt", "--key", "ec:p256", "--out-dir", "creds", "--parallelism", "2", "--force"));
    }

    @Test
    void staleTemporaryFilesAreRemovedByTheNextWrite() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long deadPid = gone.pid();
        Path creds = Files.createDirectory(dir.resolve("creds"));
        Path stale = creds.resolve(".old-key.pem.s2mtls-tmp-" + deadPid + "-1f2e3d");
        Path legacy = creds.resolve(".old-key.pem.tmp-" + deadPid + "-123456789");
        Path live = creds.resolve(".other-key.pem.s2mtls-tmp-" + ProcessHandle.current().pid() + "-abc");
        for (Path temp : List.of(stale, legacy, live)) {
            Files.writeString(temp, "-----BEGIN PRIVATE KEY-----\n");
        }
        ok(cli.run("cert", "issue", "--subject", "/CN=mia", "--key", "ec:p256", "--out-dir", "creds"));
        assertFalse(Files.exists(stale), "a dead writer's temporary file is removed");
        assertFalse(Files.exists(legacy), "an old-style temporary file is removed");
        assertTrue(Files.exists(live), "a running writer's temporary file is left alone");
        try (Stream<Path> files = Files.list(creds)) {
            assertEquals(List.of(".other-key.pem.s2mtls-tmp-" + ProcessHandle.current().pid() + "-abc", "ca-cert.pem",
                            "mia-cert.pem", "mia-key.pem", "mia.p12", "mia.p12.pass"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void directoriesAreCreatedOwnerOnly() throws Exception {
        ok(cli.run("cert", "issue", "--subject", "/CN=nina", "--key", "ec:p256", "--out-dir", "a/b/c"));
        for (String created : List.of("a", "a/b", "a/b/c")) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(created))), created);
        }
        ok(cli.run("cert", "export", "nina", "--out-dir", "x/y"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("x"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("x/y"))));
        Run quick = new CliRunner(dir).run("quickstart", "--dir", "qs/deep", "--key", "ec:p256");
        assertEquals(0, quick.exit(), quick.toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("qs"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("qs/deep"))));
    }
}
