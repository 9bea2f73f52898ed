package io.s2mtls.core.policy;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.KeySpec;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * The {@code defaults} of a policy file: what every user gets unless it says otherwise.
 *
 * @param key             the key type of issued credentials
 * @param days            their validity in days
 * @param host            the account host pattern
 * @param renewWithin     a certificate expiring within this window is renewed
 * @param subjectTemplate the subject of a user that gives none, {@code {name}} standing for the user name
 */
public record PolicyDefaults(KeySpec key, int days, String host, Duration renewWithin, String subjectTemplate) {
    public static final String DEFAULT_TEMPLATE = "/CN={name}";

    public PolicyDefaults {
        requireNonNull(key, "key is null");
        requireNonNull(host, "host is null");
        requireNonNull(renewWithin, "renewWithin is null");
        requireNonNull(subjectTemplate, "subjectTemplate is null");
        if (days < 1 || days > 36_500) {
            throw S2mtlsException.badInput("days: " + days + " is out of range; use 1 to 36500");
        }
        if (renewWithin.isNegative() || renewWithin.compareTo(Duration.ofDays(days)) >= 0) {
            throw S2mtlsException.badInput("renew-within: " + renewWithin.toDays() + "d must be shorter than the validity ("
                    + days + " days), or every apply would renew every certificate");
        }
    }

    /** ec:p256, 365 days, any host, renew within 30 days, subject {@code /CN={name}}. */
    public static PolicyDefaults standard() {
        return new PolicyDefaults(KeySpec.EC_P256, 365, "%", Duration.ofDays(30), DEFAULT_TEMPLATE);
    }
}
