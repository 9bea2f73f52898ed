package io.s2mtls.core.usecase;

import static java.util.Objects.requireNonNull;

/** The read-only picture of a store that metrics and reports are made from. */
public final class OverviewUseCase {
    /** The audit action the renewal agent records for each renewal. */
    public static final String AGENT_RENEW = "agent.renew";

    private final Environment environment;

    OverviewUseCase(Environment environment) {
        this.environment = requireNonNull(environment, "environment is null");
    }

    /** The store's CAs, credentials and users, the agent's last renewal and the last {@code auditLimit} audit events. */
    public Overview overview(int auditLimit) {
        throw new UnsupportedOperationException("not built yet");
    }
}
