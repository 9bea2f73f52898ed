package io.s2mtls.core.doctor;

import io.s2mtls.core.user.UserAccount;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Every step of one doctor run, in order; the login works only when step 9 passed. */
public record DoctorReport(UserAccount account, List<CheckResult> checks) {
    public DoctorReport {
        requireNonNull(account, "account is null");
        checks = List.copyOf(requireNonNull(checks, "checks is null"));
    }

    /** The first failed step: the one to fix first. */
    public Optional<CheckResult> firstFailure() {
        return checks.stream().filter(CheckResult::failed).findFirst();
    }

    public boolean loginWorks() {
        return checks.stream().anyMatch(c -> c.step() == DoctorStep.LOGIN && c.status() == CheckResult.Status.PASS);
    }

    public CheckResult check(DoctorStep step) {
        return checks.stream().filter(c -> c.step() == step).findFirst().orElseThrow();
    }
}
