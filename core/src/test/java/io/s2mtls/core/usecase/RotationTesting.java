package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.testing.ForwardingCredentialStore;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.CertificateStatus;
import io.s2mtls.core.pki.Credential;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.RemoteSigner;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.testing.ExternalTool;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.x509.Pem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/** Fixtures shared by the rotation and intermediate CA tests: a fixed clock, remote signers, and the chain check with openssl. */
final class RotationTesting {
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private RotationTesting() {
    }

    /** A fresh store name. */
    static String newStore() {
        return "rotation-" + UUID.randomUUID();
    }

    static S2mtls core(CredentialStore store, Instant now, Map<String, RemoteSigner> signers) {
        return S2mtls.builder(store).clock(Clock.fixed(now, ZoneOffset.UTC)).actor("tester")
                .remoteSigners(reference -> {
                    RemoteSigner signer = signers.get(reference);
                    if (signer == null) {
                        throw S2mtlsException.badInput("no remote key " + reference);
                    }
                    return signer;
                }).build();
    }

    static S2mtls core(String store) {
        return core(new InMemoryCredentialStore(store), NOW, Map.of());
    }

    static DistinguishedName dn(String text) {
        return DistinguishedName.parse(text);
    }

    static IssuedCertificate issue(S2mtls s2mtls, String name) {
        return s2mtls.issuance().issue(client(name, false));
    }

    /** Reissues the credentials {@code names} under the issuing CA, superseding what they held (as a renewal does). */
    static void reissue(S2mtls s2mtls, String... names) {
        List<IssueCommand> commands = new ArrayList<>();
        for (String name : names) {
            commands.add(client(name, true));
        }
        s2mtls.issuance().issueAll(commands, 1, done -> { }, true);
    }

    private static IssueCommand client(String name, boolean replace) {
        return new IssueCommand(dn("/O=Example/CN=" + name), KeySpec.EC_P256, 30, Optional.of(name), CertificateProfile.CLIENT,
                List.of(), false, replace);
    }

    static RotationUseCase.BeginRequest beginDefaults() {
        return new RotationUseCase.BeginRequest(Optional.empty(), Optional.empty(), Optional.empty(), java.util.OptionalInt.empty(), Optional.empty());
    }

    static RotationUseCase.BeginRequest beginWithRoot(AuthorityUseCase.ImportSource root) {
        return new RotationUseCase.BeginRequest(Optional.empty(), Optional.empty(), Optional.empty(), java.util.OptionalInt.empty(), Optional.of(root));
    }

    static RotationUseCase.BeginRequest beginWithKeyReference(String reference) {
        return new RotationUseCase.BeginRequest(Optional.empty(), Optional.empty(), Optional.of(reference), java.util.OptionalInt.empty(), Optional.empty());
    }

    static String pem(List<X509Certificate> certificates) {
        return certificates.stream().map(Pem::certificate).collect(Collectors.joining());
    }

    static byte[] pemBytes(List<X509Certificate> certificates) {
        return pem(certificates).getBytes(StandardCharsets.US_ASCII);
    }

    /** What a store shows of its CAs and audit trail, for "nothing changed" checks. */
    record Seen(Optional<AuthoritySet> authorities, StoreIndex index, List<AuditEvent> audit) {
        static Seen of(CredentialStore store) {
            return new Seen(store.authorities(), store.index(), store.recentAudit(Integer.MAX_VALUE));
        }
    }

    /** Runs {@code refused}, which must fail with bad input, and checks the store is unchanged; returns the message. */
    static String refused(CredentialStore store, Runnable refused) {
        Seen before = Seen.of(store);
        S2mtlsException e = assertThrows(S2mtlsException.class, refused::run);
        assertEquals(io.s2mtls.core.error.ErrorKind.BAD_INPUT, e.kind(), e.getMessage());
        assertEquals(before, Seen.of(store), "a refused command changes nothing: " + e.getMessage());
        return e.getMessage();
    }

    /**
     * The invariant of a rotation, judged by the real openssl: every credential that is valid and unexpired at
     * {@code now} chains to the bundle the servers are told to trust ({@code authorities().trustBundle()}), as
     * a client certificate. Returns how many were checked.
     */
    static int assertEveryLiveCredentialChains(S2mtls s2mtls, CredentialStore store, Path dir, Instant now) {
        StoreIndex index = store.index();
        Path bundle = write(dir, "bundle-" + UUID.randomUUID() + ".pem", pem(index.authorities().orElseThrow().trustBundle()));
        List<String> command = new ArrayList<>(List.of(ExternalTool.require("openssl").toString(), "verify", "-purpose", "sslclient",
                "-attime", Long.toString(now.getEpochSecond()), "-CAfile", bundle.toString()));
        int checked = 0;
        for (InventoryEntry entry : index.inventory()) {
            if (entry.status() != CertificateStatus.VALID || !entry.notAfter().isAfter(now)) {
                continue;
            }
            Credential credential = store.credential(entry.name()).orElseThrow();
            assertEquals(entry.serial(), credential.certificate().getSerialNumber(), "a valid entry is its credential's current certificate");
            command.add(write(dir, entry.name() + "-" + entry.serialHex() + ".pem", Pem.certificate(credential.certificate())).toString());
            checked++;
        }
        if (checked > 0) {
            ExternalTool.Result result = ExternalTool.run(command);
            if (result.exitCode() != 0) {
                fail("a live credential does not chain to the trust bundle in phase " + index.authorities().orElseThrow().phase()
                        + ": " + result.out() + result.stderr());
            }
        }
        return checked;
    }

    /** openssl verify of {@code leaf} with {@code root} as the only trust anchor and {@code untrusted} as the chain given. */
    static ExternalTool.Result verifyWithRoot(Path dir, X509Certificate root, List<X509Certificate> untrusted, X509Certificate leaf, Instant now) {
        Path rootFile = write(dir, "root-" + UUID.randomUUID() + ".pem", Pem.certificate(root));
        Path leafFile = write(dir, "leaf-" + UUID.randomUUID() + ".pem", Pem.certificate(leaf));
        List<String> command = new ArrayList<>(List.of(ExternalTool.require("openssl").toString(), "verify", "-purpose", "sslclient",
                "-attime", Long.toString(now.getEpochSecond()), "-CAfile", rootFile.toString()));
        if (!untrusted.isEmpty()) {
            command.add("-untrusted");
            command.add(write(dir, "untrusted-" + UUID.randomUUID() + ".pem", pem(untrusted)).toString());
        }
        command.add(leafFile.toString());
        return ExternalTool.run(command);
    }

    static Path write(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, RemoteSigner> signers(Object... referencesAndSigners) {
        Map<String, RemoteSigner> map = new HashMap<>();
        for (int i = 0; i < referencesAndSigners.length; i += 2) {
            map.put((String) referencesAndSigners[i], (RemoteSigner) referencesAndSigners[i + 1]);
        }
        return map;
    }

    static CaMaterial issuing(CredentialStore store) {
        return store.authorities().orElseThrow().issuing();
    }

    static List<AuditEvent> events(CredentialStore store, String action) {
        return store.recentAudit(Integer.MAX_VALUE).stream().filter(e -> e.action().equals(action)).toList();
    }

    /** A store that runs {@code beforeCommit} just before each commit reaches the delegate (another writer getting there first, or a gate). */
    static final class RacingStore extends ForwardingCredentialStore {
        private volatile Consumer<StoreBatch> beforeCommit = batch -> { };

        RacingStore(CredentialStore delegate) {
            super(delegate);
        }

        RacingStore beforeCommit(Consumer<StoreBatch> hook) {
            this.beforeCommit = hook;
            return this;
        }

        @Override
        public void commit(StoreBatch batch) {
            beforeCommit.accept(batch);
            delegate.commit(batch);
        }

        /** Audit-only writes are commits too, and meet the hook like any other. */
        @Override
        public void appendAudit(List<AuditEvent> events) {
            if (!events.isEmpty()) {
                commit(new StoreBatch(List.of(), events));
            }
        }
    }
}
