package io.s2mtls.cli.command;

import io.s2mtls.cli.CliRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import static io.s2mtls.cli.command.CommandLineTest.ok;
import static io.s2mtls.core.testing.ExternalTool.openssl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `cert issue --valid-for 1h`: a one-hour credential, renewed for one hour, as openssl reads the files. */
class ShortLivedCommandTest {
    @TempDir
    Path dir;
    CliRunner cli;

    @BeforeEach
    void setUp() {
        cli = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", CommandLineTest.PASSWORD).env("S2MTLS_P12_PASSWORD", "client p12 password");
        ok(cli.run("ca", "create", "--subject", "/O=Short/CN=Short CA", "--key", "ec:p256", "--days", "30"));
    }

    /** How long the certificate in {@code file} lasts from now, as openssl prints its end date. */
    private Duration lifetimeLeft(String file) {
        String end = openssl("x509", "-noout", "-enddate", "-in", dir.resolve(file).toString()).out().strip().substring("notAfter=".length());
        Instant notAfter = ZonedDateTime.parse(end.replaceAll(" +", " "), DateTimeFormatter.ofPattern("MMM d HH:mm:ss yyyy z", Locale.ROOT)
                .withZone(ZoneOffset.UTC)).toInstant();
        return Duration.between(Instant.now(), notAfter);
    }

    @Test
    void aOneHourCredentialIsIssuedAndRenewedForOneHour() {
        ok(cli.run("cert", "issue", "--subject", "/O=Short/CN=app", "--key", "ec:p256", "--valid-for", "1h", "--out-dir", "issued"));
        Duration left = lifetimeLeft("issued/app-cert.pem");
        assertTrue(left.compareTo(Duration.ofMinutes(58)) > 0 && left.compareTo(Duration.ofMinutes(61)) < 0, "about an hour: " + left);
        ok(cli.run("cert", "renew", "app", "--out-dir", "renewed"));
        Duration renewed = lifetimeLeft("renewed/app-cert.pem");
        assertTrue(renewed.compareTo(Duration.ofMinutes(58)) > 0 && renewed.compareTo(Duration.ofMinutes(61)) < 0,
                "the renewal keeps the hour: " + renewed);
    }

    @Test
    void daysAndValidForExcludeEachOther() {
        CliRunner.Run both = cli.run("cert", "issue", "--subject", "/O=Short/CN=x", "--days", "3", "--valid-for", "1h");
        assertEquals(2, both.exit(), both.toString());
        assertEquals("s2mtls: --days and --valid-for exclude each other; give the validity once", both.err().strip());
        CliRunner.Run tooShort = cli.run("cert", "issue", "--subject", "/O=Short/CN=x", "--valid-for", "2m");
        assertEquals(2, tooShort.exit(), tooShort.toString());
        assertTrue(tooShort.err().contains("--valid-for: 2m is out of range; use 5m to 36500d"), tooShort.err());
        CliRunner.Run list = ok(cli.run("cert", "list", "--output", "json"));
        assertTrue(!list.out().contains("\"x\""), "nothing was issued: " + list.out());
    }
}
