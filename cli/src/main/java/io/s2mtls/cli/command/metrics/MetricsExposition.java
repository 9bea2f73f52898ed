package io.s2mtls.cli.command.metrics;

import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.usecase.Overview;
import io.s2mtls.core.x509.Certificates;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The Prometheus text exposition of an {@link Overview}: what {@code s2mtls metrics} prints and the agent serves.
 *
 * <p>Names follow Prometheus's conventions: the {@code s2mtls_} prefix, base units (times are seconds since the Unix
 * epoch, named {@code _timestamp_seconds}), a gauge per measured value, and an {@code _info} gauge of value 1 for
 * facts that are only labels. Label values are escaped as the format requires (backslash, double quote, line
 * feed); everything here is public (names, serials, subjects, dates): no secret reaches the exposition.
 */
public final class MetricsExposition {
    /** The HTTP Content-Type of the text format this writes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private MetricsExposition() {
    }

    /** One metric family: a name, its type and help, and its samples. */
    public record Family(String name, String type, String help, List<Sample> samples) {
        public Family {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
            requireNonNull(help, "help is null");
            samples = List.copyOf(samples);
        }
    }

    /** One sample: its labels in order, and its value. */
    public record Sample(Map<String, String> labels, double value) {
        public Sample {
            labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        }
    }

    /** The exposition text (format 0.0.4), ending with a line break. */
    public static String text(Overview overview) {
        return text(families(overview));
    }

    /** {@code families} in the text format 0.0.4. */
    public static String text(List<Family> families) {
        StringBuilder out = new StringBuilder();
        for (Family family : families) {
            out.append("# HELP ").append(family.name()).append(' ').append(escapeHelp(family.help())).append('\n');
            out.append("# TYPE ").append(family.name()).append(' ').append(family.type()).append('\n');
            for (Sample sample : family.samples()) {
                out.append(family.name());
                if (!sample.labels().isEmpty()) {
                    out.append('{');
                    boolean first = true;
                    for (Map.Entry<String, String> label : sample.labels().entrySet()) {
                        out.append(first ? "" : ",").append(label.getKey()).append("=\"").append(escapeLabelValue(label.getValue())).append('"');
                        first = false;
                    }
                    out.append('}');
                }
                out.append(' ').append(value(sample.value())).append('\n');
            }
        }
        return out.toString();
    }

    /** The metric families of {@code overview}, in the order they are written. */
    public static List<Family> families(Overview overview) {
        List<Family> families = new ArrayList<>();
        Instant at = overview.at();

        List<Sample> expiry = new ArrayList<>();
        List<Sample> notBefore = new ArrayList<>();
        List<Sample> revoked = new ArrayList<>();
        List<Sample> info = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String status : List.of("valid", "expired", "revoked")) {
            counts.put(status, 0);
        }
        for (InventoryEntry entry : overview.credentials()) {
            Map<String, String> id = labels("name", entry.name(), "serial", entry.serialHex());
            expiry.add(new Sample(id, seconds(entry.notAfter())));
            notBefore.add(new Sample(id, seconds(entry.notBefore())));
            revoked.add(new Sample(id, entry.status() == CertificateStatus.REVOKED ? 1 : 0));
            String status = status(entry, at);
            counts.merge(status, 1, Integer::sum);
            Map<String, String> described = new LinkedHashMap<>(id);
            described.put("subject", entry.subject());
            described.put("profile", entry.profile().name().toLowerCase(java.util.Locale.ROOT));
            described.put("status", status);
            described.put("issuer_serial", entry.issuer().map(s -> s.toString(16).toUpperCase(java.util.Locale.ROOT)).orElse(""));
            info.add(new Sample(described, 1));
        }
        families.add(new Family("s2mtls_certificate_expiry_timestamp_seconds", "gauge",
                "When the current certificate of each credential expires (notAfter), in seconds since the Unix epoch.", expiry));
        families.add(new Family("s2mtls_certificate_not_before_timestamp_seconds", "gauge",
                "When the current certificate of each credential became valid (notBefore), in seconds since the Unix epoch.", notBefore));
        families.add(new Family("s2mtls_certificate_revoked", "gauge",
                "1 when the current certificate of the credential is revoked, else 0.", revoked));
        families.add(new Family("s2mtls_certificate_info", "gauge",
                "The current certificate of each credential: subject, profile, status (valid, expired or revoked) and the serial of the CA that signed it; value 1.", info));
        families.add(new Family("s2mtls_certificates", "gauge",
                "How many credentials have a current certificate in each status: valid, expired (past notAfter) or revoked.",
                counts.entrySet().stream().map(e -> new Sample(labels("status", e.getKey()), e.getValue())).toList()));

        List<Sample> caExpiry = new ArrayList<>();
        RotationPhase phase = RotationPhase.NONE;
        if (overview.authorities().isPresent()) {
            Authorities authorities = overview.authorities().get();
            phase = authorities.phase();
            Set<String> seen = new LinkedHashSet<>();
            addCa(caExpiry, seen, "issuing", authorities.issuing().certificate());
            authorities.next().ifPresent(ca -> addCa(caExpiry, seen, "next", ca.certificate()));
            authorities.previous().ifPresent(ca -> addCa(caExpiry, seen, "previous", ca.certificate()));
            Optional<java.security.cert.X509Certificate> root = authorities.root().map(CaCertificates::certificate)
                    .or(() -> last(authorities.issuing().chain()));
            root.ifPresent(certificate -> addCa(caExpiry, seen, "root", certificate));
        }
        families.add(new Family("s2mtls_ca_expiry_timestamp_seconds", "gauge",
                "When each CA certificate of the store expires, in seconds since the Unix epoch; role is issuing (signs new"
                        + " certificates), next or previous (the other CA of a rotation) or root.", caExpiry));
        List<Sample> phases = new ArrayList<>();
        for (RotationPhase candidate : RotationPhase.values()) {
            phases.add(new Sample(labels("phase", candidate.label()), candidate == phase ? 1 : 0));
        }
        families.add(new Family("s2mtls_ca_rotation_phase", "gauge",
                "1 for the phase the CA rotation is in (none, begun: the next CA is trusted, switched: the next CA issues), 0 for the others.", phases));
        families.add(new Family("s2mtls_managed_users", "gauge", "How many database users the store records.",
                List.of(new Sample(Map.of(), overview.managedUsers().size()))));
        overview.lastAgentRenewal().ifPresent(last -> families.add(new Family("s2mtls_agent_last_renewal_timestamp_seconds", "gauge",
                "When the renewal agent last renewed a credential, in seconds since the Unix epoch (absent: never, as far as the recent audit trail shows).",
                List.of(new Sample(Map.of(), seconds(last))))));
        families.add(new Family("s2mtls_overview_timestamp_seconds", "gauge",
                "When these values were read from the store, in seconds since the Unix epoch.", List.of(new Sample(Map.of(), seconds(at)))));
        return List.copyOf(families);
    }

    /** {@code valid}, {@code expired} or {@code revoked}: how a current certificate stands at {@code at}. */
    public static String status(InventoryEntry entry, Instant at) {
        if (entry.status() == CertificateStatus.REVOKED) {
            return "revoked";
        }
        return entry.notAfter().isAfter(at) ? "valid" : "expired";
    }

    private static void addCa(List<Sample> samples, Set<String> seen, String role, java.security.cert.X509Certificate certificate) {
        String serial = certificate.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
        if (seen.add(role + "/" + serial)) {
            samples.add(new Sample(labels("role", role, "serial", serial, "subject", Certificates.subjectOf(certificate).oneline()),
                    seconds(certificate.getNotAfter().toInstant())));
        }
    }

    private static <T> Optional<T> last(List<T> list) {
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(list.size() - 1));
    }

    private static Map<String, String> labels(String... namesAndValues) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            labels.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return labels;
    }

    private static double seconds(Instant instant) {
        return instant.getEpochSecond() + instant.getNano() / 1e9;
    }

    /** A sample value: whole numbers without a fraction or exponent, others as the shortest decimal that reads back. */
    static String value(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return new BigDecimal(Double.toString(value)).toPlainString();
    }

    /** A label value as the text format writes it between double quotes: backslash, double quote and line feed escaped. */
    public static String escapeLabelValue(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A HELP text: backslash and line feed escaped. */
    static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
