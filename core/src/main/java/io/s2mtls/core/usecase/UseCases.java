package io.s2mtls.core.usecase;

/** Builds the use cases over one environment; the public face is {@link io.s2mtls.core.S2mtls}. */
public final class UseCases {
    private final AuthorityUseCase authority;
    private final IssuanceUseCase issuance;
    private final VerificationUseCase verification;
    private final InventoryUseCase inventory;
    private final LifecycleUseCase lifecycle;
    private final UsersUseCase users;
    private final RevocationUseCase revocation;
    private final DoctorUseCase doctor;
    private final AuditUseCase audit;
    private final RotationUseCase rotation;
    private final OverviewUseCase overview;

    public UseCases(Environment environment) {
        this.authority = new AuthorityUseCase(environment);
        this.issuance = new IssuanceUseCase(environment);
        this.verification = new VerificationUseCase(environment);
        this.inventory = new InventoryUseCase(environment);
        this.lifecycle = new LifecycleUseCase(environment, issuance);
        this.users = new UsersUseCase(environment);
        this.revocation = new RevocationUseCase(environment, lifecycle);
        this.doctor = new DoctorUseCase(environment);
        this.audit = new AuditUseCase(environment);
        this.rotation = new RotationUseCase(environment);
        this.overview = new OverviewUseCase(environment);
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

    public QuickstartUseCase quickstart() {
        return new QuickstartUseCase(authority, issuance, verification);
    }

    public UsersUseCase users() {
        return users;
    }

    public RevocationUseCase revocation() {
        return revocation;
    }

    public DoctorUseCase doctor() {
        return doctor;
    }

    public RotationUseCase rotation() {
        return rotation;
    }

    public OverviewUseCase overview() {
        return overview;
    }

    public AuditUseCase audit() {
        return audit;
    }
}
