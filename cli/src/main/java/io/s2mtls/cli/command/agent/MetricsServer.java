package io.s2mtls.cli.command.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.s2mtls.cli.command.metrics.MetricsExposition;
import io.s2mtls.core.S2mtls;
import io.s2mtls.core.error.S2mtlsException;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --metrics-listen}: serves {@code GET /metrics}, the Prometheus text exposition of the store's overview (what
 * {@code s2mtls metrics} prints, read afresh for each request), on a loopback address only: the metrics name every
 * credential, and a scraper on the same host (or a proxy in front of it) is the intended reader.
 */
final class MetricsServer implements AutoCloseable {
    static final int AUDIT_EVENTS = 50;
    private static final Pattern HOST_PORT = Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)]|([^:\\[\\]]+)):(\\d{1,5})");

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** {@code 127.0.0.1:9464}, {@code [::1]:9464} or {@code localhost:9464}; anything that is not a loopback address is refused. */
    static InetSocketAddress address(String text) {
        Matcher matcher = HOST_PORT.matcher(text.strip());
        if (!matcher.matches()) {
            throw S2mtlsException.badInput("--metrics-listen: '" + text + "' is not HOST:PORT; write e.g. 127.0.0.1:9464");
        }
        String host = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
        int port = Integer.parseInt(matcher.group(3));
        if (port > 65_535) {
            throw S2mtlsException.badInput("--metrics-listen: port " + port + " is out of range; use 1 to 65535 (or 0 for any free port)");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw S2mtlsException.badInput("--metrics-listen: '" + host + "' is not an address of this host; use 127.0.0.1", e);
        }
        if (!address.isLoopbackAddress()) {
            throw S2mtlsException.badInput("--metrics-listen: " + host + " is not a loopback address; the agent serves metrics on"
                    + " 127.0.0.1 or ::1 only (put a proxy in front of it to expose them)");
        }
        return new InetSocketAddress(address, port);
    }

    static MetricsServer start(InetSocketAddress address, S2mtls core, AgentLog log) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw S2mtlsException.badInput("--metrics-listen: cannot listen on " + address.getAddress().getHostAddress() + ":" + address.getPort()
                    + " (" + e.getMessage() + "); choose another port", e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "s2mtls-agent-metrics");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                    send(exchange, 404, "not found; the metrics are at /metrics\n");
                } else if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                    send(exchange, 405, "method not allowed\n");
                } else {
                    String text;
                    try {
                        text = MetricsExposition.text(core.overview().overview(AUDIT_EVENTS));
                    } catch (RuntimeException e) {
                        log.event("metrics: cannot read the store: " + e.getMessage());
                        send(exchange, 500, "cannot read the store\n");
                        return;
                    }
                    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    send(exchange, 200, text);
                }
            }
        });
        server.start();
        MetricsServer started = new MetricsServer(server, executor);
        log.event("serving metrics on http://" + hostPort(server.getAddress()) + "/metrics");
        return started;
    }

    private static String hostPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
