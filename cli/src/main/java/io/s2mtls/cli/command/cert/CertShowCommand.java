package io.s2mtls.cli.command.cert;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.command.Views;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.usecase.StoredLookup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.security.cert.X509Certificate;

/** {@code s2mtls cert show}: a certificate from a file or a stored credential. */
@Command(name = "show", header = "Show a certificate, from a file or a stored credential.", description = {
        "Show a certificate: subject (as the server compares it), issuer, serial, dates, key, purpose, SHA-256.",
        "ARG is a file or the name of a credential in the store, the JSON output is the same either way:",
        "  - ARG with a '/' in it (./app, creds/app-cert.pem) is always a file; the store is not read;",
        "  - --name NAME is always the stored credential;",
        "  - a bare word is the file of that name when it exists, else the stored credential of that name;",
        "    when both exist, it is refused (exit 2): write ./NAME for the file or --name NAME for the credential."},
        footer = {"", "Examples:", "  s2mtls cert show creds/client-cert.pem", "  s2mtls cert show app_reader",
                "  s2mtls cert show --name app_reader --output json"})
public final class CertShowCommand extends BaseCommand {
    @Parameters(arity = "0..1", paramLabel = "NAME|FILE", description = "A certificate file (PEM, TRUSTED CERTIFICATE or DER, as openssl reads it)"
            + " or a stored credential's name.")
    String argument;
    @Option(names = "--name", paramLabel = "NAME", description = "The credential stored under NAME (never a file).")
    String name;

    @Override
    protected int run() {
        if ((argument == null) == (name == null)) {
            throw S2mtlsException.badInput(argument == null ? "cert show: give a certificate FILE or a credential NAME (or --name NAME)"
                    : "cert show: give either NAME|FILE or --name NAME, not both");
        }
        io.s2mtls.core.x509.CertificateSummary summary = name != null ? stored(name)
                : argument.contains("/") || argument.contains(java.io.File.separator) ? file(argument) : bare(argument);
        Views.CertificateView view = new Views.CertificateView(summary.subject().oneline(), summary.issuer().oneline(),
                summary.serial().toString(16).toUpperCase(java.util.Locale.ROOT), summary.notBefore().toString(),
                summary.notAfter().toString(), summary.key(), summary.signatureAlgorithm(), summary.ca(),
                summary.extendedKeyUsage(), summary.subjectAltNames(), summary.sha256());
        printer.data(view, () -> view.print(printer));
        return OK;
    }

    /** Read from the ASN.1 structure alone, so a key s2mtls cannot use shows as "unsupported key (OID ...)". */
    private io.s2mtls.core.x509.CertificateSummary file(String file) {
        Path path = console().path(file);
        return io.s2mtls.core.x509.CertificateSummary.read(Files2.read(path, "certificate"), path.toString());
    }

    private io.s2mtls.core.x509.CertificateSummary stored(String credential) {
        return stored(core().inventory().lookUp(credential));
    }

    private static io.s2mtls.core.x509.CertificateSummary stored(StoredLookup lookup) {
        String credential = lookup.name();
        X509Certificate certificate = lookup.certificate().orElseThrow(() -> S2mtlsException.badInput(
                "cert show: " + lookup.storeDescription() + (lookup.recorded()
                        ? " records '" + credential + "' (signed from a CSR) but keeps no certificate for it; show the file 'cert sign --out' wrote"
                        : " holds no credential named '" + credential + "'; see 's2mtls cert list'")));
        try {
            return io.s2mtls.core.x509.CertificateSummary.read(certificate.getEncoded(), "credential " + credential);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw S2mtlsException.badInput("cert show: the stored certificate of '" + credential + "' cannot be encoded: " + e.getMessage(), e);
        }
    }

    /** A word without '/': the file when only it exists, the credential when only it exists, refused when both do. */
    private io.s2mtls.core.x509.CertificateSummary bare(String word) {
        Path path = console().path(word);
        boolean fileExists = java.nio.file.Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        StoredLookup lookup = null;
        String storeProblem = null;
        try {
            if (session().storeMissing()) {
                storeProblem = "the store " + session().storeUri() + " does not exist";
            } else {
                lookup = core().inventory().lookUp(word);
            }
        } catch (S2mtlsException e) {
            storeProblem = e.getMessage(); // a store that cannot be read holds no credential to confuse the file with
        }
        boolean credentialExists = lookup != null && lookup.certificate().isPresent();
        if (fileExists && credentialExists) {
            throw S2mtlsException.badInput("cert show: '" + word + "' is both a file here and a credential in " + session().storeUri()
                    + "; write ./" + word + " for the file or --name " + word + " for the credential");
        }
        if (credentialExists) {
            return stored(lookup);
        }
        if (!fileExists) {
            throw S2mtlsException.badInput("cert show: " + path + ": no such file, and " + (storeProblem == null
                    ? session().storeUri() + " holds no credential named '" + word + "'"
                    : "no credential of that name could be looked up (" + storeProblem + ")"));
        }
        return file(word);
    }
}
