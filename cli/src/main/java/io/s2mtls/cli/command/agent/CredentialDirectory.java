package io.s2mtls.cli.command.agent;

import io.s2mtls.adapters.files.AtomicFiles;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.x509.Pem;
import io.s2mtls.core.x509.Pkcs12Files;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output directory of one credential, kept so that {@code NAME-key.pem} and {@code NAME-cert.pem} always
 * belong together. Each version of the files is written, complete and synced, into a generation directory of its
 * own; one symbolic link, {@code .s2mtls/NAME/current}, names the generation in use, and the files in the output
 * directory are fixed links through it:
 * <pre>
 * out-dir/NAME-key.pem   -> .s2mtls/NAME/current/NAME-key.pem
 * out-dir/NAME-cert.pem  -> .s2mtls/NAME/current/NAME-cert.pem      (the certificate alone)
 * out-dir/NAME.p12, NAME.p12.pass (with p12: true) -> likewise
 * out-dir/ca-cert.pem                                                (a plain file: the CA bundle)
 * out-dir/.s2mtls/NAME/current -> gen-7
 * out-dir/.s2mtls/NAME/gen-6/ gen-7/                                  (the previous generation is kept)
 * </pre>
 * A new version is installed by renaming a new link over {@code current}: one rename(2), so at every instant
 * both names resolve into the same generation, the old one or the new one. A crash before the rename leaves the
 * old generation in use (and an unused directory, removed by the next install); after it, the new one.
 *
 * <p>Files that an earlier {@code cert issue --out-dir} wrote there are taken over without a moment of mismatch:
 * they are first copied into a generation of their own and linked one by one (each link shows the same content as
 * the file it replaces), then the new generation is switched in as above.
 */
final class CredentialDirectory {
    static final String STATE = ".s2mtls";
    private static final Pattern GENERATION = Pattern.compile("gen-(\\d{1,18})");
    private static final Set<PosixFilePermission> TRAVERSE_ONLY = PosixFilePermissions.fromString("rwx--x--x");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AgentConfig.Credential config;

    CredentialDirectory(AgentConfig.Credential config) {
        this.config = config;
    }

    String name() {
        return config.name();
    }

    Path outDir() {
        return config.outDir();
    }

    Path keyFile() {
        return config.outDir().resolve(config.name() + "-key.pem");
    }

    Path certificateFile() {
        return config.outDir().resolve(config.name() + "-cert.pem");
    }

    Path caFile() {
        return config.outDir().resolve("ca-cert.pem");
    }

    /** Where the generations, the {@code current} link, the lock and the pending-hook mark live. */
    Path stateDirectory() {
        return config.outDir().resolve(STATE).resolve(config.name());
    }

    /** The names of the files that are links into the current generation, in the order they are linked. */
    private List<String> linkedFiles(boolean withPassFile) {
        List<String> files = new ArrayList<>(List.of(config.name() + "-cert.pem", config.name() + "-key.pem"));
        if (config.p12()) {
            files.add(config.name() + ".p12");
            if (withPassFile) {
                files.add(config.name() + ".p12.pass");
            }
        }
        return files;
    }

    /**
     * The serial of the certificate the directory holds, when it holds a complete set (key, certificate, CA bundle,
     * and NAME.p12 when configured); empty when something is missing or unreadable. Reads no key.
     */
    Optional<BigInteger> serialOnDisk() {
        try {
            if (!Files.isRegularFile(keyFile()) || !Files.isRegularFile(caFile())
                    || config.p12() && !Files.isRegularFile(config.outDir().resolve(config.name() + ".p12"))) {
                return Optional.empty();
            }
            List<X509Certificate> certificates = Pem.readCertificates(Files2.read(certificateFile(), ""), certificateFile().toString());
            return certificates.isEmpty() ? Optional.empty() : Optional.of(certificates.get(0).getSerialNumber());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- the lock

    /** A held lock; closing releases it. */
    interface Lock extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes this credential's lock ({@code .s2mtls/NAME/agent.lock}, an advisory lock on the file) without waiting;
     * empty when another agent, in this process or another, holds it.
     */
    Optional<Lock> tryLock() {
        Path file = stateDirectory().resolve("agent.lock");
        try {
            createStateDirectory();
            FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    AtomicFiles.ownerOnly(file));
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another agent in this process
            }
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            FileLock held = lock;
            return Optional.of(() -> {
                try {
                    held.release();
                    channel.close();
                } catch (IOException ignored) {
                    // closing the channel releases the lock in any case
                }
            });
        } catch (IOException e) {
            throw S2mtlsException.badInput(file + ": cannot take the agent's lock (" + reason(e) + ")", e);
        }
    }

    // ---------------------------------------------------------------- the pending hook

    private Path hookMark() {
        return stateDirectory().resolve("hook-pending");
    }

    /** Whether a renewal's command has not run successfully yet (kept on disk, so a restart runs it too). */
    boolean hookPending() {
        return Files.exists(hookMark(), LinkOption.NOFOLLOW_LINKS);
    }

    void markHookPending(String serial) {
        try {
            createStateDirectory();
            AtomicFiles.write(hookMark(), (serial + "\n").getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_ONLY, true);
        } catch (IOException e) {
            throw S2mtlsException.badInput(hookMark() + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    void clearHookPending() {
        try {
            Files.deleteIfExists(hookMark());
        } catch (IOException e) {
            throw S2mtlsException.badInput(hookMark() + ": cannot remove (" + e.getMessage() + ")", e);
        }
    }

    // ---------------------------------------------------------------- installing

    /**
     * Installs a new version of the files: the key, the certificate (alone, like every client file s2mtls writes: the
     * servers' bundle holds the intermediates, so a retired intermediate is never presented), the CA
     * {@code bundle}, and NAME.p12 when configured (protected by {@code p12Password}, else by a random password
     * in NAME.p12.pass). Returns the generation directory now in use. On failure the files in use are unchanged.
     */
    Path install(X509Certificate certificate, PrivateKey key, List<X509Certificate> bundle,
                 Optional<char[]> p12Password) {
        try {
            createStateDirectory();
            AtomicFiles.removeTemporaryFilesOfEndedProcesses(config.outDir());
            adoptPlainFiles();
            Path generation = newGeneration();
            String name = config.name();
            String chain = Pem.certificate(certificate);
            writeInto(generation, name + "-key.pem", Pem.privateKey(key).getBytes(StandardCharsets.US_ASCII), config.secretMode());
            writeInto(generation, name + "-cert.pem", chain.getBytes(StandardCharsets.US_ASCII), AtomicFiles.PUBLIC);
            if (config.p12()) {
                char[] password = p12Password.map(char[]::clone).orElseGet(io.s2mtls.cli.command.CredentialFiles::randomPassword);
                try {
                    if (p12Password.isEmpty()) {
                        writeInto(generation, name + ".p12.pass", (new String(password) + "\n").getBytes(StandardCharsets.US_ASCII), config.secretMode());
                    }
                    writeInto(generation, name + ".p12", Pkcs12Files.write(name, key, List.of(certificate), password), config.secretMode());
                } finally {
                    Arrays.fill(password, '\0');
                }
            }
            AtomicFiles.syncDirectory(generation);
            writeCaBundle(bundle);
            Optional<Path> before = currentGeneration();
            switchTo(generation);
            linkFiles(p12Password.isEmpty());
            removeOldGenerations(generation, before);
            return generation;
        } catch (IOException e) {
            throw S2mtlsException.badInput(config.outDir() + ": cannot write the files of '" + config.name() + "' (" + reason(e)
                    + "); the files in use are unchanged", e);
        }
    }

    /** ca-cert.pem: a plain file, replaced atomically when the bundle changes (several credentials may share it). */
    private void writeCaBundle(List<X509Certificate> bundle) throws IOException {
        StringBuilder pem = new StringBuilder();
        bundle.forEach(c -> pem.append(Pem.certificate(c)));
        byte[] content = pem.toString().getBytes(StandardCharsets.US_ASCII);
        Path file = caFile();
        if (Files.isSymbolicLink(file) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                || !Arrays.equals(Files.readAllBytes(file), content)) {
            AtomicFiles.write(file, content, AtomicFiles.PUBLIC, true);
            applyOwner(file);
        }
    }

    /** Creates the output directory (0700, given to the owner) when missing, and the state directories in it. */
    private void createStateDirectory() throws IOException {
        if (!Files.isDirectory(config.outDir())) {
            Files2.createDirectory(config.outDir());
            applyOwner(config.outDir());
        }
        Path top = config.outDir().resolve(STATE);
        for (Path directory : List.of(top, stateDirectory())) {
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createDirectory(directory);
                    setMode(directory, TRAVERSE_ONLY);
                    applyOwner(directory);
                } catch (FileAlreadyExistsException e) {
                    // made by another agent between the check and here, or something else is in the way
                    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                        throw new IOException(directory + " exists and is not a directory", e);
                    }
                }
            }
        }
    }

    /** The next generation directory, made empty (mode 0711: the files' own modes protect them). */
    private Path newGeneration() throws IOException {
        long next = 1;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(stateDirectory())) {
            for (Path entry : entries) {
                Matcher matcher = GENERATION.matcher(entry.getFileName().toString());
                if (matcher.matches()) {
                    next = Math.max(next, Long.parseLong(matcher.group(1)) + 1);
                }
            }
        }
        Path generation = stateDirectory().resolve("gen-" + next);
        Files.createDirectory(generation);
        setMode(generation, TRAVERSE_ONLY);
        applyOwner(generation);
        return generation;
    }

    private void writeInto(Path generation, String file, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        Path path = generation.resolve(file);
        AtomicFiles.write(path, content, mode, false);
        applyOwner(path);
    }

    /** Points {@code current} at {@code generation}: a new link renamed over the old one, one atomic step. */
    private void switchTo(Path generation) throws IOException {
        replaceWithLink(stateDirectory().resolve("current"), generation.getFileName());
        AtomicFiles.syncDirectory(stateDirectory());
    }

    /**
     * Makes {@code path} a symbolic link to {@code target} in one atomic step: a new link with a random name beside
     * it, renamed over whatever {@code path} was (a reader sees the old entry or the new link, never neither).
     */
    private static void replaceWithLink(Path path, Path target) throws IOException {
        Path link = path.resolveSibling("." + path.getFileName() + ".s2mtls-link-" + HexFormat.of().formatHex(randomBytes()));
        Files.createSymbolicLink(link, target);
        try {
            Files.move(link, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(link);
        }
    }

    /** Makes each output file the fixed link through {@code current}, where it is not that link already. */
    private void linkFiles(boolean withPassFile) throws IOException {
        for (String file : linkedFiles(withPassFile)) {
            Path target = Path.of(STATE, config.name(), "current", file);
            Path path = config.outDir().resolve(file);
            if (Files.isSymbolicLink(path) && Files.readSymbolicLink(path).equals(target)) {
                continue;
            }
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(path + " is a directory");
            }
            replaceWithLink(path, target);
        }
        if (!withPassFile && config.p12()) {
            // a password given now: a random password of an earlier NAME.p12 no longer opens the new one
            Files2.deleteQuietly(config.outDir().resolve(config.name() + ".p12.pass"));
            Path passLink = config.outDir().resolve(config.name() + ".p12.pass");
            if (Files.isSymbolicLink(passLink)) {
                Files.delete(passLink);
            }
        }
        AtomicFiles.syncDirectory(config.outDir());
    }

    /**
     * Plain NAME-key.pem and NAME-cert.pem (written by {@code cert issue --out-dir}, or by hand) are first moved
     * under a generation of their own unchanged, so that switching to links never shows a key with another
     * certificate.
     */
    private void adoptPlainFiles() throws IOException {
        Path key = keyFile();
        Path certificate = certificateFile();
        boolean plainKey = Files.isRegularFile(key, LinkOption.NOFOLLOW_LINKS);
        boolean plainCertificate = Files.isRegularFile(certificate, LinkOption.NOFOLLOW_LINKS);
        if (!plainKey || !plainCertificate || Files.exists(stateDirectory().resolve("current"), LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path generation = newGeneration();
        String name = config.name();
        writeInto(generation, name + "-key.pem", Files2.read(key, ""), config.secretMode());
        writeInto(generation, name + "-cert.pem", Files2.read(certificate, ""), AtomicFiles.PUBLIC);
        List<String> adopted = new ArrayList<>(List.of(name + "-cert.pem", name + "-key.pem"));
        for (String file : List.of(name + ".p12", name + ".p12.pass")) {
            Path plain = config.outDir().resolve(file);
            if (config.p12() && Files.isRegularFile(plain, LinkOption.NOFOLLOW_LINKS)) {
                writeInto(generation, file, Files2.read(plain, ""), config.secretMode());
                adopted.add(file);
            }
        }
        AtomicFiles.syncDirectory(generation);
        switchTo(generation);
        for (String file : adopted) {
            replaceWithLink(config.outDir().resolve(file), Path.of(STATE, name, "current", file));
        }
    }

    /** The generation {@code current} names, if any. */
    private Optional<Path> currentGeneration() throws IOException {
        Path current = stateDirectory().resolve("current");
        return Files.isSymbolicLink(current) ? Optional.of(stateDirectory().resolve(Files.readSymbolicLink(current)).normalize()) : Optional.empty();
    }

    /**
     * Removes what a killed agent left in the state directory: generations half written, or switched away from
     * without the clean-up that follows an install. Keeps the generation in use and the newest one older than it
     * (a reader may still be opening that one's files). Call it holding the lock, when no install is due.
     */
    void tidy() {
        try {
            Optional<Path> current = currentGeneration();
            if (current.isEmpty()) {
                return;
            }
            Matcher inUse = GENERATION.matcher(current.get().getFileName().toString());
            if (!inUse.matches()) {
                return;
            }
            long number = Long.parseLong(inUse.group(1));
            long before = 0;
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(stateDirectory())) {
                for (Path entry : entries) {
                    Matcher matcher = GENERATION.matcher(entry.getFileName().toString());
                    if (matcher.matches() && Long.parseLong(matcher.group(1)) < number) {
                        before = Math.max(before, Long.parseLong(matcher.group(1)));
                    }
                }
            }
            Optional<Path> previous = before == 0 ? Optional.empty() : Optional.of(stateDirectory().resolve("gen-" + before).normalize());
            removeOldGenerations(current.get(), previous);
        } catch (IOException e) {
            throw S2mtlsException.badInput(stateDirectory() + ": cannot remove the generations a stopped agent left (" + reason(e) + ")", e);
        }
    }

    /**
     * Removes every generation but the one in use and the one in use before it (a reader may still be opening that
     * one's files): older ones, and any that a crashed agent left half written.
     */
    private void removeOldGenerations(Path inUse, Optional<Path> before) throws IOException {
        List<Path> old = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(stateDirectory())) {
            for (Path entry : entries) {
                if (GENERATION.matcher(entry.getFileName().toString()).matches() && !entry.normalize().equals(inUse.normalize())
                        && !before.map(b -> b.equals(entry.normalize())).orElse(false)) {
                    old.add(entry);
                }
            }
        }
        for (Path generation : old) {
            deleteGeneration(generation);
        }
    }

    /**
     * Deletes a generation directory and the files in it. An entry named like a generation that is not a directory
     * (a symbolic link, a FIFO, a file) is removed itself: a link is never followed, so nothing outside the state
     * directory is deleted.
     */
    private static void deleteGeneration(Path generation) throws IOException {
        if (Files.isDirectory(generation, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(generation)) {
                for (Path file : files) {
                    Files.deleteIfExists(file);
                }
            }
        }
        Files.deleteIfExists(generation);
    }

    private void applyOwner(Path path) throws IOException {
        if (config.owner().isEmpty() || !Owners.canChange()) {
            return;
        }
        AgentConfig.Owner owner = config.owner().get();
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        UserPrincipal user = lookup.lookupPrincipalByName(owner.user());
        view.setOwner(user);
        if (owner.group().isPresent()) {
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(owner.group().get());
            view.setGroup(group);
        }
    }

    private static void setMode(Path path, Set<PosixFilePermission> mode) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, mode);
        }
    }

    private static String reason(IOException e) {
        String reason = e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.getMessage();
        return e.getClass().getSimpleName() + (reason == null ? "" : ": " + reason);
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** Whether this process may give files away: only root may. */
    static final class Owners {
        private Owners() {
        }

        static boolean canChange() {
            try {
                Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
                return uid instanceof Integer id && id == 0;
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return false;
            }
        }
    }
}
