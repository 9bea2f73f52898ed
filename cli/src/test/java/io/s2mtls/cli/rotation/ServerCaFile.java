package io.s2mtls.cli.rotation;

import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.core.x509.Pem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The file a server verifies client certificates with (MariaDB: {@code ssl_ca}; SingleStore:
 * {@code ssl_ca_for_client_cert}), deployed as an operator would: the new bundle written next to it and moved
 * over it in one rename, so that the server never reads half a file, then {@code FLUSH SSL} so that the server
 * reads it again (it does not on its own: see {@code LoginFleetTest}).
 */
final class ServerCaFile {
    private final TestDatabase db;

    ServerCaFile(TestDatabase db) {
        this.db = requireNonNull(db, "db is null");
    }

    Path path() {
        return db.caFile();
    }

    /** Replaces the file with {@code bundle} and has the server read it. */
    void deploy(List<X509Certificate> bundle) {
        write(bundle);
        reload();
    }

    /** Replaces the file with {@code bundle} (PEM, in order) in one rename; the server does not notice yet. */
    void write(List<X509Certificate> bundle) {
        if (bundle.isEmpty()) {
            throw new IllegalArgumentException("an empty bundle trusts no client");
        }
        StringBuilder pem = new StringBuilder();
        bundle.forEach(certificate -> pem.append(Pem.certificate(certificate)));
        Path file = path();
        Path next = file.resolveSibling(file.getFileName() + ".next");
        try {
            Files.writeString(next, pem, StandardCharsets.US_ASCII);
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The certificates the file holds now. */
    List<X509Certificate> read() {
        try {
            return Pem.readCertificates(Files.readAllBytes(path()), path().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code FLUSH SSL}: the server reads its certificate, key and client CA files again; new connections use them. */
    void reload() {
        db.sql("FLUSH SSL");
    }
}
