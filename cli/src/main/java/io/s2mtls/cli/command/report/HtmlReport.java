package io.s2mtls.cli.command.report;

import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.usecase.Overview;
import io.s2mtls.core.x509.Certificates;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The report as one self-contained HTML page: inline CSS and inline SVG, no script, and no reference to anything
 * outside the file (a Content-Security-Policy of {@code default-src 'none'} makes a browser refuse any fetch even if
 * one slipped in). Every text from the store (names, subjects, audit details) is HTML-escaped; status is always
 * written out in words beside its colour.
 */
public final class HtmlReport {
    /** At most this many credentials are drawn on the timeline (the soonest to expire); the table lists all. */
    static final int TIMELINE_ROWS = 400;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** How a certificate stands in the report. */
    public enum Status {
        VALID("valid", "#2e7d32"),
        EXPIRING("expiring", "#e69f00"),
        EXPIRED("expired", "#c62828"),
        REVOKED("revoked", "#6d6d6d");

        private final String word;
        private final String colour;

        Status(String word, String colour) {
            this.word = word;
            this.colour = colour;
        }

        public String word() {
            return word;
        }

        /** The fill colour of its bars and swatches, {@code #rrggbb}. */
        public String colour() {
            return colour;
        }
    }

    private final Overview overview;
    private final Duration within;
    private final StringBuilder out = new StringBuilder(16 * 1024);

    private HtmlReport(Overview overview, Duration within) {
        this.overview = requireNonNull(overview, "overview is null");
        this.within = requireNonNull(within, "within is null");
    }

    /** The page for {@code overview}; a valid certificate that ends within {@code within} counts as expiring. */
    public static String render(Overview overview, Duration within) {
        return new HtmlReport(overview, within).page();
    }

    /** {@code entry}'s status at {@code at}, with {@code within} as the expiring window. */
    public static Status status(InventoryEntry entry, Instant at, Duration within) {
        if (entry.status() == CertificateStatus.REVOKED) {
            return Status.REVOKED;
        }
        return status(entry.notAfter(), at, within);
    }

    private static Status status(Instant notAfter, Instant at, Duration within) {
        if (!notAfter.isAfter(at)) {
            return Status.EXPIRED;
        }
        return notAfter.isAfter(at.plus(within)) ? Status.VALID : Status.EXPIRING;
    }

    /** {@code text} safe in HTML text and in a double- or single-quoted attribute. */
    public static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                case '\0' -> escaped.append('\uFFFD');
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private String page() {
        Instant at = overview.at();
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>s2mtls report ").append(escape(instant(at))).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        out.append("<header><h1>s2mtls report</h1><p>Read from the store at <time datetime=\"").append(escape(at.toString())).append("\">")
                .append(escape(instant(at))).append("</time>. Expiring means valid but ending within ").append(escape(duration(within)))
                .append(".</p></header>\n<main>\n");
        summary();
        authorities();
        timeline();
        users();
        drift();
        audit();
        out.append("</main>\n</body>\n</html>\n");
        return out.toString();
    }

    private void summary() {
        Map<Status, Integer> counts = new LinkedHashMap<>();
        for (Status s : Status.values()) {
            counts.put(s, 0);
        }
        overview.credentials().forEach(e -> counts.merge(status(e, overview.at(), within), 1, Integer::sum));
        out.append("<section id=\"summary\"><h2>Summary</h2><ul class=\"counts\">");
        for (Map.Entry<Status, Integer> count : counts.entrySet()) {
            out.append("<li>").append(swatch(count.getKey())).append(' ').append(count.getValue()).append(' ').append(count.getKey().word()).append("</li>");
        }
        out.append("<li>").append(overview.managedUsers().size()).append(" recorded database users</li>");
        out.append("<li>CA rotation: ").append(overview.authorities().map(a -> a.phase().label()).orElse("no CA")).append("</li>");
        overview.lastAgentRenewal().ifPresentOrElse(
                t -> out.append("<li>Renewal agent last renewed at ").append(escape(instant(t))).append("</li>"),
                () -> out.append("<li>No renewal by the agent in the recent audit trail</li>"));
        out.append("</ul></section>\n");
    }

    private void authorities() {
        out.append("<section id=\"authorities\"><h2>Certificate authorities</h2>\n");
        if (overview.authorities().isEmpty()) {
            out.append("<p>The store holds no CA yet.</p></section>\n");
            return;
        }
        Authorities authorities = overview.authorities().get();
        out.append("<p>Rotation phase: <strong>").append(authorities.phase().label()).append("</strong>: ").append(switch (authorities.phase()) {
            case NONE -> "one CA, and it issues.";
            case BEGUN -> "the next CA exists and servers must trust both; the current CA still issues.";
            case SWITCHED -> "the next CA issues; the previous one stays trusted until every credential it signed is reissued.";
        }).append("</p>\n");
        if (authorities.phase() != RotationPhase.NONE) {
            long onOld = overview.credentials().stream()
                    .filter(e -> e.status() != CertificateStatus.REVOKED && e.notAfter().isAfter(overview.at()) && authorities.onOldCa(e)).count();
            out.append("<p>").append(onOld).append(onOld == 1 ? " credential is" : " credentials are")
                    .append(" still signed by the CA the rotation retires.</p>\n");
        }
        out.append("<table><thead><tr><th>Role</th><th>Subject</th><th>Serial</th><th>Not before</th><th>Not after</th><th>Status</th><th>Key</th></tr></thead><tbody>\n");
        caRow("issuing", authorities.issuing());
        authorities.next().ifPresent(ca -> caRow("next", ca));
        authorities.previous().ifPresent(ca -> caRow("previous", ca));
        Optional<CaCertificates> root = authorities.root();
        if (root.isPresent()) {
            caRow("root", root.get());
        } else if (!authorities.issuing().chain().isEmpty()) {
            List<X509Certificate> chain = authorities.issuing().chain();
            caRow("root", new CaCertificates(chain.get(chain.size() - 1), List.of(), Optional.of("not held")));
        }
        out.append("</tbody></table></section>\n");
    }

    private void caRow(String role, CaCertificates ca) {
        X509Certificate certificate = ca.certificate();
        Instant notAfter = certificate.getNotAfter().toInstant();
        Status status = status(notAfter, overview.at(), within);
        out.append("<tr><td>").append(role).append("</td><td class=\"dn\">").append(escape(Certificates.subjectOf(certificate).oneline()))
                .append("</td><td class=\"serial\">").append(escape(certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT)))
                .append("</td><td>").append(escape(instant(certificate.getNotBefore().toInstant())))
                .append("</td><td>").append(escape(instant(notAfter))).append(" (").append(escape(relative(notAfter))).append(")</td><td>")
                .append(swatch(status)).append(' ').append(status.word()).append("</td><td>")
                .append(escape(ca.keyReference().orElse("in the store"))).append("</td></tr>\n");
    }

    private void timeline() {
        Instant at = overview.at();
        List<InventoryEntry> entries = overview.credentials().stream()
                .sorted(Comparator.comparing(InventoryEntry::notAfter).thenComparing(InventoryEntry::name)).toList();
        out.append("<section id=\"timeline\"><h2>Expiry timeline</h2>\n");
        legend();
        if (entries.isEmpty()) {
            out.append("<p>No credentials yet.</p></section>\n");
            return;
        }
        List<InventoryEntry> drawn = entries.size() > TIMELINE_ROWS ? entries.subList(0, TIMELINE_ROWS) : entries;
        if (drawn.size() < entries.size()) {
            out.append("<p>The ").append(drawn.size()).append(" credentials that expire first of ").append(entries.size())
                    .append("; the table below lists all.</p>\n");
        }
        Instant start = at.minus(Duration.ofDays(7));
        Instant end = at.plus(within).plus(Duration.ofDays(7));
        for (InventoryEntry e : drawn) {
            start = e.notBefore().isBefore(start) ? e.notBefore() : start;
            end = e.notAfter().isAfter(end) ? e.notAfter() : end;
        }
        final int width = 1100;
        final int left = 300;
        final int right = width - 20;
        final int row = 26;
        final int top = 40;
        int height = top + drawn.size() * row + 20;
        double span = Math.max(1, Duration.between(start, end).getSeconds());
        Instant origin = start;
        java.util.function.Function<Instant, Double> x = t -> left + (right - left) * (Duration.between(origin, t).getSeconds() / span);
        out.append("<svg class=\"timeline\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" role=\"img\" aria-labelledby=\"timeline-title timeline-desc\">\n")
                .append("<title id=\"timeline-title\">Expiry timeline of ").append(drawn.size()).append(" credentials</title>\n")
                .append("<desc id=\"timeline-desc\">One bar per credential from its start to its end of validity, labelled with its name and status;"
                        + " the solid vertical line is now, the dashed one the end of the expiring window.</desc>\n");
        for (int i = 0; i <= 5; i++) {
            Instant tick = start.plusSeconds((long) (span * i / 5));
            double tx = x.apply(tick);
            out.append("<line class=\"grid\" x1=\"").append(fmt(tx)).append("\" y1=\"").append(top - 8).append("\" x2=\"").append(fmt(tx))
                    .append("\" y2=\"").append(height - 16).append("\"/><text class=\"tick\" x=\"").append(fmt(tx)).append("\" y=\"").append(top - 14)
                    .append("\" text-anchor=\"").append(i == 0 ? "start" : i == 5 ? "end" : "middle").append("\">").append(DAY.format(tick)).append("</text>\n");
        }
        for (int i = 0; i < drawn.size(); i++) {
            InventoryEntry e = drawn.get(i);
            Status status = status(e, at, within);
            int y = top + i * row;
            double x1 = x.apply(e.notBefore());
            double x2 = Math.max(x1 + 2, x.apply(e.notAfter()));
            String label = e.name() + " \u2014 " + status.word() + ", ends " + instant(e.notAfter()) + " (" + relative(e.notAfter()) + ")";
            out.append("<g class=\"credential ").append(status.word()).append("\"><title>").append(escape(label)).append("</title>")
                    .append("<text class=\"name\" x=\"8\" y=\"").append(y + 17).append("\">").append(escape(clip(e.name(), 30)))
                    .append(" <tspan class=\"word\">").append(status.word()).append("</tspan></text>")
                    .append("<rect x=\"").append(fmt(x1)).append("\" y=\"").append(y + 5).append("\" width=\"").append(fmt(x2 - x1))
                    .append("\" height=\"16\" rx=\"3\" fill=\"").append(status.colour()).append('"')
                    .append(status == Status.REVOKED ? " stroke=\"#222\" stroke-dasharray=\"4 3\"" : "")
                    .append(status == Status.EXPIRED ? " stroke=\"#222\"" : "").append("/></g>\n");
        }
        double now = x.apply(at);
        double window = x.apply(at.plus(within));
        out.append("<line class=\"now\" x1=\"").append(fmt(now)).append("\" y1=\"").append(top - 8).append("\" x2=\"").append(fmt(now))
                .append("\" y2=\"").append(height - 4).append("\"/><text class=\"tick now-label\" x=\"").append(fmt(now + 3)).append("\" y=\"")
                .append(height - 6).append("\">now</text>\n");
        out.append("<line class=\"window\" x1=\"").append(fmt(window)).append("\" y1=\"").append(top - 8).append("\" x2=\"").append(fmt(window))
                .append("\" y2=\"").append(height - 4).append("\"/><text class=\"tick\" x=\"").append(fmt(window + 3)).append("\" y=\"")
                .append(height - 6).append("\">now + ").append(escape(duration(within))).append("</text>\n</svg>\n");

        out.append("<table><thead><tr><th>Credential</th><th>Status</th><th>Not after</th><th>Subject</th><th>Serial</th><th>Profile</th></tr></thead><tbody>\n");
        for (InventoryEntry e : entries) {
            Status status = status(e, at, within);
            out.append("<tr><td>").append(escape(e.name())).append("</td><td>").append(swatch(status)).append(' ').append(status.word())
                    .append("</td><td>").append(escape(instant(e.notAfter()))).append(" (").append(escape(relative(e.notAfter()))).append(")</td><td class=\"dn\">")
                    .append(escape(e.subject())).append("</td><td class=\"serial\">").append(escape(e.serialHex())).append("</td><td>")
                    .append(e.profile().name().toLowerCase(Locale.ROOT)).append("</td></tr>\n");
        }
        out.append("</tbody></table></section>\n");
    }

    private void legend() {
        out.append("<ul class=\"legend\" aria-label=\"Legend\">");
        for (Status s : Status.values()) {
            out.append("<li>").append(swatch(s)).append(' ').append(s.word()).append(": ").append(switch (s) {
                case VALID -> "valid beyond the window";
                case EXPIRING -> "valid, ends within " + escape(duration(within));
                case EXPIRED -> "past its end date (solid outline)";
                case REVOKED -> "revoked (dashed outline)";
            }).append("</li>");
        }
        out.append("</ul>\n");
    }

    private void users() {
        out.append("<section id=\"users\"><h2>Users bound to each credential</h2>\n");
        Optional<Overview.ServerAccounts> server = overview.server();
        if (server.isPresent()) {
            out.append("<p>As the server holds them: ").append(escape(server.get().description().dialect())).append(' ')
                    .append(escape(server.get().description().version())).append(".</p>\n");
        } else {
            out.append("<p>As the store recorded them; pass --jdbc-url to read each requirement from the server.</p>\n");
        }
        out.append("<table><thead><tr><th>Credential</th><th>User</th><th>Recorded requirement</th><th>Server requirement</th><th>Drift</th></tr></thead><tbody>\n");
        boolean any = false;
        for (InventoryEntry e : overview.credentials()) {
            if (server.isPresent()) {
                for (Overview.AccountComparison a : server.get().of(e)) {
                    userRow(e.name(), a.account().toString(), a.recordedRequirement(), a.serverRequirement().or(() -> Optional.of(serverWord(a))),
                            Optional.of(a.drift()));
                    any = true;
                }
            } else {
                for (ManagedUser u : overview.usersOf(e)) {
                    userRow(e.name(), account(u), Optional.of(recorded(u)), Optional.of("not read"), Optional.empty());
                    any = true;
                }
            }
        }
        out.append("</tbody></table>\n");
        if (!any) {
            out.append("<p>No database user is bound to a credential.</p>\n");
        }
        out.append("</section>\n");
    }

    private static String serverWord(Overview.AccountComparison a) {
        return a.server().isEmpty() ? "no such account" : "not exposed by the server";
    }

    private void userRow(String credential, String user, Optional<String> recorded, Optional<String> server, Optional<Overview.Drift> drift) {
        out.append("<tr><td>").append(escape(credential)).append("</td><td>").append(escape(user)).append("</td><td class=\"dn\">")
                .append(escape(recorded.orElse("not recorded"))).append("</td><td class=\"dn\">").append(escape(server.orElse("")))
                .append("</td><td>").append(drift.map(d -> "<span class=\"drift " + d.name().toLowerCase(Locale.ROOT) + "\">" + d.word() + "</span>").orElse("not compared"))
                .append("</td></tr>\n");
    }

    private void drift() {
        out.append("<section id=\"drift\"><h2>Drift: recorded requirement against the server</h2>\n");
        if (overview.server().isEmpty()) {
            out.append("<p>Not compared: pass --jdbc-url (and the admin login) to read the server.</p></section>\n");
            return;
        }
        List<Overview.AccountComparison> drifted = new ArrayList<>(overview.server().get().accounts().stream()
                .filter(a -> a.drift() != Overview.Drift.SAME).toList());
        long same = overview.server().get().accounts().size() - drifted.size();
        out.append("<p>").append(same).append(same == 1 ? " account holds" : " accounts hold").append(" what the store recorded; ")
                .append(drifted.size()).append(drifted.size() == 1 ? " does not" : " do not").append(" or cannot be compared.</p>\n");
        if (!drifted.isEmpty()) {
            out.append("<table><thead><tr><th>User</th><th>Drift</th><th>Recorded requirement</th><th>Server requirement</th></tr></thead><tbody>\n");
            for (Overview.AccountComparison a : drifted) {
                out.append("<tr><td>").append(escape(a.account().toString())).append("</td><td><span class=\"drift ")
                        .append(a.drift().name().toLowerCase(Locale.ROOT)).append("\">").append(a.drift().word()).append("</span></td><td class=\"dn\">")
                        .append(escape(a.recordedRequirement().orElse("not recorded"))).append("</td><td class=\"dn\">")
                        .append(escape(a.serverRequirement().orElse(serverWord(a)))).append("</td></tr>\n");
            }
            out.append("</tbody></table>\n");
        }
        out.append("</section>\n");
    }

    private void audit() {
        out.append("<section id=\"audit\"><h2>Recent audit events</h2>\n");
        List<AuditEvent> events = new ArrayList<>(overview.recentAudit());
        if (events.isEmpty()) {
            out.append("<p>No events.</p></section>\n");
            return;
        }
        java.util.Collections.reverse(events);
        out.append("<p>The last ").append(events.size()).append(", newest first.</p>\n")
                .append("<table><thead><tr><th>Time</th><th>Actor</th><th>Action</th><th>Serial</th><th>Subject</th><th>User</th><th>Detail</th></tr></thead><tbody>\n");
        for (AuditEvent e : events) {
            out.append("<tr><td>").append(escape(instant(e.time()))).append("</td><td>").append(escape(e.actor())).append("</td><td>")
                    .append(escape(e.action())).append("</td><td class=\"serial\">").append(escape(e.serial().orElse(""))).append("</td><td class=\"dn\">")
                    .append(escape(e.subject().orElse(""))).append("</td><td>").append(escape(e.user().orElse(""))).append("</td><td class=\"detail\">")
                    .append(escape(e.detail().orElse(""))).append("</td></tr>\n");
        }
        out.append("</tbody></table></section>\n");
    }

    private static String swatch(Status status) {
        return "<svg class=\"swatch\" width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" height=\"12\" rx=\"2\" fill=\""
                + status.colour() + "\"/></svg>";
    }

    private static String account(ManagedUser user) {
        return "'" + user.name() + "'@'" + user.host() + "'";
    }

    private static String recorded(ManagedUser user) {
        return user.requirement() + user.subject().map(s -> " '" + s + "'").orElse("");
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "\u2026";
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String instant(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    private String relative(Instant instant) {
        Duration d = Duration.between(overview.at(), instant);
        boolean past = d.isNegative();
        d = d.abs();
        String amount = d.toDays() >= 2 ? d.toDays() + " days" : d.toHours() >= 2 ? d.toHours() + " hours" : d.toMinutes() + " minutes";
        return past ? amount + " ago" : "in " + amount;
    }

    private static String duration(Duration duration) {
        if (duration.toDays() > 0 && duration.equals(Duration.ofDays(duration.toDays()))) {
            return duration.toDays() + (duration.toDays() == 1 ? " day" : " days");
        }
        if (duration.toHours() > 0 && duration.equals(Duration.ofHours(duration.toHours()))) {
            return duration.toHours() + (duration.toHours() == 1 ? " hour" : " hours");
        }
        return duration.toMinutes() + " minutes";
    }

    private static final String STYLE = String.join("\n",
            "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#1b1b1b;background:#fff}",
            "h1{margin:0 0 4px}h2{margin-top:32px;border-bottom:1px solid #ccc;padding-bottom:4px}",
            "table{border-collapse:collapse;margin:8px 0;font-size:14px}",
            "th,td{border:1px solid #d0d0d0;padding:4px 8px;text-align:left;vertical-align:top}",
            "th{background:#f2f2f2}",
            ".dn,.serial,.detail{font-family:ui-monospace,'DejaVu Sans Mono',monospace;word-break:break-all}",
            ".counts,.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:18px}",
            ".swatch{vertical-align:middle}",
            "svg.timeline{max-width:100%;height:auto;font-size:13px}",
            "svg.timeline .name{fill:#1b1b1b}svg.timeline .word{fill:#555;font-style:italic}",
            "svg.timeline .tick{fill:#555;font-size:12px}",
            "svg.timeline .grid{stroke:#e4e4e4;stroke-width:1}",
            "svg.timeline .now{stroke:#1b1b1b;stroke-width:2}",
            "svg.timeline .window{stroke:#1b1b1b;stroke-width:1.5;stroke-dasharray:6 4}",
            ".drift{font-weight:600}.drift.different,.drift.missing,.drift.unrecorded{color:#b00020}",
            "");
}
