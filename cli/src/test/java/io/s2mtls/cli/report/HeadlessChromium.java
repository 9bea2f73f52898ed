package io.s2mtls.cli.report;

import io.s2mtls.core.testing.ExternalTool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Debian's Chromium, headless, loading one local file with every request it makes sent to a local proxy that
 * answers nothing and records each request line: a page that fetched anything (an image, a font, a style
 * sheet, over http or https) shows up there. Host names resolve to nothing, so nothing can leave the machine
 * even without the proxy. Missing Chromium skips the test locally and fails it under CI=true.
 */
final class HeadlessChromium {
    /**
     * Hosts the browser itself contacts whatever the page is (component updates, network time, account sign-in):
     * seen from an empty page, they are not requests of the file.
     */
    static final Set<String> BROWSER_OWN_HOSTS = Set.of("update.googleapis.com", "accounts.google.com", "clients2.google.com",
            "clientservices.googleapis.com", "redirector.gvt1.com", "edgedl.me.gvt1.com", "optimizationguide-pa.googleapis.com",
            "content-autofill.googleapis.com", "safebrowsingohttpgateway.googleapis.com");

    /** What one load produced: the serialised DOM after load, the screenshot, and every request the proxy saw. */
    record Load(String dom, Path screenshot, List<String> requests, String log) {
        /** Requests other than the browser's own (see {@link #BROWSER_OWN_HOSTS}). */
        List<String> pageRequests() {
            return requests.stream().filter(r -> !BROWSER_OWN_HOSTS.contains(host(r))).toList();
        }
    }

    private HeadlessChromium() {
    }

    /** Loads {@code file} at 1400x2000, dumps its DOM and takes a screenshot into {@code scratch}. */
    static Load load(Path file, Path scratch) throws IOException, InterruptedException {
        Path chromium = binary();
        List<String> requests = new CopyOnWriteArrayList<>();
        try (ServerSocket proxy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread accepter = new Thread(() -> serve(proxy, requests), "counting-proxy");
            accepter.setDaemon(true);
            accepter.start();
            Path screenshot = scratch.resolve("report.png");
            List<String> command = new ArrayList<>(List.of(chromium.toString(),
                    "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + scratch.resolve("profile"),
                    "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync", "--disable-default-apps",
                    "--disable-background-networking", "--disable-component-update", "--disable-domain-reliability",
                    "--force-color-profile=srgb", "--hide-scrollbars",
                    "--proxy-server=http://127.0.0.1:" + proxy.getLocalPort(), "--proxy-bypass-list=<-loopback>",
                    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                    "--window-size=1400,2000", "--screenshot=" + screenshot, "--dump-dom", file.toUri().toString()));
            ExternalTool.Result result = ExternalTool.run(command, null, java.util.Map.of("HOME", scratch.toString()), scratch);
            if (result.exitCode() != 0) {
                throw new AssertionError("chromium exited " + result.exitCode() + ": " + result.stderr());
            }
            Thread.sleep(200); // a request accepted just before exit is recorded
            return new Load(result.out(), screenshot, List.copyOf(requests), result.stderr());
        }
    }

    /** Debian's browser itself (its /usr/bin wrapper adds extension flags), else chromium on PATH. */
    static Path binary() {
        Path debian = Path.of("/usr/lib/chromium/chromium");
        if (Files.isExecutable(debian)) {
            return debian;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, "chromium");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        ExternalTool.missing("chromium (Debian package chromium)");
        throw new AssertionError("unreachable");
    }

    private static void serve(ServerSocket proxy, List<String> requests) {
        while (!proxy.isClosed()) {
            try (Socket client = proxy.accept()) {
                client.setSoTimeout(2000);
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
                String line = in.readLine();
                requests.add(line == null ? "(connection without a request)" : line);
                OutputStream out = client.getOutputStream();
                out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // closed at the end of the load, or a client that went away
            }
        }
    }

    /** The host of a proxy request line: {@code GET http://host/...} or {@code CONNECT host:443}. */
    static String host(String requestLine) {
        String[] parts = requestLine.split(" ");
        if (parts.length < 2) {
            return "";
        }
        String target = parts[1];
        int scheme = target.indexOf("://");
        if (scheme >= 0) {
            target = target.substring(scheme + 3);
        }
        int end = target.length();
        for (char stop : new char[] {'/', ':', '?'}) {
            int at = target.indexOf(stop);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return target.substring(0, end).toLowerCase(Locale.ROOT);
    }
}
