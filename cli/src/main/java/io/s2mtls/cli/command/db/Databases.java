package io.s2mtls.cli.command.db;

import io.s2mtls.cli.support.CliPluginContext;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.cli.support.Secrets;
import io.s2mtls.cli.support.Session;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.usecase.LifecycleUseCase;
import io.s2mtls.core.usecase.UsersUseCase;
import io.s2mtls.core.user.DatabaseTarget;
import io.s2mtls.core.user.DatabaseTarget.ClientCertificate;
import io.s2mtls.core.user.DatabaseTarget.SslMode;
import io.s2mtls.core.port.MtlsLogin;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.spi.UserDirectoryProvider;
import io.s2mtls.core.x509.Pem;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Turns the database options of a command line into a {@link DatabaseTarget} and reaches the database
 * plugin through the SPI ({@code Session.plugins().directory(scheme)}): the CLI never names an adapter.
 */
public final class Databases {
    public static final String JDBC_URL_ENV = "S2MTLS_JDBC_URL";
    public static final String ADMIN_USER_ENV = "S2MTLS_ADMIN_USER";
    public static final String ADMIN_PASSWORD_ENV = "S2MTLS_ADMIN_PASSWORD";
    /** The server certificate's CA file when --ca is not given. */
    public static final String CA_ENV = "S2MTLS_CA";

    private final Session session;
    private final Console console;
    private final Secrets secrets;
    private final Printer printer;

    public Databases(Session session, Console console, Secrets secrets, Printer printer) {
        this.session = requireNonNull(session, "session is null");
        this.console = requireNonNull(console, "console is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.printer = requireNonNull(printer, "printer is null");
    }

    /**
     * How a user command's change is recorded. A dry run records nothing. A store that exists must be readable
     * before the server is changed (the use case checks; a wrong store password fails while the server is
     * unchanged); with no store here at all the change is made and said not recorded.
     */
    public UsersUseCase.Options changeOptions(boolean dryRun) {
        if (dryRun) {
            return new UsersUseCase.Options(true, UsersUseCase.Recording.IF_PRESENT);
        }
        try {
            return new UsersUseCase.Options(false, session.storeMissing() ? UsersUseCase.Recording.IF_PRESENT : UsersUseCase.Recording.REQUIRED);
        } catch (S2mtlsException e) {
            throw new S2mtlsException(e.kind(), e.getMessage()
                    + " (nothing was changed on the server: the change is recorded in that store)", e);
        }
    }

    /** Opens the administrative connection; the caller closes the directory. */
    public UserDirectory openDirectory(ConnectionOptions connection, AdminOptions admin) {
        String url = jdbcUrl(connection);
        UserDirectoryProvider provider = provider(url);
        String user = Optional.ofNullable(admin.adminUser).or(() -> console.env(ADMIN_USER_ENV)).orElse("root");
        Optional<ClientCertificate> certificate = Optional.empty();
        if (admin.adminCert != null || admin.adminKey != null) {
            if (admin.adminCert == null || admin.adminKey == null) {
                throw S2mtlsException.badInput("--admin-cert and --admin-key go together");
            }
            certificate = Optional.of(clientCertificate(admin.adminCert, "--admin-cert", admin.adminKey, "--admin-key", Optional.empty()));
        }
        List<X509Certificate> serverCas = serverCas(connection);
        SslMode mode = sslMode(connection);
        Optional<char[]> password = secrets.optional(Optional.ofNullable(admin.adminPasswordFile), "--admin-password-file", ADMIN_PASSWORD_ENV);
        if (password.isEmpty() && certificate.isEmpty() && console.terminal().isPresent()) {
            char[] typed = console.terminal().get().readPassword("Password for %s: ", user);
            if (typed != null && typed.length > 0) {
                password = Optional.of(typed);
            }
        }
        if (password.isEmpty() && certificate.isEmpty()) {
            throw S2mtlsException.badInput("no admin password: set " + ADMIN_PASSWORD_ENV + ", pass --admin-password-file FILE,"
                    + " or log in with --admin-cert FILE --admin-key FILE");
        }
        try {
            DatabaseTarget target = new DatabaseTarget(url, user, password, certificate, serverCas, mode, printer.verbose());
            return PluginRegistry.open(provider, target, context(admin.dialect));
        } finally {
            password.ifPresent(p -> Arrays.fill(p, '\0'));
        }
    }

    /** Logs in as {@code user} with {@code certificate} and asks the server who we are. */
    public MtlsLogin.LoginReport login(ConnectionOptions connection, String user, ClientCertificate certificate,
                                       List<X509Certificate> serverCas) {
        String url = jdbcUrl(connection);
        UserDirectoryProvider provider = provider(url);
        DatabaseTarget target = new DatabaseTarget(url, user, Optional.empty(), Optional.of(certificate), serverCas,
                sslMode(connection), printer.verbose());
        return PluginRegistry.mtlsLogin(provider, context(null)).login(target);
    }

    /** --jdbc-url, else S2MTLS_JDBC_URL. */
    public String jdbcUrl(ConnectionOptions connection) {
        String url = Optional.ofNullable(connection.jdbcUrl).or(() -> console.env(JDBC_URL_ENV)).orElseThrow(() ->
                S2mtlsException.badInput("no server: pass --jdbc-url URL or set " + JDBC_URL_ENV
                        + ", e.g. jdbc:singlestore://db.example.com:3306/"));
        scheme(url);
        String rest = url.substring(url.indexOf("//") + 2);
        int slash = rest.indexOf('/');
        int query = rest.indexOf('?');
        String authority = rest.substring(0, slash >= 0 ? slash : query >= 0 ? query : rest.length());
        if (authority.contains("@")) {
            throw S2mtlsException.badInput("--jdbc-url: '" + redacted(url) + "' carries a user or password before the host; remove"
                    + " it and name the admin with --admin-user NAME and env " + ADMIN_PASSWORD_ENV + " or --admin-password-file FILE");
        }
        if (query >= 0 && (slash < 0 || query < slash)) {
            throw S2mtlsException.badInput("--jdbc-url: '" + redacted(url) + "': write '/' after host:port, before the parameters,"
                    + " e.g. jdbc:singlestore://db.example.com:3306/?connectTimeout=5000");
        }
        return url;
    }

    /** {@code singlestore} for {@code jdbc:singlestore://host:port/}. */
    static String scheme(String url) {
        int colon = url.indexOf(':', 5);
        if (!url.startsWith("jdbc:") || colon < 0 || colon == 5 || !url.startsWith("//", colon + 1)) {
            throw S2mtlsException.badInput("--jdbc-url: '" + redacted(url) + "' is not a JDBC URL; write e.g. jdbc:singlestore://host:3306/");
        }
        return url.substring(5, colon);
    }

    /**
     * {@code url} fit for a message or a suggested command line: a user or password before the host becomes
     * {@code ***}, and every parameter value {@code ***} (names, host, port and database stay).
     */
    public static String redacted(String url) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        int slashes = base.indexOf("//");
        int authorityEnd = slashes < 0 ? -1 : base.indexOf('/', slashes + 2);
        int at = base.lastIndexOf('@', authorityEnd < 0 ? base.length() : authorityEnd);
        if (at > slashes) {
            base = (slashes < 0 ? "" : base.substring(0, slashes + 2)) + "***" + base.substring(at);
        }
        if (query < 0) {
            return base;
        }
        List<String> parameters = new java.util.ArrayList<>();
        for (String parameter : url.substring(query + 1).split("&", -1)) {
            int equals = parameter.indexOf('=');
            parameters.add(equals < 0 ? parameter : parameter.substring(0, equals) + "=***");
        }
        return base + "?" + String.join("&", parameters);
    }

    /** {@code host:port} of a JDBC URL, for messages (port 3306 when absent). */
    public static String hostAndPort(String url) {
        String rest = url.substring(url.indexOf("//") + 2);
        int end = rest.length();
        for (char stop : new char[] {'/', '?', ','}) {
            int at = rest.indexOf(stop);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        String hostPort = rest.substring(rest.lastIndexOf('@', end) + 1, end);
        boolean hasPort = hostPort.startsWith("[") ? hostPort.contains("]:") : hostPort.contains(":");
        return hasPort ? hostPort : hostPort + ":3306";
    }

    private UserDirectoryProvider provider(String url) {
        return session.plugins().directory(scheme(url));
    }

    private static SslMode sslMode(ConnectionOptions connection) {
        return switch (connection.sslMode.toLowerCase(java.util.Locale.ROOT)) {
            case "verify-ca" -> SslMode.VERIFY_CA;
            case "verify-full" -> SslMode.VERIFY_FULL;
            default -> throw S2mtlsException.badInput("--ssl-mode: '" + connection.sslMode + "' is not verify-ca or verify-full");
        };
    }

    /** The file the server certificate's CA comes from and how it was named: --ca FILE, else S2MTLS_CA; empty: the store's CA. */
    private Optional<Map.Entry<String, String>> serverCaFile(ConnectionOptions connection) {
        if (connection.ca != null) {
            return Optional.of(Map.entry("--ca", connection.ca));
        }
        return console.env(CA_ENV).filter(v -> !v.isBlank()).map(v -> Map.entry(CA_ENV, v));
    }

    /** --ca FILE, else S2MTLS_CA, else the store's CA certificate. */
    public List<X509Certificate> serverCas(ConnectionOptions connection) {
        Optional<Map.Entry<String, String>> given = serverCaFile(connection);
        if (given.isPresent()) {
            Path path = console.path(given.get().getValue());
            return Pem.readCertificates(Files2.read(path, given.get().getKey()), path.toString());
        }
        Optional<CaCertificates> authority;
        try {
            authority = session.store().index().authority();
        } catch (S2mtlsException e) {
            throw S2mtlsException.badInput("--ca: no CA given for the server certificate, and the store's CA cannot be read ("
                    + e.getMessage() + "); pass --ca FILE or set " + CA_ENV, e);
        }
        return List.of(authority.orElseThrow(() -> S2mtlsException.badInput("--ca: no CA given for the server certificate and "
                + session.storeUri() + " holds no CA; pass --ca FILE or set " + CA_ENV + " (the CA that signed the server certificate)")).certificate());
    }

    /** A client certificate and key from PEM files; the key stays in memory. */
    public ClientCertificate clientCertificate(String certFile, String certOption, String keyFile, String keyOption,
                                               Optional<char[]> keyPassword) {
        Path certPath = console.path(certFile);
        List<X509Certificate> chain = Pem.readCertificates(Files2.read(certPath, certOption), certPath.toString());
        Path keyPath = console.path(keyFile);
        PrivateKey key = Pem.readPrivateKey(Files2.read(keyPath, keyOption), keyPath.toString(), keyPassword);
        if (!key.getAlgorithm().equals(chain.get(0).getPublicKey().getAlgorithm())
                && !(key.getAlgorithm().startsWith("EC") && chain.get(0).getPublicKey().getAlgorithm().startsWith("EC"))) {
            throw S2mtlsException.badInput(keyOption + " " + keyPath + ": a " + key.getAlgorithm() + " key does not belong to the "
                    + chain.get(0).getPublicKey().getAlgorithm() + " certificate " + certPath);
        }
        return new ClientCertificate(chain.get(0), key, chain.subList(1, chain.size()));
    }

    /** The plugin context for the database plugin: only the options it knows (the store's --store-option stay with the store). */
    private PluginContext context(String dialect) {
        CliPluginContext base = session.pluginContext();
        Map<String, String> options = dialect == null ? Map.of() : Map.of("dialect", dialect);
        return new PluginContext() {
            @Override
            public Map<String, String> environment() {
                return base.environment();
            }

            @Override
            public Map<String, String> options() {
                return options;
            }

            @Override
            public char[] storePassword() {
                return base.storePassword();
            }

            @Override
            public Optional<String> readSecretFile(String path) {
                return base.readSecretFile(path);
            }
        };
    }
}
