package io.s2mtls.cli.command.cert;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.usecase.VerifyRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
        Optional<VerifyRequest.Input> bundle = ca == null ? Optional.empty() : Optional.of(input(ca, "--ca"));
        List<VerifyRequest.Input> crls = new ArrayList<>();
        for (String crlFile : crlFiles == null ? List.<String>of() : crlFiles) {
            crls.add(input(crlFile, "--crl"));
        }
        List<VerifyRequest.Input> certificates = new ArrayList<>();
        for (String file : files) {
            certificates.add(input(file, "certificate"));
        }
        List<VerifyRequest.FileResult> results = core().verification().verifyFiles(new VerifyRequest(certificates, bundle, crls, !server));
        List<Outcome> outcomes = new ArrayList<>();
        int exit = OK;
        for (int i = 0; i < files.size(); i++) {
            VerifyRequest.FileResult result = results.get(i);
            outcomes.add(new Outcome(files.get(i), result.ok(), result.reason()));
            if (!result.ok()) {
                exit = Math.max(exit, result.error().filter(kind -> kind == ErrorKind.BAD_INPUT).isPresent() ? ErrorKind.BAD_INPUT.exitCode() : CHECK_FAILED);
            }
        }
        printer.data(outcomes, () -> outcomes.forEach(o -> printer.line(o.file() + ": " + o.reason())));
        return exit;
    }

    /** {@code file}, read when the verification comes to it; {@code what} names it in a read error. */
    private VerifyRequest.Input input(String file, String what) {
        Path path = console().path(file);
        return new VerifyRequest.Input(path.toString(), () -> Files2.read(path, what));
    }
}
