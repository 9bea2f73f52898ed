package io.s2mtls.cli.metrics;

import io.s2mtls.cli.command.metrics.MetricsExposition;
import io.s2mtls.cli.metrics.ExpositionParser.Family;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.CaCertificates;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.ManagedUser;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.testing.TestPki;
import io.s2mtls.core.usecase.Overview;
import io.s2mtls.core.x509.Certificates;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.s2mtls.cli.metrics.ExpositionParser.family;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exposition read back by Prometheus's own parser: families, types, labels (escaped subjects included) and values. */
class MetricsExpositionTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    /** A subject with every character the format escapes: a double quote, a backslash and a line feed. */
    private static final String AWKWARD = "/O=Q\"uote/OU=back\\slash/CN=line\nbreak";

    private static InventoryEntry entry(long serial, String name, String subject, Instant notAfter, CertificateStatus status) {
        return new InventoryEntry(BigInteger.valueOf(serial), name, subject, notAfter.minus(Duration.ofDays(90)), notAfter, "00",
                CertificateProfile.CLIENT, status, NOW.minusSeconds(100), Optional.of(BigInteger.valueOf(0xCA)));
    }

    @Test
    void everyFamilyRoundTripsThroughPrometheusParser() {
        KeyPair rootKeys = TestPki.ecKeyPair();
        KeyPair oldKeys = TestPki.ecKeyPair();
        KeyPair newKeys = TestPki.ecKeyPair();
        String rootDn = "CN=Root \\\"R\\\\1\\\",O=Example";
        X509Certificate root = TestPki.selfSigned(rootKeys, rootDn, true);
        X509Certificate previous = TestPki.signed(oldKeys, "CN=Old CA,O=Example", rootKeys, rootDn, true);
        X509Certificate issuing = TestPki.signed(newKeys, "CN=New CA,O=Example", rootKeys, rootDn, true);
        Authorities authorities = new Authorities(new CaCertificates(issuing, List.of(root), Optional.empty()),
                Optional.of(new CaCertificates(previous, List.of(root), Optional.empty())),
                Optional.of(new CaCertificates(root, List.of(), Optional.empty())), RotationPhase.SWITCHED);
        List<InventoryEntry> credentials = List.of(
                entry(0xA1, "app", "/O=Example/CN=app", NOW.plus(Duration.ofDays(40)), CertificateStatus.VALID),
                entry(0xB2, "awkward", AWKWARD, NOW.minus(Duration.ofDays(1)), CertificateStatus.VALID),
                entry(0xC3, "leaver", "/O=Example/CN=leaver", NOW.plus(Duration.ofDays(200)), CertificateStatus.REVOKED));
        ManagedUser user = new ManagedUser("app", "%", "SUBJECT", Optional.of("/O=Example/CN=app"), List.of(), Optional.of("app"), NOW);
        Instant renewed = Instant.parse("2026-12-01T11:40:00.250Z");
        Overview overview = new Overview(NOW, Optional.of(authorities), credentials, Map.of(user.key(), user), Optional.of(renewed), List.of());

        String text = MetricsExposition.text(overview);
        assertTrue(text.endsWith("\n"));
        Map<String, Family> families = ExpositionParser.parse(text);

        for (Family f : families.values()) {
            assertEquals("gauge", f.type(), f.name());
            assertFalse(f.help().isBlank(), f.name());
            assertTrue(f.name().startsWith("s2mtls_"), f.name());
        }
        Family expiry = family(families, "s2mtls_certificate_expiry_timestamp_seconds");
        assertEquals(3, expiry.samples().size());
        assertEquals(NOW.plus(Duration.ofDays(40)).getEpochSecond(), expiry.with(Map.of("name", "app", "serial", "A1")).value());
        assertEquals(Map.of("name", "awkward", "serial", "B2"), expiry.with(Map.of("name", "awkward")).labels());

        Family info = family(families, "s2mtls_certificate_info");
        Map<String, String> awkward = info.with(Map.of("name", "awkward")).labels();
        assertEquals(AWKWARD, awkward.get("subject"), "the subject comes back byte for byte");
        assertEquals("expired", awkward.get("status"));
        assertEquals("CA", awkward.get("issuer_serial"));
        assertEquals("revoked", info.with(Map.of("name", "leaver")).labels().get("status"));
        assertEquals("valid", info.with(Map.of("name", "app")).labels().get("status"));
        assertEquals(1.0, info.with(Map.of("name", "app")).value());

        Family revoked = family(families, "s2mtls_certificate_revoked");
        assertEquals(1.0, revoked.with(Map.of("name", "leaver")).value());
        assertEquals(0.0, revoked.with(Map.of("name", "app")).value());
        assertEquals(0.0, revoked.with(Map.of("name", "awkward")).value());

        Family counts = family(families, "s2mtls_certificates");
        assertEquals(1.0, counts.with(Map.of("status", "valid")).value());
        assertEquals(1.0, counts.with(Map.of("status", "expired")).value());
        assertEquals(1.0, counts.with(Map.of("status", "revoked")).value());

        Family ca = family(families, "s2mtls_ca_expiry_timestamp_seconds");
        assertEquals(3, ca.samples().size(), ca.samples().toString());
        assertEquals(serial(issuing), ca.with(Map.of("role", "issuing")).labels().get("serial"));
        assertEquals(Certificates.subjectOf(issuing).oneline(), ca.with(Map.of("role", "issuing")).labels().get("subject"));
        assertEquals(serial(previous), ca.with(Map.of("role", "previous")).labels().get("serial"));
        Map<String, String> rootLabels = ca.with(Map.of("role", "root")).labels();
        assertEquals(Certificates.subjectOf(root).oneline(), rootLabels.get("subject"));
        assertTrue(rootLabels.get("subject").contains("\"") && rootLabels.get("subject").contains("\\"), rootLabels.get("subject"));
        assertEquals((double) root.getNotAfter().toInstant().getEpochSecond(), ca.with(Map.of("role", "root")).value());

        Family phase = family(families, "s2mtls_ca_rotation_phase");
        assertEquals(1.0, phase.with(Map.of("phase", "switched")).value());
        assertEquals(0.0, phase.with(Map.of("phase", "none")).value());
        assertEquals(0.0, phase.with(Map.of("phase", "begun")).value());

        assertEquals(renewed.toEpochMilli() / 1000.0, family(families, "s2mtls_agent_last_renewal_timestamp_seconds").only().value());
        assertEquals(1.0, family(families, "s2mtls_managed_users").only().value());
        assertEquals((double) NOW.getEpochSecond(), family(families, "s2mtls_overview_timestamp_seconds").only().value());
    }

    @Test
    void anEmptyStoreHasNoCaNoAgentRenewalAndPhaseNone() {
        Overview overview = new Overview(NOW, Optional.empty(), List.of(), Map.of(), Optional.empty(), List.of());
        Map<String, Family> families = ExpositionParser.parse(MetricsExposition.text(overview));
        assertFalse(families.containsKey("s2mtls_agent_last_renewal_timestamp_seconds"), "never renewed: absent");
        assertTrue(family(families, "s2mtls_ca_expiry_timestamp_seconds").samples().isEmpty());
        assertEquals(1.0, family(families, "s2mtls_ca_rotation_phase").with(Map.of("phase", "none")).value());
        assertEquals(0.0, family(families, "s2mtls_certificates").with(Map.of("status", "valid")).value());
    }

    @Test
    void labelValuesEscapeBackslashQuoteAndLineFeedOnly() {
        assertEquals("a\\\\b\\\"c\\nd\té", MetricsExposition.escapeLabelValue("a\\b\"c\nd\té"));
        assertEquals("/O=plain/CN=x", MetricsExposition.escapeLabelValue("/O=plain/CN=x"));
    }

    private static String serial(X509Certificate certificate) {
        return certificate.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
    }
}
