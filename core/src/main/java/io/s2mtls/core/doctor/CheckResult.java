package io.s2mtls.core.doctor;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of one doctor step.
 *
 * @param step    which check
 * @param status  passed, failed, or skipped (could not run, e.g. after an earlier failure)
 * @param summary one line saying what was found
 * @param fix     what to do about a failure (or a warning), when there is something to do
 * @param details further facts worth showing, one per line
 */
public record CheckResult(DoctorStep step, Status status, String summary, Optional<String> fix, List<String> details) {
    public enum Status { PASS, FAIL, SKIPPED }

    public CheckResult {
        requireNonNull(step, "step is null");
        requireNonNull(status, "status is null");
        requireNonNull(summary, "summary is null");
        requireNonNull(fix, "fix is null");
        details = List.copyOf(requireNonNull(details, "details is null"));
    }

    static CheckResult pass(DoctorStep step, String summary, List<String> details) {
        return new CheckResult(step, Status.PASS, summary, Optional.empty(), details);
    }

    static CheckResult fail(DoctorStep step, String summary, String fix, List<String> details) {
        return new CheckResult(step, Status.FAIL, summary, Optional.of(fix), details);
    }

    static CheckResult skipped(DoctorStep step, String why) {
        return new CheckResult(step, Status.SKIPPED, why, Optional.empty(), List.of());
    }

    public boolean failed() {
        return status == Status.FAIL;
    }
}
