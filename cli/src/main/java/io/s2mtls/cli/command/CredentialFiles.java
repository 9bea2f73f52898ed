package io.s2mtls.cli.command;

import io.s2mtls.cli.support.Files2;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.cli.support.Secrets;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.usecase.IssuedCertificate;
import io.s2mtls.core.x509.Pem;
import io.s2mtls.core.x509.Pkcs12Files;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The files of one credential in a directory: {@code NAME-key.pem} (0600), {@code NAME-cert.pem},
 * {@code NAME.p12} (0600, the keystore form the JDBC driver takes), {@code NAME.p12.pass} (0600, the
 * p12's own random password, unless the person chose one) and {@code ca-cert.pem}.
 *
 * <p>Each file carries the chain a client presents: {@code NAME-cert.pem} is the certificate followed by the
 * intermediate CAs above it (never the root, which the server holds in its bundle), and {@code NAME.p12} the key,
 * the certificate and the same intermediates. {@code ca-cert.pem} is the CA that signed the certificate.
 *
 * <p>A NAME.p12 never carries the store password: it is protected by --p12-password-file (or
 * S2MTLS_P12_PASSWORD), else by a fresh random password written beside it.
 */
public final class CredentialFiles {
    public static final String P12_PASSWORD_SUFFIX = ".p12.pass";
    private static final SecureRandom RANDOM = new SecureRandom();

    private CredentialFiles() {
    }

    /**
     * The password that protects every written NAME.p12: --p12-password-file, else S2MTLS_P12_PASSWORD,
     * else empty, and each file gets a random password of its own in NAME.p12.pass. Never the store password.
     */
    public static Optional<char[]> p12Password(Secrets secrets, String file) {
        return secrets.p12Password(Optional.ofNullable(file));
    }

    /** Tells where a NAME.p12's password is, or that the given one protects it. */
    public static void noteP12Passwords(Printer printer, List<Written> written) {
        List<Written> withP12 = written.stream().filter(w -> w.pkcs12() != null).toList();
        if (withP12.isEmpty()) {
            return;
        }
        if (withP12.get(0).pkcs12PasswordFile() == null) {
            printer.note(withP12.size() == 1 ? withP12.get(0).pkcs12() + " is protected by the password you gave (--p12-password-file or "
                    + Secrets.P12_PASSWORD_ENV + ")." : "The .p12 files are protected by the password you gave (--p12-password-file or "
                    + Secrets.P12_PASSWORD_ENV + ").");
        } else {
            printer.note(withP12.size() == 1 ? withP12.get(0).pkcs12() + " is protected by its own password, in " + withP12.get(0).pkcs12PasswordFile()
                    + " (mode 0600; the JDBC keyStorePassword)." : "Each NAME.p12 is protected by its own password, in NAME.p12.pass beside it (mode 0600).");
        }
    }

    public record Written(String name, String key, String certificate, String pkcs12, String pkcs12PasswordFile, String caCertificate) {
        /** The names of the files actually written, in the order above. */
        public List<String> fileNames() {
            return Stream.of(key, certificate, pkcs12, pkcs12PasswordFile, caCertificate).filter(Objects::nonNull)
                    .map(file -> Path.of(file).getFileName().toString()).toList();
        }
    }

    /**
     * The outputs of one credential. {@code randomP12Password}: NAME.p12.pass is written too (no
     * password was given).
     */
    public static List<Path> paths(Path directory, String name, boolean withKey, boolean randomP12Password) {
        return paths(directory, name, withKey, true, randomP12Password);
    }

    private static List<Path> paths(Path directory, String name, boolean withKey, boolean withP12, boolean randomP12Password) {
        List<Path> paths = new ArrayList<>();
        if (withKey) {
            paths.add(directory.resolve(name + "-key.pem"));
        }
        paths.add(directory.resolve(name + "-cert.pem"));
        if (withKey && withP12) {
            paths.add(directory.resolve(name + ".p12"));
            if (randomP12Password) {
                paths.add(directory.resolve(name + P12_PASSWORD_SUFFIX));
            }
        }
        return paths;
    }

    /**
     * Fails before anything is issued or stored when the directory cannot be written, an output is a
     * symbolic link or not a regular file, or exists and --force was not given.
     */
    public static void checkWritable(Path directory, String name, boolean withKey, boolean force, X509Certificate caCertificate,
                              Optional<char[]> p12Password) {
        checkWritable(directory, name, withKey, true, force, caCertificate, p12Password);
    }

    /** As above; {@code withP12} false: no NAME.p12 (nor NAME.p12.pass) is part of the outputs. */
    public static void checkWritable(Path directory, String name, boolean withKey, boolean withP12, boolean force, X509Certificate caCertificate,
                              Optional<char[]> p12Password) {
        Files2.checkOutputDirectory(directory, "--out-dir");
        for (Path path : paths(directory, name, withKey, withP12, p12Password.isEmpty())) {
            Files2.refuseOverwrite(path, force);
        }
        Path ca = directory.resolve("ca-cert.pem");
        Files2.refuseOverwrite(ca, true);
        if (!force && Files.exists(ca, LinkOption.NOFOLLOW_LINKS) && !sameContent(ca, Pem.certificate(caCertificate))) {
            throw S2mtlsException.badInput(ca + ": already exists with a different CA certificate; pass --force to overwrite it");
        }
    }

    /**
     * As {@link #checkWritable}, for the credential of a CA that does not exist yet: an existing
     * ca-cert.pem cannot hold it, so only --force overwrites it. Checked before the CA is made.
     */
    public static void checkWritableForNewCa(Path directory, String name, boolean force) {
        Files2.checkOutputDirectory(directory, "--out-dir");
        for (Path path : paths(directory, name, true, true, true)) {
            Files2.refuseOverwrite(path, force);
        }
        Path ca = directory.resolve("ca-cert.pem");
        Files2.refuseOverwrite(ca, true);
        if (!force && Files.exists(ca, LinkOption.NOFOLLOW_LINKS)) {
            throw S2mtlsException.badInput(ca + ": already exists with a different CA certificate; pass --force to overwrite it");
        }
    }

    /**
     * For commands that learn the credentials' names only after storing (renew): fails before anything
     * is stored when the directory cannot be written, or any credential file in it (NAME-key.pem,
     * NAME-cert.pem, NAME.p12, NAME.p12.pass, ca-cert.pem) is a symbolic link or not a regular file.
     */
    public static void checkDirectoryForRewrite(Path directory) {
        Files2.checkOutputDirectory(directory, "--out-dir");
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String file = entry.getFileName().toString();
                if (file.endsWith("-key.pem") || file.endsWith("-cert.pem") || file.endsWith(".p12") || file.endsWith(P12_PASSWORD_SUFFIX)) {
                    Files2.refuseOverwrite(entry, true);
                }
            }
        } catch (java.io.IOException e) {
            throw S2mtlsException.badInput("--out-dir " + directory + ": cannot list (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Writes the files. {@code p12Password} empty: NAME.p12 gets a random password of its own, written
     * to NAME.p12.pass. When a write fails, the files this call created are removed again.
     */
    public static Written write(Path directory, String name, X509Certificate certificate, Optional<PrivateKey> key,
                         X509Certificate caCertificate, Optional<char[]> p12Password, boolean force) {
        return write(directory, name, certificate, key, true, caCertificate, p12Password, force);
    }

    /**
     * As above; {@code withP12} false: the key and certificate PEM files only, no NAME.p12 (nor NAME.p12.pass).
     * NAME-cert.pem and NAME.p12 hold the client's own certificate and no CA certificate, also under an
     * intermediate CA: the servers' bundle ({@code ca export --bundle}) holds the intermediates, so the client has
     * nothing else to present, and a client that never presents an intermediate cannot keep using one that a
     * rotation retired while the root it hangs from is still trusted.
     */
    public static Written write(Path directory, String name, X509Certificate certificate, Optional<PrivateKey> key, boolean withP12,
                         X509Certificate caCertificate, Optional<char[]> p12Password, boolean force) {
        List<X509Certificate> presented = List.of(certificate);
        Files2.createDirectory(directory);
        Path keyFile = directory.resolve(name + "-key.pem");
        Path certFile = directory.resolve(name + "-cert.pem");
        Path p12File = directory.resolve(name + ".p12");
        Path passFile = directory.resolve(name + P12_PASSWORD_SUFFIX);
        Path caFile = directory.resolve("ca-cert.pem");
        List<Path> created = new ArrayList<>();
        char[] password = null;
        try {
            if (key.isPresent()) {
                write(keyFile, Pem.privateKey(key.get()).getBytes(StandardCharsets.US_ASCII), true, force, created);
            }
            write(certFile, presented.stream().map(Pem::certificate).collect(java.util.stream.Collectors.joining()).getBytes(StandardCharsets.UTF_8),
                    false, force, created);
            if (key.isPresent() && withP12) {
                password = p12Password.map(char[]::clone).orElseGet(CredentialFiles::randomPassword);
                if (p12Password.isEmpty()) {
                    write(passFile, (new String(password) + "\n").getBytes(StandardCharsets.US_ASCII), true, force, created);
                } else if (force) {
                    Files2.deleteQuietly(passFile); // a random password of an earlier file no longer opens the new one
                }
                write(p12File, Pkcs12Files.write(name, key.get(), presented, password), true, force, created);
            }
            String caPem = Pem.certificate(caCertificate);
            if (!Files.exists(caFile, LinkOption.NOFOLLOW_LINKS) || !sameContent(caFile, caPem)) {
                write(caFile, caPem.getBytes(StandardCharsets.UTF_8), false, true, created);
            }
        } catch (RuntimeException e) {
            created.forEach(Files2::deleteQuietly);
            throw e;
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
        return new Written(name, key.isPresent() ? keyFile.toString() : null, certFile.toString(),
                key.isPresent() && withP12 ? p12File.toString() : null,
                key.isPresent() && withP12 && p12Password.isEmpty() ? passFile.toString() : null,
                caFile.toString());
    }

    private static void write(Path path, byte[] content, boolean secret, boolean force, List<Path> created) {
        boolean existed = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
        Files2.write(path, content, secret, force);
        if (!existed) {
            created.add(path);
        }
    }

    /** 24 random bytes, base64url: 32 characters that survive a shell, a URL and a properties file. */
    public static char[] randomPassword() {
        byte[] random = new byte[24];
        RANDOM.nextBytes(random);
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(random).toCharArray();
        } finally {
            Arrays.fill(random, (byte) 0);
        }
    }

    private static boolean sameContent(Path file, String text) {
        try {
            return Arrays.equals(Files2.read(file, "", Files2.MAX_INPUT_BYTES), text.getBytes(StandardCharsets.UTF_8));
        } catch (S2mtlsException e) {
            return false;
        }
    }
}
