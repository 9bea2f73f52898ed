package io.s2mtls.core.usecase;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoredCredential;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a renewal agent has to do for the credentials it keeps fresh, decided from a store index (no key is
 * decrypted) and what each output directory holds: renew a credential whose renewal time has come, rewrite the
 * files of one whose directory does not hold the store's current certificate, or keep it until its renewal time.
 * Pure: the caller reads the index and the files, and does the work.
 */
public final class AgentPlan {
    private AgentPlan() {
    }

    /**
     * How long before its end a certificate is renewed: a fixed duration ({@code 30d}) or a fraction of its
     * lifetime ({@code 1/3}: a one-hour certificate is renewed 20 minutes before it ends).
     */
    public record Window(Optional<Duration> fixed, int numerator, int denominator) {
        /** The default: a third of the lifetime. */
        public static final Window THIRD = fraction(1, 3);

        public Window {
            requireNonNull(fixed, "fixed is null");
            if (fixed.isPresent() && (fixed.get().isNegative() || fixed.get().isZero())) {
                throw S2mtlsException.badInput("a renewal window must be longer than zero");
            }
            if (fixed.isEmpty() && (numerator <= 0 || denominator <= 0 || numerator >= denominator)) {
                throw S2mtlsException.badInput("a renewal window as a fraction of the lifetime is between 0 and 1, e.g. 1/3");
            }
        }

        public static Window before(Duration duration) {
            return new Window(Optional.of(duration), 0, 0);
        }

        public static Window fraction(int numerator, int denominator) {
            return new Window(Optional.empty(), numerator, denominator);
        }

        /** When a certificate valid from {@code notBefore} to {@code notAfter} is due: its end minus the window. */
        public Instant renewAt(Instant notBefore, Instant notAfter) {
            if (fixed.isPresent()) {
                return notAfter.minus(fixed.get());
            }
            Duration lifetime = Duration.between(notBefore, notAfter);
            if (lifetime.isNegative()) {
                return notAfter;
            }
            long millis = Math.multiplyExact(lifetime.toMillis(), numerator) / denominator;
            return notAfter.minusMillis(millis);
        }

        @Override
        public String toString() {
            return fixed.map(Window::text).orElse(numerator + "/" + denominator + " of the lifetime");
        }

        private static String text(Duration duration) {
            long seconds = duration.getSeconds();
            if (seconds % 86_400 == 0) {
                return seconds / 86_400 + "d";
            }
            if (seconds % 3_600 == 0) {
                return seconds / 3_600 + "h";
            }
            return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
        }
    }

    /**
     * One credential the agent keeps fresh.
     *
     * @param name         the credential's name in the store
     * @param window       its renewal window
     * @param serialOnDisk the serial of the certificate its output directory holds; empty when the files are
     *                     missing, incomplete or unreadable
     */
    public record Target(String name, Window window, Optional<BigInteger> serialOnDisk) {
        public Target {
            requireNonNull(name, "name is null");
            requireNonNull(window, "window is null");
            requireNonNull(serialOnDisk, "serialOnDisk is null");
        }
    }

    /** What to do for one credential. */
    public enum Action {
        /** Its renewal time has come: renew it, then write its files. */
        RENEW,
        /** Not due, but its files do not hold the current certificate: write them, renew nothing. */
        WRITE,
        /** Nothing to do until {@link Decision#renewAt()}. */
        KEEP,
        /** It cannot be kept fresh (no such credential, no key in the store, revoked); the files are left as they are. */
        FAIL
    }

    /**
     * The decision for one credential.
     *
     * @param current the store's current certificate of the credential, when there is one
     * @param renewAt when it is due (its end minus the window), when there is a current certificate
     * @param reason  why, in a few words, for the log
     */
    public record Decision(String name, Action action, Optional<InventoryEntry> current, Optional<Instant> renewAt, String reason) {
        public Decision {
            requireNonNull(name, "name is null");
            requireNonNull(action, "action is null");
            requireNonNull(current, "current is null");
            requireNonNull(renewAt, "renewAt is null");
            requireNonNull(reason, "reason is null");
        }
    }

    /** The decision for each target, in order, at {@code now}. */
    public static List<Decision> decide(StoreIndex index, List<Target> targets, Instant now) {
        requireNonNull(index, "index is null");
        requireNonNull(now, "now is null");
        List<Decision> decisions = new ArrayList<>(targets.size());
        for (Target target : targets) {
            decisions.add(decide(index, target, now));
        }
        return List.copyOf(decisions);
    }

    /** The decision for one target at {@code now}. */
    public static Decision decide(StoreIndex index, Target target, Instant now) {
        String name = target.name();
        Optional<StoredCredential> stored = index.credential(name);
        if (stored.isEmpty()) {
            return new Decision(name, Action.FAIL, Optional.empty(), Optional.empty(),
                    "no credential named '" + name + "' in the store; issue it first ('s2mtls cert issue --name " + name + " ...')");
        }
        Optional<InventoryEntry> entry = index.entry(stored.get().serial());
        if (entry.isEmpty()) {
            return new Decision(name, Action.FAIL, Optional.empty(), Optional.empty(),
                    "credential '" + name + "' has no inventory entry; the store is inconsistent");
        }
        InventoryEntry current = entry.get();
        if (!stored.get().hasKey()) {
            return new Decision(name, Action.FAIL, entry, Optional.empty(),
                    "credential '" + name + "' has no private key in the store (signed from a CSR); the agent renews only credentials whose key it holds");
        }
        if (current.profile() == CertificateProfile.CA) {
            return new Decision(name, Action.FAIL, entry, Optional.empty(), "'" + name + "' is a CA certificate; the agent renews client and server credentials");
        }
        if (current.status() != CertificateStatus.VALID) {
            return new Decision(name, Action.FAIL, entry, Optional.empty(), "credential '" + name + "' (serial " + current.serialHex() + ") is "
                    + current.status().name().toLowerCase(Locale.ROOT) + "; issue a new one, the agent does not renew it");
        }
        Instant renewAt = target.window().renewAt(current.notBefore(), current.notAfter());
        if (!now.isBefore(renewAt)) {
            return new Decision(name, Action.RENEW, entry, Optional.of(renewAt),
                    "ends " + current.notAfter() + ", within the renewal window (" + target.window() + ")");
        }
        boolean filesCurrent = target.serialOnDisk().map(serial -> serial.equals(current.serial())).orElse(false);
        if (!filesCurrent) {
            return new Decision(name, Action.WRITE, entry, Optional.of(renewAt), target.serialOnDisk().isEmpty()
                    ? "its files are missing or incomplete" : "its files hold serial " + target.serialOnDisk().get().toString(16).toUpperCase(Locale.ROOT)
                    + ", not the current " + current.serialHex());
        }
        return new Decision(name, Action.KEEP, entry, Optional.of(renewAt), "current until " + renewAt);
    }

    /** The earliest renewal time among the decisions that keep their credential, if any. */
    public static Optional<Instant> nextRenewal(List<Decision> decisions) {
        return decisions.stream().filter(d -> d.action() == Action.KEEP).map(Decision::renewAt).flatMap(Optional::stream).min(Instant::compareTo);
    }
}
