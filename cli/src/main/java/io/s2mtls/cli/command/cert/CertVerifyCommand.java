package io.s2mtls.cli.command.cert;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.VerificationResult;
import io.s2mtls.core.x509.Pem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** {@code s2mtls cert verify}: certificates checked as the server will check them. */
@Command(name = "verify", header = "Check certificates as the server will, printing 'FILE: OK' or the reason.", description = {
        "Check certificates as the server will, as 'openssl verify -auth_level 2 -purpose sslclient' does",
        "(sslserver with --server): a chain to a self-signed CA, signatures, dates, no unhandled critical",
        "extension, keys of at least 112-bit strength (RSA 2048, EC P-256, Ed25519) and no SHA-1 or MD5",
        "signature (RSA-PSS included) in the chain, every CA's basicConstraints, keyUsage, path length,",
        "name constraints and extended key usage (a CA whose EKU lacks clientAuth fails), and the leaf's purpose.",
        "Further certificates in FILE are taken as the intermediates the client presents.",
        "Revocation: a certificate the store records as revoked is 'certificate revoked' (the store is read",
        "only without --ca), and so is one listed in a --crl FILE (as openssl's -crl_check: the leaf's issuer",
        "must then have a CRL among them). A CRL that is not signed by the CA, has expired or cannot be read",
        "is exit 2. Prints 'FILE: OK' or 'FILE: <openssl's reason> (<which certificate and why>)'.",
        "Exit 1 when any fails. The default CA is the store's."},
        footer = {"", "Examples:", "  s2mtls cert verify client-cert.pem", "  s2mtls cert verify --ca ca-cert.pem creds/*-cert.pem",
                "  s2mtls cert verify --ca ca-cert.pem --crl crl.pem app_reader-cert.pem"})
public final class CertVerifyCommand extends BaseCommand {
    @Option(names = "--ca", paramLabel = "FILE", description = "A CA bundle (PEM) instead of the store's CA; the store is then not read.")
    String ca;
    @Option(names = "--server", description = "Check server certificates (-purpose sslserver: serverAuth instead of clientAuth).")
    boolean server;
    @Option(names = "--crl", paramLabel = "FILE", description = "A CRL (PEM or DER) from the CA; may be repeated. The certificates it lists are revoked.")
    List<String> crlFiles;
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Certificates to check (PEM or DER); any further certificates in a file are its chain.")
    List<String> files;

    record Outcome(String file, boolean ok, String reason) {
    }

    @Override
    protected int run() {
        List<X509Certificate> bundle = ca == null ? core().authority().show().bundle()
                : Pem.readCertificates(Files2.read(console().path(ca), "--ca"), console().path(ca).toString());
        List<java.security.cert.X509CRL> crls = new ArrayList<>();
        for (String crlFile : crlFiles == null ? List.<String>of() : crlFiles) {
            Path path = console().path(crlFile);
            crls.addAll(core().verification().readCrls(Files2.read(path, "--crl"), path.toString(), bundle));
        }
        List<Outcome> outcomes = new ArrayList<>();
        int exit = OK;
        for (String file : files) {
            try {
                Path path = console().path(file);
                List<X509Certificate> presented = Pem.readCertificates(Files2.read(path, "certificate"), path.toString());
                X509Certificate certificate = presented.get(0);
                List<X509Certificate> chain = presented.subList(1, presented.size());
                VerificationResult result = ca == null
                        ? core().verification().verifyWithStoreRevocations(certificate, chain, bundle, !server, crls)
                        : core().verification().verify(certificate, chain, bundle, !server, crls);
                outcomes.add(new Outcome(file, result.isOk(), result.describe()));
                if (!result.isOk()) {
                    exit = Math.max(exit, CHECK_FAILED);
                }
            } catch (S2mtlsException e) {
                outcomes.add(new Outcome(file, false, e.getMessage()));
                exit = Math.max(exit, e.kind() == ErrorKind.BAD_INPUT ? ErrorKind.BAD_INPUT.exitCode() : CHECK_FAILED);
            }
        }
        printer.data(outcomes, () -> outcomes.forEach(o -> printer.line(o.file() + ": " + o.reason())));
        return exit;
    }
}
