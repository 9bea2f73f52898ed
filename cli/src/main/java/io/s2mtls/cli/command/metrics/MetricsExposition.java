package io.s2mtls.cli.command.metrics;

import io.s2mtls.core.usecase.Overview;

/** The Prometheus text exposition of an {@link Overview}: what {@code s2mtls metrics} prints and the agent serves. */
public final class MetricsExposition {
    private MetricsExposition() {
    }

    /** The exposition text (format 0.0.4), ending with a line break. */
    public static String text(Overview overview) {
        throw new UnsupportedOperationException("not built yet");
    }
}
