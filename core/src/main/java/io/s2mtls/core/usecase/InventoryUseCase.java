package io.s2mtls.core.usecase;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.port.StoreSnapshot;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Reading what was issued: the inventory, and stored credentials for export. */
public final class InventoryUseCase {
    private final Environment environment;

    InventoryUseCase(Environment environment) {
        this.environment = environment;
    }

    /** Every recorded certificate, oldest first. */
    public List<InventoryEntry> list() {
        return environment.store().read().inventory().stream()
                .sorted(Comparator.comparing(InventoryEntry::recordedAt)).toList();
    }

    /** Valid certificates whose notAfter falls within {@code window} from now (already expired ones included). */
    public List<InventoryEntry> expiringWithin(Duration window) {
        Instant limit = environment.clock().instant().plus(window);
        return list().stream()
                .filter(e -> e.status() == CertificateStatus.VALID)
                .filter(e -> !e.notAfter().isAfter(limit))
                .toList();
    }

    /** The shortest store password {@link #changeStorePassword} accepts. */
    public static final int MIN_STORE_PASSWORD_LENGTH = 12;

    /**
     * Re-protects the store under {@code newPassword} and records {@code store.passwd} in the audit
     * trail, in the same atomic write (the event holds no secret). The caller checks that the new
     * password differs from the old; the store checks the old one.
     */
    public void changeStorePassword(char[] newPassword) {
        if (newPassword == null || newPassword.length == 0) {
            throw S2mtlsException.badInput("the new store password is empty; an empty password protects nothing");
        }
        if (newPassword.length < MIN_STORE_PASSWORD_LENGTH) {
            throw S2mtlsException.badInput("the new store password is too short (" + newPassword.length + " characters); use at least "
                    + MIN_STORE_PASSWORD_LENGTH + " characters, e.g. a passphrase of several words");
        }
        AuditEvent event = new AuditEvent(environment.clock().instant(), environment.actor(), "store.passwd",
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("store password changed"));
        environment.store().changePassword(newPassword, current -> current.withAudit(List.of(event)));
    }

    /** A stored credential with the CA certificate, for writing its files. */
    public CredentialExport export(String name) {
        StoreSnapshot snapshot = environment.store().read();
        Credential credential = snapshot.credential(name).orElseThrow(() -> S2mtlsException.badInput(
                "no credential named '" + name + "' in " + environment.store().describe()
                        + (snapshot.credentials().isEmpty() ? "" : "; known: " + String.join(", ", snapshot.credentials().keySet().stream().sorted().limit(20).toList()))));
        return new CredentialExport(credential, snapshot.requireAuthority().certificate(), snapshot.requireAuthority().bundle());
    }

    /**
     * A credential and the CA certificate that verifies it; {@code caBundle} is that certificate followed by the
     * chain of an intermediate CA, up to and including the root (what the server's ssl_ca_for_client_cert needs).
     */
    public record CredentialExport(Credential credential, X509Certificate caCertificate, List<X509Certificate> caBundle) {
        public CredentialExport {
            caBundle = List.copyOf(caBundle);
        }

        public CredentialExport(Credential credential, X509Certificate caCertificate) {
            this(credential, caCertificate, List.of(caCertificate));
        }
    }
}
