package io.s2mtls.cli.command.serverconfig;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.command.db.DatabaseCommand;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.usecase.InventoryUseCase;
import io.s2mtls.core.x509.Pem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** {@code s2mtls server-config}: the server side of mTLS, for a server credential in the store. */
@Command(name = "server-config", header = "Print (or write) the server's TLS configuration for mutual TLS.", sortOptions = false, description = {
        "Print the server configuration for mutual TLS with a server credential from the store (made with"
                + " 's2mtls cert issue --server --san ...'): the certificate and key the server presents, and the"
                + " store's CA as the CA that client certificates must chain to: the trust bundle of 'ca export --bundle',"
                + " which holds both CAs while a CA rotation is under way (see 'ca rotate status').",
        "  singlestore:   memsql.cnf lines ssl_cert, ssl_key, ssl_ca_for_client_cert,",
        "                 sdb-admin update-config commands, SSL_RELOAD and restart notes",
        "  mariadb/mysql: ssl_cert, ssl_key, ssl_ca under [mariadbd] / [mysqld], and",
        "                 FLUSH SSL / ALTER INSTANCE RELOAD TLS",
        "Files are named NAME-cert.pem, NAME-key.pem and ca-cert.pem in --dir, the directory on the server;"
                + " --write also writes them there (key 0600), for copying to the server or for a local server."},
        footer = {"", "Examples:",
                "  s2mtls cert issue --server --subject '/CN=db1.example.com' --san DNS:db1.example.com,IP:10.0.0.5 --name db1-2026",
                "  s2mtls server-config --credential db1-2026",
                "  s2mtls server-config --credential db1-2026 --flavor mariadb --dir /etc/mysql/ssl",
                "  s2mtls server-config --credential db1-2026 --dir ./server-ssl --write"})
public final class ServerConfigCommand extends DatabaseCommand {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    /** What SSL_RELOAD does for the server's own files; quickstart prints the same sentence. */
    public static final String RELOAD_CERT_AND_KEY = "ssl_cert/ssl_key: run SSL_RELOAD; on every aggregator to load them without a restart.";
    /** What SSL_RELOAD is not known to do for the client CA; quickstart prints the same sentence. */
    public static final String RELOAD_CLIENT_CA = "ssl_ca_for_client_cert: SingleStore does not document that SSL_RELOAD re-reads it;"
            + " plan a restart (sdb-admin restart-node --all) after setting or changing it.";

    /** The kind of server to configure. */
    public enum Flavor { singlestore, mariadb, mysql }

    @Option(names = "--credential", required = true, paramLabel = "NAME", order = 1,
            description = "The server credential in the store (from 'cert issue --server').")
    String credential;
    @Option(names = "--flavor", paramLabel = "NAME", defaultValue = "singlestore", order = 2,
            description = "singlestore (default), mariadb or mysql.")
    Flavor flavor;
    @Option(names = "--dir", paramLabel = "DIR", order = 3,
            description = "Where the files live on the server (default: /etc/memsql/ssl for singlestore, /etc/mysql/ssl otherwise).")
    String dir;
    @Option(names = "--write", order = 4, description = "Also write the files into --dir (on this machine).")
    boolean write;
    @Option(names = "--force", order = 5, description = "With --write: overwrite existing files.")
    boolean force;

    private final Provider<InventoryUseCase> inventory;
    private final Console console;

    @Inject
    ServerConfigCommand(Printer printer, Provider<InventoryUseCase> inventory, Console console) {
        super(printer);
        this.inventory = inventory;
        this.console = console;
    }

    record FilesView(String certificate, String key, String clientCa) {
    }

    /**
     * @param clientCa the subjects of the CA certificates in the client CA file, in order
     * @param rotation whether a CA rotation is under way (the client CA file holds two CAs)
     * @param phase    the rotation phase: none, begun (the old CA still issues) or switched (the new one does)
     */
    record ConfigView(String flavor, String credential, FilesView files, boolean written, String configFile,
                      List<String> config, List<String> commands, List<String> notes, List<String> clientCa, boolean rotation,
                      String phase) {
    }

    @Override
    protected int run() {
        InventoryUseCase.CredentialExport export = inventory.get().export(credential);
        X509Certificate certificate = export.credential().certificate();
        PrivateKey key = export.credential().privateKey().orElseThrow(() -> S2mtlsException.badInput("--credential "
                + credential + ": the store holds no key for it (signed from a CSR); the server's key stays where the CSR was made"));
        if (!isServerCertificate(certificate)) {
            throw S2mtlsException.badInput("--credential " + credential + ": not a server certificate (no serverAuth purpose);"
                    + " issue one with 's2mtls cert issue --server --subject /CN=HOST --san DNS:HOST'");
        }
        String directory = dir != null ? dir : flavor == Flavor.singlestore ? "/etc/memsql/ssl" : "/etc/mysql/ssl";
        String base = write ? console.path(directory).toString() : directory;
        String sep = base.endsWith("/") ? "" : "/";
        FilesView files = new FilesView(base + sep + credential + "-cert.pem", base + sep + credential + "-key.pem", base + sep + "ca-cert.pem");
        if (write) {
            Path target = console.path(directory);
            for (String file : List.of(files.certificate(), files.key(), files.clientCa())) {
                Files2.refuseOverwrite(Path.of(file), force);
            }
            Files2.createDirectory(target);
            Files2.writeSecret(Path.of(files.key()), Pem.privateKey(key), force);
            Files2.writePublic(Path.of(files.certificate()), Pem.certificate(certificate), force);
            Files2.writePublic(Path.of(files.clientCa()), export.trustBundle().stream().map(Pem::certificate).collect(java.util.stream.Collectors.joining()), force);
        }
        List<String> clientCa = export.trustBundle().stream().map(c -> io.s2mtls.core.x509.Certificates.subjectOf(c).oneline()).toList();
        RotationPhase phase = export.phase();
        ConfigView view = switch (flavor) {
            case singlestore -> singleStore(files, clientCa, phase);
            case mariadb, mysql -> mysqlFamily(files, clientCa, phase);
        };
        printer.data(view, () -> {
            printer.line("# " + view.configFile());
            view.config().forEach(printer::line);
            if (!view.commands().isEmpty()) {
                printer.line("");
                printer.line(flavor == Flavor.singlestore ? "# or set them with sdb-admin (it writes memsql.cnf on every node):"
                        : "# then load them without a restart:");
                view.commands().forEach(printer::line);
            }
            printer.line("");
            view.notes().forEach(n -> printer.line("# " + n));
            if (write) {
                printer.note("Wrote " + files.certificate() + ", " + files.key() + " (0600) and " + files.clientCa() + ".");
            }
        });
        return OK;
    }

    /** The note on the client CA file in each phase of a CA rotation, and on when it changes. */
    static List<String> rotationNotes(String clientCaFile, List<String> clientCa, RotationPhase phase, String reload) {
        List<String> notes = new ArrayList<>();
        String both = "A CA rotation is under way (phase " + phase.label() + "): " + clientCaFile + " holds both CAs ("
                + String.join("; ", clientCa) + ").";
        switch (phase) {
            case BEGUN -> notes.add(both + " The old CA still issues. Deploy the file on every server and " + reload
                    + " before 's2mtls ca rotate switch'; 's2mtls ca rotate status --bundle FILE --check' tells whether a deployed file is ready.");
            case SWITCHED -> notes.add(both + " The new CA issues; keep both trusted until every credential is reissued"
                    + " ('s2mtls cert renew --all' or 'apply'), then 's2mtls ca rotate finish', write the file again (the new CA only) and " + reload + ".");
            case NONE -> {
            }
        }
        notes.add("The client CA file changes with 'ca rotate begin' and 'ca rotate finish': write it again (s2mtls ca export --bundle"
                + " --out FILE) and " + reload + " each time.");
        return notes;
    }

    private ConfigView singleStore(FilesView files, List<String> clientCa, RotationPhase phase) {
        List<String> config = List.of("ssl_cert = " + optionValue(files.certificate()), "ssl_key = " + optionValue(files.key()),
                "ssl_ca_for_client_cert = " + optionValue(files.clientCa()));
        List<String> commands = new ArrayList<>();
        for (String[] pair : new String[][] {{"ssl_cert", files.certificate()}, {"ssl_key", files.key()},
                {"ssl_ca_for_client_cert", files.clientCa()}}) {
            commands.add("sdb-admin update-config --key " + pair[0] + " --value " + shellWord(pair[1]) + " --all");
        }
        List<String> notes = new ArrayList<>(List.of(
                "Copy the files to every aggregator; they must be readable by the memsql user (chown memsql, chmod 600 the key).",
                RELOAD_CERT_AND_KEY,
                "  Existing connections keep their TLS session. Give rotated files new names (a new credential name)"
                        + " rather than overwriting in place.",
                RELOAD_CLIENT_CA,
                "Managed cloud: upload " + shellWord(files.clientCa()) + " as the client CA bundle in the portal instead.",
                "Then: s2mtls user create NAME --from-cert CLIENT-cert.pem; s2mtls connect --user NAME --credential NAME"));
        notes.addAll(rotationNotes(files.clientCa(), clientCa, phase, "restart (or SSL_RELOAD, see above)"));
        return new ConfigView("singlestore", credential, files, write, "memsql.cnf (every aggregator)", config, commands, notes, clientCa,
                phase != RotationPhase.NONE, phase.label());
    }

    private ConfigView mysqlFamily(FilesView files, List<String> clientCa, RotationPhase phase) {
        boolean maria = flavor == Flavor.mariadb;
        List<String> config = List.of(maria ? "[mariadbd]" : "[mysqld]", "ssl_cert = " + optionValue(files.certificate()),
                "ssl_key = " + optionValue(files.key()), "ssl_ca = " + optionValue(files.clientCa()));
        List<String> commands = List.of(maria ? "FLUSH SSL;" : "ALTER INSTANCE RELOAD TLS;");
        List<String> notes = new ArrayList<>(List.of(
                "ssl_ca is the CA that client certificates must chain to (SingleStore calls it ssl_ca_for_client_cert).",
                "The files must be readable by the server's user (mysql); the key 0600.",
                maria ? "FLUSH SSL (MariaDB 10.4+) re-reads the files; otherwise restart the server."
                        : "ALTER INSTANCE RELOAD TLS (MySQL 8.0.16+) re-reads the files; otherwise restart the server.",
                "Then: s2mtls user create NAME --from-cert CLIENT-cert.pem; s2mtls connect --user NAME --credential NAME"));
        notes.addAll(rotationNotes(files.clientCa(), clientCa, phase, maria ? "run FLUSH SSL" : "run ALTER INSTANCE RELOAD TLS"));
        return new ConfigView(flavor.name(), credential, files, write,
                (maria ? "/etc/mysql/mariadb.conf.d/90-s2mtls.cnf" : "/etc/mysql/conf.d/s2mtls.cnf") + " (or my.cnf)", config, commands, notes,
                clientCa, phase != RotationPhase.NONE, phase.label());
    }

    /**
     * A value for an option file (my.cnf, memsql.cnf) in double quotes, with the escapes the server's option
     * reader undoes (backslash, double quote, newline, tab, carriage return, backspace): spaces, quotes,
     * {@code #} and backslashes in a path survive as written.
     */
    static String optionValue(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> quoted.append("\\\\");
                case '"' -> quoted.append("\\\"");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                case '\r' -> quoted.append("\\r");
                case '\b' -> quoted.append("\\b");
                default -> quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    /** A word for a POSIX shell: in single quotes, a single quote written as {@code '\\''}. */
    static String shellWord(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private static boolean isServerCertificate(X509Certificate certificate) {
        try {
            List<String> purposes = certificate.getExtendedKeyUsage();
            return purposes == null || purposes.contains(SERVER_AUTH);
        } catch (CertificateParsingException e) {
            return false;
        }
    }
}
