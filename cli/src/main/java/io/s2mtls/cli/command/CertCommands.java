package io.s2mtls.cli.command;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Durations;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.cli.support.Progress;
import io.s2mtls.cli.support.Secrets;
import io.s2mtls.cli.support.Session;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.SubjectAltName;
import io.s2mtls.core.pki.VerificationResult;
import io.s2mtls.core.usecase.AuthorityUseCase;
import io.s2mtls.core.usecase.InventoryUseCase;
import io.s2mtls.core.usecase.IssueCommand;
import io.s2mtls.core.usecase.IssuanceUseCase;
import io.s2mtls.core.usecase.IssuedCertificate;
import io.s2mtls.core.usecase.VerificationUseCase;
import io.s2mtls.core.x509.Pem;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code s2mtls cert ...}: issuing, signing, checking and listing certificates. */
@Command(name = "cert", description = "Issue, sign, verify, show, list and export certificates.",
        subcommands = {CertCommands.Issue.class, CertCommands.Sign.class, CertCommands.Verify.class,
                CertCommands.Show.class, CertCommands.ListCommand.class, CertCommands.Export.class,
                CertRenewCommand.class, io.s2mtls.cli.command.cert.CertRevokeCommand.class})
public final class CertCommands {

    /** The most threads a bulk issuance takes. */
    static final int MAX_PARALLELISM = 256;

    /**
     * The password that protects every written NAME.p12: --p12-password-file, else S2MTLS_P12_PASSWORD,
     * else empty, and each file gets a random password of its own in NAME.p12.pass. Never the store password.
     */
    static Optional<char[]> p12Password(Secrets secrets, String file) {
        return secrets.p12Password(Optional.ofNullable(file));
    }

    /** Tells where a NAME.p12's password is, or that the given one protects it. */
    static void noteP12Passwords(Printer printer, List<CredentialFiles.Written> written) {
        List<CredentialFiles.Written> withP12 = written.stream().filter(w -> w.pkcs12() != null).toList();
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

    @Command(name = "issue", header = "Issue client (or server) credentials signed by the store's CA, one or in bulk.", description = {
            "Issue a client credential: a new key and a certificate signed by the store's CA, recorded in the",
            "store under NAME (default: the subject's CN made file-safe). The subject is used byte for byte,",
            "so 's2mtls subject NAME-cert.pem' prints exactly what REQUIRE SUBJECT must say.",
            "With --out-dir it also writes NAME-key.pem (0600), NAME-cert.pem, NAME.p12 (0600) and ca-cert.pem.",
            "NAME.p12 never carries the store password: it takes --p12-password-file (or S2MTLS_P12_PASSWORD),",
            "else a random password of its own, written to NAME.p12.pass (0600).",
            "With --subjects-file it issues one credential per line, on all cores."},
            footer = {"", "Examples:",
                    "  s2mtls cert issue --subject '/C=US/O=ExampleOrg/OU=Client/CN=client.example.com' --out-dir creds",
                    "  s2mtls cert issue --subject '/O=ExampleOrg/CN=app_reader' --key ec:p256 --days 90 --name app_reader",
                    "  s2mtls cert issue --subjects-file users.txt --out-dir creds",
                    "  s2mtls cert issue --server --subject '/CN=db.example.com' --san DNS:db.example.com,IP:10.0.0.5 --out-dir server"})
    public static final class Issue extends BaseCommand {
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
        @Option(names = "--days", defaultValue = "365", description = "Validity in days, never beyond the CA's (default: ${DEFAULT-VALUE}).")
        int days;
        @Option(names = "--name", paramLabel = "NAME", description = "Store the credential under this name.")
        String name;
        @Option(names = "--out-dir", paramLabel = "DIR", description = "Also write the credential's files here.")
        String outDir;
        @Option(names = "--p12-password-file", paramLabel = "FILE", description = "Protect NAME.p12 with this password (default: S2MTLS_P12_PASSWORD, else a random one in NAME.p12.pass).")
        String p12PasswordFile;
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

        private final Provider<IssuanceUseCase> issuance;
        private final Provider<AuthorityUseCase> authority;
        private final Console console;
        private final Secrets secrets;

        @Inject
        Issue(Printer printer, Provider<IssuanceUseCase> issuance, Provider<AuthorityUseCase> authority, Console console, Secrets secrets) {
            super(printer);
            this.issuance = issuance;
            this.authority = authority;
            this.console = console;
            this.secrets = secrets;
        }

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
                Path file = console.path(subjects.subjectsFile);
                String[] lines = new String(Files2.read(file, "--subjects-file", Files2.MAX_LIST_BYTES), StandardCharsets.UTF_8).split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    String line = lines[i].strip();
                    if (line.isEmpty() || line.startsWith("#")) {
                        continue;
                    }
                    try {
                        commands.add(new IssueCommand(DistinguishedName.parse(line), keySpec, days, Optional.empty(), profile, sans, allowUnsafeSubject, force));
                    } catch (S2mtlsException e) {
                        throw new S2mtlsException(e.kind(), file + ":" + (i + 1) + ": " + e.getMessage(), e);
                    }
                }
                if (commands.isEmpty()) {
                    throw S2mtlsException.badInput(file + ": no subjects in the file");
                }
            } else {
                commands.add(new IssueCommand(DistinguishedName.parse(subjects.subject), keySpec, days, Optional.ofNullable(name),
                        profile, sans, allowUnsafeSubject, force));
            }
            Path directory = outDir == null ? null : console.path(outDir);
            Optional<char[]> p12 = Optional.empty();
            if (noP12 && (outDir == null || p12PasswordFile != null)) {
                throw S2mtlsException.badInput(outDir == null ? "--no-p12 goes with --out-dir" : "--no-p12 and --p12-password-file exclude each other");
            }
            if (directory != null) {
                p12 = noP12 ? Optional.empty() : p12Password(secrets, p12PasswordFile);
                X509Certificate ca = authority.get().show().certificate();
                for (IssueCommand command : commands) {
                    CredentialFiles.checkWritable(directory, command.effectiveName(), true, !noP12, force, ca, p12);
                }
            }
            int threads = parallelism != null ? parallelism : Math.min(MAX_PARALLELISM, Runtime.getRuntime().availableProcessors());
            List<IssuedCertificate> issued;
            try (Progress progress = subjects.subjectsFile != null ? Progress.of(console, "issued", commands.size()) : Progress.none()) {
                issued = issuance.get().issueAll(commands, threads, progress::update);
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
            noteP12Passwords(printer, written);
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
    }

    @Command(name = "sign", header = "Sign a CSR, keeping its subject exactly as the requester made it.", description = {
            "Sign a CSR (the client made its own key). The subject is kept exactly as the CSR has it (its DER),",
            "so the server compares the same string the requester saw. The CSR's signature must verify.",
            "The certificate is recorded in the store's inventory."},
            footer = {"", "Example:", "  s2mtls cert sign --csr client-req.pem --out client-cert.pem"})
    public static final class Sign extends BaseCommand {
        @Option(names = "--csr", required = true, paramLabel = "FILE", description = "The PKCS#10 request (PEM or DER).")
        String csr;
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the certificate (PEM).")
        String out;
        @Option(names = "--days", defaultValue = "365", description = "Validity in days (default: ${DEFAULT-VALUE}).")
        int days;
        @Option(names = "--name", paramLabel = "NAME", description = "Inventory name (default: the CN made file-safe).")
        String name;
        @Option(names = "--server", description = "Sign a server certificate (serverAuth).")
        boolean server;
        @Option(names = "--force", description = "Overwrite --out if it exists.")
        boolean force;
        @Option(names = "--allow-unsafe-subject", description = "Sign even a subject a server cannot tell apart from another.")
        boolean allowUnsafeSubject;

        private final Provider<IssuanceUseCase> issuance;
        private final Console console;

        @Inject
        Sign(Printer printer, Provider<IssuanceUseCase> issuance, Console console) {
            super(printer);
            this.issuance = issuance;
            this.console = console;
        }

        @Override
        protected int run() {
            Path csrFile = console.path(csr);
            Path outFile = console.path(out);
            byte[] request = Files2.read(csrFile, "--csr");
            Files2.refuseOverwrite(outFile, force);
            IssuedCertificate issued = issuance.get().sign(request, csrFile.toString(), days,
                    server ? CertificateProfile.SERVER : CertificateProfile.CLIENT, Optional.ofNullable(name), allowUnsafeSubject);
            Files2.writePublic(outFile, Pem.certificate(issued.certificate()), force);
            Issue.IssuedView view = new Issue.IssuedView(issued.name(), Views.hex(issued.certificate()), issued.entry().subject(),
                    issued.entry().notAfter().toString(), null);
            printer.data(view, () -> printer.line("Signed " + issued.entry().subject() + "  serial " + view.serial()
                    + "  until " + view.notAfter() + "  -> " + outFile));
            return OK;
        }
    }

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
    public static final class Verify extends BaseCommand {
        @Option(names = "--ca", paramLabel = "FILE", description = "A CA bundle (PEM) instead of the store's CA; the store is then not read.")
        String ca;
        @Option(names = "--server", description = "Check server certificates (-purpose sslserver: serverAuth instead of clientAuth).")
        boolean server;
        @Option(names = "--crl", paramLabel = "FILE", description = "A CRL (PEM or DER) from the CA; may be repeated. The certificates it lists are revoked.")
        List<String> crlFiles;
        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Certificates to check (PEM or DER); any further certificates in a file are its chain.")
        List<String> files;

        private final Provider<VerificationUseCase> verification;
        private final Provider<AuthorityUseCase> authority;
        private final Console console;

        @Inject
        Verify(Printer printer, Provider<VerificationUseCase> verification, Provider<AuthorityUseCase> authority, Console console) {
            super(printer);
            this.verification = verification;
            this.authority = authority;
            this.console = console;
        }

        record Outcome(String file, boolean ok, String reason) {
        }

        @Override
        protected int run() {
            List<X509Certificate> bundle = ca == null ? authority.get().show().bundle()
                    : Pem.readCertificates(Files2.read(console.path(ca), "--ca"), console.path(ca).toString());
            List<java.security.cert.X509CRL> crls = new ArrayList<>();
            for (String crlFile : crlFiles == null ? List.<String>of() : crlFiles) {
                Path path = console.path(crlFile);
                crls.addAll(verification.get().readCrls(Files2.read(path, "--crl"), path.toString(), bundle));
            }
            List<Outcome> outcomes = new ArrayList<>();
            int exit = OK;
            for (String file : files) {
                try {
                    Path path = console.path(file);
                    List<X509Certificate> presented = Pem.readCertificates(Files2.read(path, "certificate"), path.toString());
                    X509Certificate certificate = presented.get(0);
                    List<X509Certificate> chain = presented.subList(1, presented.size());
                    VerificationResult result = ca == null
                            ? verification.get().verifyWithStoreRevocations(certificate, chain, bundle, !server, crls)
                            : verification.get().verify(certificate, chain, bundle, !server, crls);
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

    @Command(name = "show", header = "Show a certificate, from a file or a stored credential.", description = {
            "Show a certificate: subject (as the server compares it), issuer, serial, dates, key, purpose, SHA-256.",
            "ARG is a file or the name of a credential in the store, the JSON output is the same either way:",
            "  - ARG with a '/' in it (./app, creds/app-cert.pem) is always a file; the store is not read;",
            "  - --name NAME is always the stored credential;",
            "  - a bare word is the file of that name when it exists, else the stored credential of that name;",
            "    when both exist, it is refused (exit 2): write ./NAME for the file or --name NAME for the credential."},
            footer = {"", "Examples:", "  s2mtls cert show creds/client-cert.pem", "  s2mtls cert show app_reader",
                    "  s2mtls cert show --name app_reader --output json"})
    public static final class Show extends BaseCommand {
        @Parameters(arity = "0..1", paramLabel = "NAME|FILE", description = "A certificate file (PEM, TRUSTED CERTIFICATE or DER, as openssl reads it)"
                + " or a stored credential's name.")
        String argument;
        @Option(names = "--name", paramLabel = "NAME", description = "The credential stored under NAME (never a file).")
        String name;
        private final Console console;
        private final Provider<InventoryUseCase> inventory;
        private final Session session;

        @Inject
        Show(Printer printer, Console console, Provider<InventoryUseCase> inventory, Session session) {
            super(printer);
            this.console = console;
            this.inventory = inventory;
            this.session = session;
        }

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
            Path path = console.path(file);
            return io.s2mtls.core.x509.CertificateSummary.read(Files2.read(path, "certificate"), path.toString());
        }

        private io.s2mtls.core.x509.CertificateSummary stored(String credential) {
            InventoryUseCase store = inventory.get();
            X509Certificate certificate = store.storedCertificate(credential).orElseThrow(() -> S2mtlsException.badInput(
                    "cert show: " + store.storeDescription() + (store.recorded(credential)
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
            Path path = console.path(word);
            boolean fileExists = java.nio.file.Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            boolean credentialExists;
            String storeProblem = null;
            try {
                if (session.storeMissing()) {
                    credentialExists = false;
                    storeProblem = "the store " + session.storeUri() + " does not exist";
                } else {
                    credentialExists = inventory.get().storedCertificate(word).isPresent();
                }
            } catch (S2mtlsException e) {
                credentialExists = false; // a store that cannot be read holds no credential to confuse the file with
                storeProblem = e.getMessage();
            }
            if (fileExists && credentialExists) {
                throw S2mtlsException.badInput("cert show: '" + word + "' is both a file here and a credential in " + session.storeUri()
                        + "; write ./" + word + " for the file or --name " + word + " for the credential");
            }
            if (credentialExists) {
                return stored(word);
            }
            if (!fileExists) {
                throw S2mtlsException.badInput("cert show: " + path + ": no such file, and " + (storeProblem == null
                        ? session.storeUri() + " holds no credential named '" + word + "'"
                        : "no credential of that name could be looked up (" + storeProblem + ")"));
            }
            return file(word);
        }
    }

    @Command(name = "list", header = "The inventory of certificates issued from this store.", description = {
            "The inventory: every certificate issued or signed from this store, with status and expiry.",
            "Status: valid, expired (valid but past its end date), superseded (replaced by a renewal) or revoked.",
            "The filters narrow the list, all of them together: --name (a glob: * any run, ? one character),",
            "--status, --profile and --expiring-within.",
            "With --expiring-within, only valid ones that expire inside the window (or have expired), and exit 1 when",
            "any are listed (for cron and monitoring)."},
            footer = {"", "Examples:", "  s2mtls cert list", "  s2mtls cert list --expiring-within 30d --output json",
                    "  s2mtls cert list --name 'app_*' --status valid,expired --profile client"})
    public static final class ListCommand extends BaseCommand {
        @Option(names = "--expiring-within", paramLabel = "DURATION", description = "e.g. 30d, 12h, 2w.")
        String expiringWithin;
        @Option(names = "--name", paramLabel = "GLOB", description = "Only credentials whose name matches: exact, or with * and ?.")
        String name;
        @Option(names = "--status", paramLabel = "STATUS", split = ",", description = "Only these: valid, expired, superseded, revoked (comma-separated or repeated).")
        List<String> statuses = new ArrayList<>();
        @Option(names = "--profile", paramLabel = "PROFILE", split = ",", description = "Only these: client, server, ca (comma-separated or repeated).")
        List<String> profiles = new ArrayList<>();
        private final Provider<InventoryUseCase> inventory;

        @Inject
        ListCommand(Printer printer, Provider<InventoryUseCase> inventory) {
            super(printer);
            this.inventory = inventory;
        }

        @Override
        protected int run() {
            java.util.Set<InventoryUseCase.Standing> standings = new java.util.HashSet<>();
            for (String status : statuses) {
                standings.add(java.util.Arrays.stream(InventoryUseCase.Standing.values()).filter(s -> s.word().equals(status.strip().toLowerCase(java.util.Locale.ROOT)))
                        .findFirst().orElseThrow(() -> S2mtlsException.badInput("--status: '" + status + "' is not one of valid, expired, superseded, revoked")));
            }
            java.util.Set<CertificateProfile> kinds = new java.util.HashSet<>();
            for (String profile : profiles) {
                kinds.add(java.util.Arrays.stream(CertificateProfile.values()).filter(p -> p.name().equalsIgnoreCase(profile.strip()))
                        .findFirst().orElseThrow(() -> S2mtlsException.badInput("--profile: '" + profile + "' is not one of client, server, ca")));
            }
            InventoryUseCase use = inventory.get();
            List<InventoryEntry> entries = use.list(new InventoryUseCase.Query(Optional.ofNullable(name), standings, kinds,
                    Optional.ofNullable(expiringWithin).map(w -> Durations.parse(w, "--expiring-within"))));
            List<Views.EntryView> views = entries.stream().map(e -> Views.EntryView.of(e, use.standing(e).word())).toList();
            boolean filtered = name != null || !standings.isEmpty() || !kinds.isEmpty();
            printer.data(views, () -> {
                if (views.isEmpty()) {
                    printer.line(expiringWithin != null ? "Nothing expires within " + expiringWithin + (filtered ? " among the certificates that match." : ".")
                            : filtered ? "No certificates match." : "No certificates recorded.");
                    return;
                }
                List<List<String>> rows = views.stream().map(v -> List.of(v.name(), v.serial(), v.profile(), v.status(), v.notAfter(), v.subject())).toList();
                Views.table(List.of("NAME", "SERIAL", "PROFILE", "STATUS", "NOT AFTER", "SUBJECT"), rows).forEach(printer::line);
            });
            return expiringWithin != null && !views.isEmpty() ? CHECK_FAILED : OK;
        }
    }

    @Command(name = "export", header = "Write a stored credential's key, certificate, .p12 and CA files.", description = {
            "Write a stored credential's files: NAME-key.pem (0600), NAME-cert.pem, NAME.p12 (0600) and ca-cert.pem.",
            "NAME.p12 never carries the store password: it takes --p12-password-file (or S2MTLS_P12_PASSWORD),",
            "else a random password of its own, written to NAME.p12.pass (0600)."},
            footer = {"", "Example:", "  s2mtls cert export app_reader --out-dir creds"})
    public static final class Export extends BaseCommand {
        @Parameters(paramLabel = "NAME", description = "The credential's name in the store.")
        String name;
        @Option(names = "--out-dir", required = true, paramLabel = "DIR", description = "Where to write the files.")
        String outDir;
        @Option(names = "--p12-password-file", paramLabel = "FILE", description = "Protect NAME.p12 with this password (default: S2MTLS_P12_PASSWORD, else a random one in NAME.p12.pass).")
        String p12PasswordFile;
        @Option(names = "--force", description = "Overwrite existing files.")
        boolean force;

        private final Provider<InventoryUseCase> inventory;
        private final Console console;
        private final Secrets secrets;

        @Inject
        Export(Printer printer, Provider<InventoryUseCase> inventory, Console console, Secrets secrets) {
            super(printer);
            this.inventory = inventory;
            this.console = console;
            this.secrets = secrets;
        }

        @Override
        protected int run() {
            InventoryUseCase.CredentialExport export = inventory.get().export(name);
            Path directory = console.path(outDir);
            boolean withKey = export.credential().privateKey().isPresent();
            Optional<char[]> p12 = withKey ? p12Password(secrets, p12PasswordFile) : Optional.empty();
            CredentialFiles.checkWritable(directory, name, withKey, force, export.caCertificate(), p12);
            CredentialFiles.Written written = CredentialFiles.write(directory, name, export.credential().certificate(),
                    export.credential().privateKey(), export.caCertificate(), p12, force);
            printer.data(written, () -> printer.line("Wrote " + name + " to " + directory + ": " + String.join(", ", written.fileNames())));
            noteP12Passwords(printer, List.of(written));
            return OK;
        }
    }
}
