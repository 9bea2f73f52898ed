package io.s2mtls.cli.command;

import io.s2mtls.cli.support.Files2;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.x509.Pem;
import io.s2mtls.core.x509.Pkcs12Files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The files of one credential in a directory: {@code NAME-key.pem} (0600), {@code NAME-cert.pem},
 * {@code NAME.p12} (the keystore form the JDBC driver takes) and {@code ca-cert.pem}.
 */
final class CredentialFiles {
    private CredentialFiles() {
    }

    record Written(String name, String key, String certificate, String pkcs12, String caCertificate) {
        /** The names of the files actually written (no .p12 without a password), in the order above. */
        List<String> fileNames() {
            return java.util.stream.Stream.of(key, certificate, pkcs12, caCertificate).filter(java.util.Objects::nonNull)
                    .map(file -> Path.of(file).getFileName().toString()).toList();
        }
    }

    static List<Path> paths(Path directory, String name, boolean withKey) {
        List<Path> paths = new ArrayList<>();
        if (withKey) {
            paths.add(directory.resolve(name + "-key.pem"));
        }
        paths.add(directory.resolve(name + "-cert.pem"));
        if (withKey) {
            paths.add(directory.resolve(name + ".p12"));
        }
        return paths;
    }

    /** Fails before anything is issued when an output exists and --force was not given. */
    static void checkWritable(Path directory, String name, boolean withKey, boolean force, X509Certificate caCertificate) {
        for (Path path : paths(directory, name, withKey)) {
            Files2.refuseOverwrite(path, force);
        }
        Path ca = directory.resolve("ca-cert.pem");
        if (!force && Files.exists(ca) && !sameContent(ca, Pem.certificate(caCertificate))) {
            throw S2mtlsException.badInput(ca + ": already exists with a different CA certificate; pass --force to overwrite it");
        }
    }

    static Written write(Path directory, String name, X509Certificate certificate, Optional<PrivateKey> key,
                         X509Certificate caCertificate, Optional<char[]> p12Password, boolean force) {
        Files2.createDirectory(directory);
        Path keyFile = directory.resolve(name + "-key.pem");
        Path certFile = directory.resolve(name + "-cert.pem");
        Path p12File = directory.resolve(name + ".p12");
        Path caFile = directory.resolve("ca-cert.pem");
        if (key.isPresent()) {
            Files2.writeSecret(keyFile, Pem.privateKey(key.get()), force);
        }
        Files2.writePublic(certFile, Pem.certificate(certificate), force);
        if (key.isPresent() && p12Password.isPresent()) {
            Files2.write(p12File, Pkcs12Files.write(name, key.get(), List.of(certificate, caCertificate), p12Password.get()), true, force);
        }
        String caPem = Pem.certificate(caCertificate);
        if (!Files.exists(caFile) || !sameContent(caFile, caPem)) {
            Files2.writePublic(caFile, caPem, true);
        }
        return new Written(name, key.isPresent() ? keyFile.toString() : null, certFile.toString(),
                key.isPresent() && p12Password.isPresent() ? p12File.toString() : null, caFile.toString());
    }

    private static boolean sameContent(Path file, String text) {
        try {
            return Arrays.equals(Files.readAllBytes(file), text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
