package io.s2mtls.core.usecase;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuditEvent;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.RotationPhase;
import io.s2mtls.core.port.StoreBatch;
import io.s2mtls.core.port.StoreIndex;
import io.s2mtls.core.port.StoreWrite;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.SigningKey;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * Staged CA rotation: {@link #begin} makes the next CA (servers trust both), {@link #switchOver} makes it issue,
 * reissuing moves every credential to it (renewal keeps each subject DER), {@link #finish} retires the old CA.
 * {@link #rollback} undoes the last phase. Each phase is one store commit, recorded in the audit trail.
 */
public final class RotationUseCase {
    private final Environment environment;
    private final AuthorityUseCase authority;

    RotationUseCase(Environment environment) {
        this.environment = requireNonNull(environment, "environment is null");
        this.authority = new AuthorityUseCase(environment);
    }

    /**
     * How to make the next CA. Unset parts are copied from the current issuing CA: its subject, key type and
     * validity. {@code keyReference}: the next CA's key is held by a remote signer (e.g. {@code vault-transit:ca-2}).
     * {@code offlineRoot}: for an intermediate whose root key the store does not hold, the root brought in for
     * this command only (never stored).
     */
    public record BeginRequest(Optional<DistinguishedName> subject, Optional<KeySpec> key, Optional<String> keyReference,
                               OptionalInt days, Optional<AuthorityUseCase.ImportSource> offlineRoot) {
        public BeginRequest {
            requireNonNull(subject, "subject is null");
            requireNonNull(key, "key is null");
            requireNonNull(keyReference, "keyReference is null");
            requireNonNull(days, "days is null");
            requireNonNull(offlineRoot, "offlineRoot is null");
            if (key.isPresent() && keyReference.isPresent()) {
                throw new IllegalArgumentException("give either a local key type or a remote key reference");
            }
        }
    }

    /** A server's CA bundle file as deployed, read by the caller; {@code source} names it in messages. */
    public record BundleFile(byte[] data, String source) {
        public BundleFile {
            data = data.clone();
            requireNonNull(source, "source is null");
        }
    }

    /** Makes the next CA; the store then holds both and the current one still issues. Refused during a rotation. */
    public RotationStatus begin(BeginRequest request) {
        Snapshot seen = snapshot();
        requirePhase(seen.authorities(), RotationPhase.NONE, "begin");
        CaMaterial next = makeNext(seen.set(), request);
        AuthoritySet after = new AuthoritySet(seen.set().issuing(), Optional.of(next), seen.set().root(), RotationPhase.BEGUN);
        return commit(seen.set(), after, RotationPhase.NONE, "begin", index -> { },
                index -> event("ca.rotate.begin", next, "phase none -> begun; next CA '" + subject(next) + "' serial "
                        + AuthorityUseCase.hex(next.certificate()) + (next.chain().isEmpty() ? " (root)" : " (intermediate)")
                        + next.keyReference().map(reference -> ", key at " + reference).orElse("")
                        + "; " + RotationRules.stillOnOld(index, after.certificates(), environment.clock().instant()).size()
                        + " credentials to reissue after the switch"));
    }

    /** The phase, both CAs, and for each credential and each given bundle file whether it is ready for the next phase. */
    public RotationStatus status(List<BundleFile> bundles) {
        List<RotationRules.ParsedBundle> parsed = bundles.stream().map(RotationRules::parse).toList();
        StoreIndex index = environment.store().index();
        index.authorities().orElseThrow(AuthorityUseCase::noAuthority);
        return RotationRules.status(index, parsed, environment.clock().instant());
    }

    /** The next CA issues from now on; the previous one stays trusted. Refused unless the phase is begun. */
    public RotationStatus switchOver() {
        Snapshot seen = snapshot();
        requirePhase(seen.authorities(), RotationPhase.BEGUN, "switch");
        AuthoritySet set = seen.set();
        CaMaterial next = set.other().orElseThrow();
        AuthoritySet after = new AuthoritySet(next, Optional.of(set.issuing()), set.root(), RotationPhase.SWITCHED);
        return commit(set, after, RotationPhase.BEGUN, "switch", index -> { },
                index -> event("ca.rotate.switch", next, "phase begun -> switched; '" + subject(next) + "' serial "
                        + AuthorityUseCase.hex(next.certificate()) + " issues now; "
                        + RotationRules.stillOnOld(index, environment.clock().instant()).size() + " credentials still on the old CA"));
    }

    /**
     * Retires the previous CA. Refused while credentials that are neither expired nor revoked are still signed by it,
     * unless {@code force}. Refused unless the phase is switched.
     */
    public RotationStatus finish(boolean force) {
        Snapshot seen = snapshot();
        requirePhase(seen.authorities(), RotationPhase.SWITCHED, "finish");
        AuthoritySet set = seen.set();
        CaMaterial old = set.other().orElseThrow();
        AuthoritySet after = new AuthoritySet(set.issuing(), Optional.empty(), set.root(), RotationPhase.NONE);
        Instant now = environment.clock().instant();
        return commit(set, after, RotationPhase.SWITCHED, "finish", index -> {
            List<InventoryEntry> left = RotationRules.stillOnOld(index, now);
            if (!left.isEmpty() && !force) {
                List<InventoryEntry> fromCsr = left.stream().filter(entry -> !RotationRules.keyKept(index, entry)).toList();
                String csrNote = fromCsr.isEmpty() ? "" : "; " + (fromCsr.size() == left.size() ? "all" : fromCsr.size() + " of them")
                        + " were signed from a CSR (" + RotationRules.names(fromCsr) + "), which renewal cannot reissue"
                        + " without the key: ask each owner for a new CSR and run 's2mtls cert sign', or revoke them";
                throw S2mtlsException.badInput(left.size() + " credential" + (left.size() == 1 ? " is" : "s are")
                        + " neither expired nor revoked and still signed by the old CA '" + subject(old) + "' ("
                        + RotationRules.names(left) + "), and would stop working; run 's2mtls cert renew --all' (or 'apply')"
                        + csrNote + "; or pass --force");
            }
        }, index -> {
            int left = RotationRules.stillOnOld(index, now).size();
            return event("ca.rotate.finish", old, "phase switched -> none; old CA '" + subject(old) + "' retired"
                    + (left == 0 ? "; no credential left on it" : "; " + left + " credentials left on it (--force)"));
        });
    }

    /**
     * Undoes the last phase: from switched back to begun (the old CA issues again), from begun back to none (the
     * next CA is forgotten; refused while a valid credential is signed by it).
     */
    public RotationStatus rollback() {
        Snapshot seen = snapshot();
        AuthoritySet set = seen.set();
        Instant now = environment.clock().instant();
        switch (seen.authorities().phase()) {
            case SWITCHED -> {
                CaMaterial old = set.other().orElseThrow();
                AuthoritySet after = new AuthoritySet(old, Optional.of(set.issuing()), set.root(), RotationPhase.BEGUN);
                return commit(set, after, RotationPhase.SWITCHED, "rollback", index -> { },
                        index -> event("ca.rotate.rollback", old, "phase switched -> begun; '" + subject(old) + "' serial "
                                + AuthorityUseCase.hex(old.certificate()) + " issues again; "
                                + RotationRules.signedBy(index, set.issuing().certificate().getSerialNumber(), now).size()
                                + " credentials signed by the next CA stay valid"));
            }
            case BEGUN -> {
                CaMaterial next = set.other().orElseThrow();
                AuthoritySet after = new AuthoritySet(set.issuing(), Optional.empty(), set.root(), RotationPhase.NONE);
                return commit(set, after, RotationPhase.BEGUN, "rollback", index -> {
                    List<InventoryEntry> onNext = RotationRules.signedBy(index, next.certificate().getSerialNumber(), now);
                    if (!onNext.isEmpty()) {
                        throw S2mtlsException.badInput(onNext.size() + " credential" + (onNext.size() == 1 ? " is" : "s are")
                                + " neither expired nor revoked and signed by the next CA '" + subject(next) + "' ("
                                + RotationRules.names(onNext) + "), and would stop working without it; renew "
                                + (onNext.size() == 1 ? "it" : "them") + " with 's2mtls cert renew' (the current CA issues now) before rolling back");
                    }
                }, index -> event("ca.rotate.rollback", next, "phase begun -> none; next CA '" + subject(next) + "' serial "
                        + AuthorityUseCase.hex(next.certificate()) + " dropped"));
            }
            default -> throw S2mtlsException.badInput("no rotation in progress; nothing to roll back ('s2mtls ca rotate begin' starts one)");
        }
    }

    /**
     * What the operator does on the servers in {@code phase}, in order, one line each: the bundle to deploy, where
     * it goes, how the server reads it again, and the next s2mtls command.
     */
    public static List<String> serverSteps(RotationPhase phase) {
        return RotationRules.serverSteps(phase);
    }

    /** Every CA with keys and the index, read so that they agree (another writer may commit between the two reads). */
    private record Snapshot(AuthoritySet set, StoreIndex index) {
        Authorities authorities() {
            return index.authorities().orElseThrow();
        }
    }

    private Snapshot snapshot() {
        for (int attempt = 1; ; attempt++) {
            AuthoritySet set = environment.store().authorities().orElseThrow(AuthorityUseCase::noAuthority);
            StoreIndex index = environment.store().index();
            Authorities authorities = index.authorities().orElseThrow(AuthorityUseCase::noAuthority);
            if (authorities.state().equals(set.state())) {
                return new Snapshot(set, index);
            }
            if (attempt >= StoreCommits.ATTEMPTS) {
                throw changedMeanwhile();
            }
        }
    }

    /**
     * Replaces {@code before} with {@code after} in one commit with {@code event}. On every attempt (a conflict reads
     * the index again) the phase must still be {@code required}, {@code rules} must hold, and the CAs must still be
     * {@code before}: anything else another command changed is refused, nothing written.
     */
    private RotationStatus commit(AuthoritySet before, AuthoritySet after, RotationPhase required, String command,
                                  java.util.function.Consumer<StoreIndex> rules,
                                  java.util.function.Function<StoreIndex, AuditEvent> event) {
        StoreCommits.Committed<Void> committed = StoreCommits.commit(environment.store(), index -> {
            Authorities now = index.authorities().orElseThrow(AuthorityUseCase::noAuthority);
            requirePhase(now, required, command);
            rules.accept(index);
            if (!now.state().equals(before.state())) {
                throw changedMeanwhile();
            }
            StoreWrite write = new StoreWrite.SetAuthority(after, Optional.of(now.state()));
            return new StoreCommits.Prepared<>(StoreBatch.of(write, event.apply(index)), null);
        });
        return RotationRules.status(committed.after(), List.of(), environment.clock().instant());
    }

    private CaMaterial makeNext(AuthoritySet set, BeginRequest request) {
        CaMaterial current = set.issuing();
        X509Certificate certificate = current.certificate();
        DistinguishedName subject = request.subject().orElse(Certificates.subjectOf(certificate));
        request.subject().ifPresent(given -> SubjectPolicy.requireSafe(given, false, "--subject"));
        int days = request.days().orElse(AuthorityKeys.lifetimeDays(certificate));
        Validity.checkDays(days);
        Optional<KeySpec> key = request.key();
        if (key.isEmpty() && request.keyReference().isEmpty()) {
            if (current.keyReference().isPresent()) {
                throw S2mtlsException.badInput("the current CA's key is held by " + current.keyReference().get()
                        + "; give the next CA's key: --remote-key REF for a new key there, or --key TYPE for a key in the store");
            }
            key = Optional.of(AuthorityKeys.keySpecOf(certificate.getPublicKey(), "the current CA"));
        }
        if (current.chain().isEmpty() && request.offlineRoot().isPresent()) {
            throw S2mtlsException.badInput("--root-file: the store's CA '" + Certificates.subjectOf(certificate).oneline()
                    + "' is a root, and the next CA is a new root; leave --root-file out");
        }
        SigningKey rootKey = current.chain().isEmpty() ? null : rootKey(set, request);
        AuthorityKeys.NewKey nextKey = AuthorityKeys.NewKey.of(environment, key, request.keyReference());
        if (Certificates.sameKey(nextKey.publicKey(), certificate.getPublicKey())) {
            throw S2mtlsException.badInput("--remote-key " + request.keyReference().orElse("") + ": is the current CA's key;"
                    + " a rotation needs a new key, give the reference of another one");
        }
        if (current.chain().isEmpty()) {
            return nextKey.material(AuthorityKeys.selfSigned(environment, subject, days, nextKey.signing(), Optional.empty()), List.of());
        }
        X509Certificate root = current.chain().get(current.chain().size() - 1);
        return nextKey.material(AuthorityKeys.intermediate(environment, subject, nextKey.publicKey(), days, root, rootKey), List.of(root));
    }

    /** The root's signing key: the store's root (local or remote), else the offline root the request brings. */
    private SigningKey rootKey(AuthoritySet set, BeginRequest request) {
        X509Certificate root = set.issuing().chain().get(set.issuing().chain().size() - 1);
        if (request.offlineRoot().isPresent()) {
            return authority.offlineRoot(request.offlineRoot().get(), root, "--root-file");
        }
        if (set.root().isPresent()) {
            return AuthorityKeys.signingKey(environment, set.root().get());
        }
        throw S2mtlsException.badInput("the root key is not in the store; give the root exported with 'ca root export' (--root-file)");
    }

    private static void requirePhase(Authorities authorities, RotationPhase required, String command) {
        if (authorities.phase() == required) {
            return;
        }
        String where = switch (authorities.phase()) {
            case NONE -> "no rotation in progress";
            case BEGUN -> "the rotation is begun (the next CA '" + Certificates.subjectOf(authorities.other().orElseThrow().certificate()).oneline()
                    + "' exists, the current one still issues)";
            case SWITCHED -> "the rotation is switched (the new CA issues, the old one is still trusted)";
        };
        throw S2mtlsException.badInput("ca rotate " + command + ": " + where + "; " + RotationRules.nextCommand(authorities.phase()));
    }

    private AuditEvent event(String action, CaMaterial ca, String detail) {
        return new AuditEvent(environment.clock().instant(), environment.actor(), action,
                Optional.of(AuthorityUseCase.hex(ca.certificate())), Optional.of(subject(ca)), Optional.empty(), Optional.of(detail));
    }

    private static String subject(CaMaterial ca) {
        return Certificates.subjectOf(ca.certificate()).oneline();
    }

    private S2mtlsException changedMeanwhile() {
        return S2mtlsException.badInput(environment.store().describe() + ": another command changed the store's CAs while this one ran;"
                + " nothing was changed, run 's2mtls ca rotate status' and try again");
    }
}
