package io.s2mtls.cli.command.cert;

import io.s2mtls.cli.support.Durations;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.command.CredentialFiles;
import io.s2mtls.cli.command.P12PasswordOption;
import io.s2mtls.cli.command.Views;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.cli.support.Progress;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.SubjectAltName;
import io.s2mtls.core.usecase.IssueCommand;
import io.s2mtls.core.usecase.IssuedCertificate;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** {@code s2mtls cert issue}: client or server credentials signed by the store's CA, one or in bulk. */
@Command(name = "issue", header = "Issue client (or server) credentials signed by the store's CA, one or in bulk.", description = {
        "Issue a client credential: a new key and a certificate signed by the store's CA, recorded in the",
        "store under NAME (default: the subject's CN made file-safe). The subject is used byte for byte,",
        "so 's2mtls subject NAME-cert.pem' prints exactly what REQUIRE SUBJECT must say.",
        "With --out-dir it also writes NAME-key.pem (0600), NAME-cert.pem, NAME.p12 (0600) and ca-cert.pem.",
        "Under an intermediate CA, NAME-cert.pem and NAME.p12 carry it after the certificate (never the root).",
        "NAME.p12 never carries the store password: it takes --p12-password-file (or S2MTLS_P12_PASSWORD),",
        "else a random password of its own, written to NAME.p12.pass (0600).",
        "With --subjects-file it issues one credential per line, on all cores."},
        footer = {"", "Examples:",
                "  s2mtls cert issue --subject '/C=US/O=ExampleOrg/OU=Client/CN=client.example.com' --out-dir creds",
                "  s2mtls cert issue --subject '/O=ExampleOrg/CN=app_reader' --key ec:p256 --days 90 --name app_reader",
                "  s2mtls cert issue --subjects-file users.txt --out-dir creds",
                "  s2mtls cert issue --server --subject '/CN=db.example.com' --san DNS:db.example.com,IP:10.0.0.5 --out-dir server"})
public final class CertIssueCommand extends BaseCommand {
    /** The most threads a bulk issuance takes. */
    static final int MAX_PARALLELISM = 256;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Subjects subjects;

    static final class Subjects {
        @Option(names = "--subject", paramLabel = "DN", description = "The subject, in slash form or RFC 2253.")
        String subject;
        @Option(names = "--subjects-file", paramLabel = "FILE", description = "One subject per line ('#' starts a comment); needs --out-dir.")
        String subjectsFile;
    }

    @Option(names = "--key", defaultValue = "rsa:2048", paramLabel = "TYPE", description = "rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384, ed25519 (default: ${DEFAULT-VALUE}).")
    String key;
    @Option(names = "--days", paramLabel = "N", description = "Validity in days, never beyond the CA's (default: 365).")
    Integer days;
    @Option(names = "--valid-for", paramLabel = "DURATION",
            description = "Validity as a duration instead of days, for short-lived credentials: 5m to 36500d (e.g. 1h, 90m, 2w);"
                    + " renewals keep it. Excludes --days.")
    String validFor;
    @Option(names = "--name", paramLabel = "NAME", description = "Store the credential under this name.")
    String name;
    @Option(names = "--out-dir", paramLabel = "DIR", description = "Also write the credential's files here.")
    String outDir;
    @Mixin
    P12PasswordOption p12Password;
    @Option(names = "--no-p12", description = "With --out-dir: write no NAME.p12 (nor its password file), only the PEM key and certificate"
            + " (enough for the singlestore/mysql clients' --ssl-cert/--ssl-key; the JDBC driver takes the .p12).")
    boolean noP12;
    @Option(names = "--server", description = "Issue a server certificate (serverAuth) instead of a client one.")
    boolean server;
    @Option(names = "--san", paramLabel = "LIST", description = "With --server: DNS:host,IP:addr,...")
    String san;
    @Option(names = "--force", description = "Replace a credential of the same name and overwrite files.")
    boolean force;
    @Option(names = "--allow-unsafe-subject", description = "Issue even a subject a server cannot tell apart from another (a backslash in a value) or an empty one.")
    boolean allowUnsafeSubject;
    @Option(names = "--parallelism", paramLabel = "N", description = "Threads for bulk issuance, 1-" + MAX_PARALLELISM + " (default: the number of cores).")
    Integer parallelism;

    @Override
    protected int run() {
        KeySpec keySpec = KeySpec.parse(key);
        CertificateProfile profile = server ? CertificateProfile.SERVER : CertificateProfile.CLIENT;
        List<SubjectAltName> sans = san == null ? List.of() : SubjectAltName.parseList(san);
        if (san != null && !server) {
            throw S2mtlsException.badInput("--san goes with --server");
        }
        if (parallelism != null && (parallelism < 1 || parallelism > MAX_PARALLELISM)) {
            throw S2mtlsException.badInput("--parallelism " + parallelism + ": give a number of threads from 1 to " + MAX_PARALLELISM);
        }
        List<IssueCommand> commands = new ArrayList<>();
        if (subjects.subjectsFile != null) {
            if (outDir == null) {
                throw S2mtlsException.badInput("--subjects-file needs --out-dir DIR for the credentials' files");
            }
            if (name != null) {
                throw S2mtlsException.badInput("--name goes with --subject; with --subjects-file each credential is named after its CN");
            }
            Path file = console().path(subjects.subjectsFile);
            String[] lines = new String(Files2.read(file, "--subjects-file", Files2.MAX_LIST_BYTES), StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                try {
                    commands.add(withValidity(new IssueCommand(DistinguishedName.parse(line), keySpec, dayCount(), Optional.empty(), profile, sans, allowUnsafeSubject, force)));
                } catch (S2mtlsException e) {
                    throw new S2mtlsException(e.kind(), file + ":" + (i + 1) + ": " + e.getMessage(), e);
                }
            }
            if (commands.isEmpty()) {
                throw S2mtlsException.badInput(file + ": no subjects in the file");
            }
        } else {
            commands.add(withValidity(new IssueCommand(DistinguishedName.parse(subjects.subject), keySpec, dayCount(), Optional.ofNullable(name),
                    profile, sans, allowUnsafeSubject, force)));
        }
        Path directory = outDir == null ? null : console().path(outDir);
        Optional<char[]> p12 = Optional.empty();
        if (noP12 && (outDir == null || p12Password.given())) {
            throw S2mtlsException.badInput(outDir == null ? "--no-p12 goes with --out-dir" : "--no-p12 and --p12-password-file exclude each other");
        }
        if (directory != null) {
            p12 = noP12 ? Optional.empty() : p12Password.password(secrets());
        }
        Optional<char[]> p12Checked = p12;
        Consumer<CaCertificates> checkFiles = ca -> {
            for (IssueCommand command : commands) {
                CredentialFiles.checkWritable(directory, command.effectiveName(), true, !noP12, force, ca.certificate(), p12Checked);
            }
        };
        int threads = parallelism != null ? parallelism : Math.min(MAX_PARALLELISM, Runtime.getRuntime().availableProcessors());
        List<IssuedCertificate> issued;
        try (Progress progress = subjects.subjectsFile != null ? Progress.of(console(), "issued", commands.size()) : Progress.none()) {
            issued = directory == null ? core().issuance().issueAll(commands, threads, progress::update)
                    : core().issuance().issueAll(commands, threads, progress::update, checkFiles);
        }
        List<Object> views = new ArrayList<>();
        Optional<char[]> p12Final = p12;
        List<CredentialFiles.Written> written = directory == null ? List.of()
                : writeAll(issued, directory, p12Final, threads);
        for (int i = 0; i < issued.size(); i++) {
            IssuedCertificate certificate = issued.get(i);
            views.add(new IssuedView(certificate.name(), Views.hex(certificate.certificate()), certificate.entry().subject(),
                    certificate.entry().notAfter().toString(), written.isEmpty() ? null : written.get(i)));
        }
        printer.data(subjects.subject != null ? views.get(0) : views, () -> {
            for (IssuedCertificate certificate : issued) {
                printer.line("Issued " + certificate.name() + "  serial " + Views.hex(certificate.certificate())
                        + "  until " + certificate.entry().notAfter() + "  " + certificate.entry().subject());
            }
            if (directory != null) {
                printer.line("Files in " + directory + (issued.size() == 1 ? ": " + String.join(", ", written.get(0).fileNames()) : ""));
            }
        });
        CredentialFiles.noteP12Passwords(printer, written);
        return OK;
    }

    private List<CredentialFiles.Written> writeAll(List<IssuedCertificate> issued, Path directory, Optional<char[]> p12, int threads) {
        Files2.createDirectory(directory);
        java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(threads);
        try {
            return pool.submit(() -> issued.parallelStream().map(c -> CredentialFiles.write(directory, c.name(), c.certificate(),
                    c.privateKey(), !noP12, c.caCertificate(), p12, force)).toList()).join();
        } finally {
            pool.shutdown();
        }
    }

    record IssuedView(String name, String serial, String subject, String notAfter, CredentialFiles.Written files) {
    }

    private int dayCount() {
        if (days != null && validFor != null) {
            throw S2mtlsException.badInput("--days and --valid-for exclude each other; give the validity once");
        }
        return days == null ? 365 : days;
    }

    private IssueCommand withValidity(IssueCommand command) {
        return validFor == null ? command : command.withLifetime(Durations.parse(validFor, "--valid-for"));
    }
}
