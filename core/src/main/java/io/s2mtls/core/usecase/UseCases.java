package io.s2mtls.core.usecase;

/** Builds the use cases over one environment; the public face is {@link io.s2mtls.core.S2mtls}. */
public final class UseCases {
    private final AuthorityUseCase authority;
    private final IssuanceUseCase issuance;
    private final VerificationUseCase verification;
    private final InventoryUseCase inventory;
    private final LifecycleUseCase lifecycle;
    private final io.s2mtls.core.policy.PolicyUseCase policy;

    public UseCases(Environment environment) {
        this.authority = new AuthorityUseCase(environment);
        this.issuance = new IssuanceUseCase(environment);
        this.verification = new VerificationUseCase(environment);
        this.inventory = new InventoryUseCase(environment);
        this.lifecycle = new LifecycleUseCase(environment, issuance);
        this.policy = new io.s2mtls.core.policy.PolicyUseCase(environment, issuance);
    }

    public AuthorityUseCase authority() {
        return authority;
    }

    public IssuanceUseCase issuance() {
        return issuance;
    }

    public VerificationUseCase verification() {
        return verification;
    }

    public InventoryUseCase inventory() {
        return inventory;
    }

    public LifecycleUseCase lifecycle() {
        return lifecycle;
    }

    public io.s2mtls.core.policy.PolicyUseCase policy() {
        return policy;
    }
}
