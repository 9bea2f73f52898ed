package io.s2mtls.core.pki;

/**
 * Where a CA rotation stands. A store holds one CA in {@link #NONE}; two in the other phases, and servers must
 * trust both while either can have signed a valid credential.
 */
public enum RotationPhase {
    /** One CA; it issues. */
    NONE,
    /** The next CA exists and servers are told to trust it; the current CA still issues. */
    BEGUN,
    /** The next CA issues; the previous one stays trusted until every credential it signed is reissued. */
    SWITCHED;

    /** The lower-case name used in output and persisted formats. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The phase with {@code label}, or an {@link IllegalArgumentException} naming it. */
    public static RotationPhase ofLabel(String label) {
        for (RotationPhase phase : values()) {
            if (phase.label().equals(label)) {
                return phase;
            }
        }
        throw new IllegalArgumentException("unknown rotation phase '" + label + "'");
    }
}
