package io.s2mtls.core.usecase;

import io.s2mtls.core.error.S2mtlsException;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Validity periods: the manual procedure's defaults, bounds, and the rule that nothing outlives its CA. */
final class Validity {
    /** Certificates start a little in the past so that a server whose clock lags accepts them at once. */
    static final Duration BACKDATE = Duration.ofMinutes(5);
    static final int MAX_DAYS = 36_500;

    private Validity() {
    }

    static void checkDays(int days) {
        if (days < 1 || days > MAX_DAYS) {
            throw S2mtlsException.badInput("--days: " + days + " is out of range; use 1 to " + MAX_DAYS);
        }
    }

    /** The shortest lifetime a certificate may be given: shorter ones would expire before a busy fleet picks them up. */
    static final Duration MIN_LIFETIME = Duration.ofMinutes(5);

    /** A lifetime given as a duration ({@code --valid-for}): {@link #MIN_LIFETIME} to {@link #MAX_DAYS} days. */
    static void checkLifetime(Duration lifetime, String field) {
        if (lifetime.compareTo(MIN_LIFETIME) < 0 || lifetime.compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
            throw S2mtlsException.badInput(field + ": " + lifetime.toString().substring(2).toLowerCase(java.util.Locale.ROOT)
                    + " is out of range; use 5m to " + MAX_DAYS + "d");
        }
    }

    /**
     * How long {@code certificate} was issued for, counted from when it was recorded ({@code recordedAt}, the issue
     * time for what s2mtls signs, whose notBefore is back-dated by {@link #BACKDATE}); a certificate recorded
     * outside its validity (imported later, say) counts from its notBefore. Rounded to the second, at least
     * {@link #MIN_LIFETIME}.
     */
    static Duration lifetimeOf(X509Certificate certificate, Instant recordedAt) {
        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        Instant from = recordedAt.isAfter(notBefore) && recordedAt.isBefore(notAfter) ? recordedAt : notBefore;
        Duration issued = Duration.ofSeconds(Math.round(Duration.between(from, notAfter).toMillis() / 1000.0));
        return issued.compareTo(MIN_LIFETIME) < 0 ? MIN_LIFETIME : issued;
    }

    static Instant notBefore(Instant now) {
        return now.minus(BACKDATE).truncatedTo(ChronoUnit.SECONDS);
    }

    /** now + days, but never beyond the CA's own notAfter. */
    static Instant notAfter(Instant now, int days, X509Certificate ca) {
        return notAfter(now, Duration.ofDays(days), ca);
    }

    /** now + lifetime, but never beyond the CA's own notAfter. */
    static Instant notAfter(Instant now, Duration lifetime, X509Certificate ca) {
        Instant wanted = now.plus(lifetime).truncatedTo(ChronoUnit.SECONDS);
        Instant caEnd = ca.getNotAfter().toInstant();
        return wanted.isAfter(caEnd) ? caEnd : wanted;
    }

    static void requireCurrent(X509Certificate ca, Instant now, String what) {
        if (now.isAfter(ca.getNotAfter().toInstant())) {
            throw S2mtlsException.badInput(what + " expired on " + ca.getNotAfter().toInstant()
                    + "; create a new CA ('ca create --force') or import a current one ('ca import')");
        }
        if (now.isBefore(ca.getNotBefore().toInstant())) {
            throw S2mtlsException.badInput(what + " is not valid before " + ca.getNotBefore().toInstant()
                    + "; check this machine's clock");
        }
    }
}
