package io.s2mtls.cli.command.agent;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.core.error.S2mtlsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code s2mtls agent}: reads the configuration, then hands the work to {@link RenewalAgent} (one cycle with
 * --once, else the loop until SIGTERM or SIGINT, which let the current write finish and exit 0).
 */
@Command(name = "agent", header = "Keep credentials fresh: renew them before they expire and write their files.", description = {
        "Runs in the foreground (systemd, a container, or cron with --once) and keeps the credentials that",
        "--config lists fresh: each is renewed when the end of its certificate comes within its renewal window",
        "(default: the last third of its lifetime), its files are written into its out-dir (NAME-key.pem,",
        "NAME-cert.pem, ca-cert.pem (the CA bundle); NAME.p12 with 'p12: true'), and its 'exec' command runs",
        "once after each renewal. A key never appears with another certificate: both are switched together.",
        "An out-dir that does not hold the store's current certificate is brought up to date without renewing.",
        "Failures are retried with backoff (up to 5 minutes apart); the files in use are never removed.",
        "Two agents never renew the same credential: each takes the credential's lock in its out-dir.",
        "Logs go to standard error, one line per event. The store needs no password with Vault (Vault's own",
        "authentication, VAULT_TOKEN); a PKCS12 store takes --store-password-file or S2MTLS_STORE_PASSWORD.",
        "Exit codes with --once: 0 all fine, 1 a credential could not be kept fresh, 3 the store or Vault failed."},
        footer = {"", "Examples:", "  s2mtls agent --config /etc/s2mtls/agent.yaml",
                "  s2mtls agent --config agent.yaml --once                  # from cron",
                "  s2mtls agent --config agent.yaml --metrics-listen 127.0.0.1:9464",
                "", "Configuration (YAML):", "  renew-within: 30d            # or a fraction of the lifetime: \"1/3\" (the default)",
                "  credentials:", "    - name: app_reader", "      out-dir: /etc/app/tls", "      exec: \"systemctl reload app\"",
                "  Per credential also: owner (USER[:GROUP], as root), mode (the key's, default 0600), p12 (true|false),",
                "  p12-password-file (else S2MTLS_P12_PASSWORD, else a random one in NAME.p12.pass), renew-within."})
public final class AgentCommand extends BaseCommand {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The agent's configuration (YAML).")
    String config;
    @Option(names = "--once", description = "Run one cycle and exit: 0 when every credential is fine.")
    boolean once;
    @Option(names = "--metrics-listen", paramLabel = "HOST:PORT",
            description = "Serve GET /metrics (Prometheus text) on this loopback address, e.g. 127.0.0.1:9464.")
    String metricsListen;

    /** How long a shutdown waits for the current cycle to finish its write. */
    private static final long STOP_WAIT_SECONDS = 60;

    @Override
    protected int run() {
        Path file = console().path(config);
        String text = new String(Files2.read(file, "--config", Files2.MAX_LIST_BYTES), StandardCharsets.UTF_8);
        AgentConfig parsed = AgentConfigFile.parse(text, config, file.toAbsolutePath().getParent());
        if (once && metricsListen != null) {
            throw S2mtlsException.badInput("--metrics-listen serves the long-running agent; leave it out with --once");
        }
        Optional<InetSocketAddress> listen = Optional.ofNullable(metricsListen).map(MetricsServer::address);
        Map<String, Optional<char[]>> p12Passwords = new HashMap<>();
        for (AgentConfig.Credential credential : parsed.credentials()) {
            p12Passwords.put(credential.name(), credential.p12()
                    ? secrets().p12Password(credential.p12PasswordFile().map(Path::toString)) : Optional.empty());
        }
        AgentLog log = new AgentLog(console().err());
        if (parsed.credentials().stream().anyMatch(c -> c.owner().isPresent()) && !CredentialDirectory.Owners.canChange()) {
            log.event("warning: 'owner' is applied only when the agent runs as root; the files stay this user's");
        }
        RenewalAgent.MonitorSleeper sleeper = new RenewalAgent.MonitorSleeper();
        RenewalAgent agent = new RenewalAgent(parsed, core(), session().store(), Clock.systemUTC(),
                credential -> p12Passwords.get(credential.name()), log, new HookRunner(), sleeper);
        StopSignals signals = new StopSignals(agent);
        MetricsServer metrics = listen.map(address -> MetricsServer.start(address, core(), log)).orElse(null);
        try {
            return once ? agent.once() : agent.run();
        } finally {
            signals.done();
            if (metrics != null) {
                metrics.close();
            }
        }
    }

    /**
     * SIGTERM and SIGINT stop the agent after its current write, and the command then returns 0 (the JVM's own
     * handling would exit 143). A shutdown hook covers the other ways the JVM is asked to end: it stops the agent
     * and waits for the current cycle to finish.
     */
    private static final class StopSignals {
        private final Map<String, Object> previous = new HashMap<>();
        private final CountDownLatch finished = new CountDownLatch(1);
        private final Thread hook;

        StopSignals(RenewalAgent agent) {
            for (String name : new String[] {"TERM", "INT"}) {
                try {
                    previous.put(name, sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> agent.stop()));
                } catch (IllegalArgumentException | UnsupportedOperationException e) {
                    // the JVM keeps this signal (-Xrs): the shutdown hook below still lets the write finish
                }
            }
            hook = new Thread(() -> {
                agent.stop();
                try {
                    finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "s2mtls-agent-stop");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        void done() {
            finished.countDown();
            previous.forEach((name, handler) -> sun.misc.Signal.handle(new sun.misc.Signal(name), (sun.misc.SignalHandler) handler));
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }
}
