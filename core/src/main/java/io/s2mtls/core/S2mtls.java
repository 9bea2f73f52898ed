package io.s2mtls.core;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.policy.PolicyUseCase;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.RemoteSigner;
import io.s2mtls.core.usecase.AuditUseCase;
import io.s2mtls.core.usecase.AuthorityUseCase;
import io.s2mtls.core.usecase.DoctorUseCase;
import io.s2mtls.core.usecase.Environment;
import io.s2mtls.core.usecase.InventoryUseCase;
import io.s2mtls.core.usecase.IssuanceUseCase;
import io.s2mtls.core.usecase.LifecycleUseCase;
import io.s2mtls.core.usecase.QuickstartUseCase;
import io.s2mtls.core.usecase.RevocationUseCase;
import io.s2mtls.core.usecase.UseCases;
import io.s2mtls.core.usecase.UsersUseCase;
import io.s2mtls.core.usecase.VerificationUseCase;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * The entry point for tools that embed s2mtls without its command line.
 *
 * <pre>{@code
 * CredentialStore store = ...;   // a provider's store, or your own implementation of the port
 * S2mtls s2mtls = S2mtls.builder(store).build();
 * s2mtls.authority().create(DistinguishedName.parse("/O=Example/CN=Example CA"), KeySpec.EC_P256, 3650, false);
 * IssuedCertificate alice = s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/O=Example/CN=alice")));
 * String sql = DistinguishedName.fromDer(alice.certificate().getSubjectX500Principal().getEncoded()).sqlLiteral();
 * }</pre>
 *
 * Instances are cheap and safe for concurrent use when the store is.
 */
public final class S2mtls {
    private final UseCases useCases;
    private final PolicyUseCase policy;

    private S2mtls(Environment environment) {
        this.useCases = new UseCases(environment);
        this.policy = new PolicyUseCase(environment, useCases.issuance());
    }

    public static Builder builder(CredentialStore store) {
        return new Builder(store);
    }

    /** Create, import and show the certificate authority. */
    public AuthorityUseCase authority() {
        return useCases.authority();
    }

    /** Issue credentials, sign CSRs, create CSRs. */
    public IssuanceUseCase issuance() {
        return useCases.issuance();
    }

    /** Verify certificates as the server will. */
    public VerificationUseCase verification() {
        return useCases.verification();
    }

    /** The inventory and stored credentials. */
    public InventoryUseCase inventory() {
        return useCases.inventory();
    }

    /** Renewal, revocation in the store, CRLs. */
    public LifecycleUseCase lifecycle() {
        return useCases.lifecycle();
    }

    /** The quickstart sequence: a CA, a client credential from it, verified. */
    public QuickstartUseCase quickstart() {
        return useCases.quickstart();
    }

    /**
     * Certificate-bound database accounts: create, alter and drop them through a {@link io.s2mtls.core.port.UserDirectory}
     * you opened, each change recorded in the store; show and list them.
     */
    public UsersUseCase users() {
        return useCases.users();
    }

    /** Revocation with its database effects: lock or drop the accounts that log in with the credential, and end their sessions. */
    public RevocationUseCase revocation() {
        return useCases.revocation();
    }

    /** Why can't this user log in? The doctor's checks against a {@link io.s2mtls.core.port.DoctorServer}. */
    public DoctorUseCase doctor() {
        return useCases.doctor();
    }

    /** Staged CA rotation: begin, status, switch, finish, rollback. */
    public io.s2mtls.core.usecase.RotationUseCase rotation() {
        return useCases.rotation();
    }

    /** The read-only picture of the store that metrics and reports are made from. */
    public io.s2mtls.core.usecase.OverviewUseCase overview() {
        return useCases.overview();
    }

    /** The audit trail, read from its end. */
    public AuditUseCase audit() {
        return useCases.audit();
    }

    /** Plan and apply a policy of certificate-bound database users. */
    public PolicyUseCase policy() {
        return policy;
    }

    /** Configures an {@link S2mtls}; only the store is required. */
    public static final class Builder {
        private final CredentialStore store;
        private Clock clock = Clock.systemUTC();
        private SecureRandom random = new SecureRandom();
        private String actor = "embedded";
        private Function<String, RemoteSigner> remoteSigners = reference -> {
            throw S2mtlsException.badInput("the CA key is held remotely (" + reference
                    + ") but no remote signer is configured; load the plugin that serves it");
        };

        private Builder(CredentialStore store) {
            this.store = requireNonNull(store, "store is null");
        }

        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock is null");
            return this;
        }

        public Builder random(SecureRandom random) {
            this.random = requireNonNull(random, "random is null");
            return this;
        }

        /** Who is acting, as the audit trail should record it (default {@code embedded}). */
        public Builder actor(String actor) {
            this.actor = requireNonNull(actor, "actor is null");
            return this;
        }

        /** How to reach a remotely held CA key, given its reference such as {@code vault-transit:ca}. */
        public Builder remoteSigners(Function<String, RemoteSigner> remoteSigners) {
            this.remoteSigners = requireNonNull(remoteSigners, "remoteSigners is null");
            return this;
        }

        public S2mtls build() {
            return new S2mtls(new Environment(store, clock, random, remoteSigners, actor));
        }
    }
}
