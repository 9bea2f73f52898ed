package io.s2mtls.core.usecase;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.dn.SubjectProblem;
import io.s2mtls.core.error.S2mtlsException;

import java.util.List;

/** Refuses subjects a database server could not tell apart from another, unless the operator forces it. */
public final class SubjectPolicy {
    private SubjectPolicy() {
    }

    public static void requireSafe(DistinguishedName subject, boolean force, String field) {
        List<SubjectProblem> problems = subject.problems();
        if (!problems.isEmpty() && !force) {
            throw S2mtlsException.badInput(field + ": '" + subject.oneline() + "' is unsafe for REQUIRE SUBJECT: "
                    + problems.get(0).message() + " (pass --allow-unsafe-subject to issue it anyway)");
        }
    }
}
