package io.s2mtls.core.usecase;

/** A change to a database account, as the audit trail names it. */
public enum UserEvent {
    CREATE("user.create", "Created"), ALTER("user.alter", "Altered"), DROP("user.drop", "Dropped"), LOCK("user.lock", "Locked");

    private final String action;
    private final String done;

    UserEvent(String action, String done) {
        this.action = action;
        this.done = done;
    }

    /** The audit trail's action, e.g. {@code user.create}. */
    public String action() {
        return action;
    }

    /** What happened, as a word for messages: {@code Created}, {@code Altered}, ... */
    public String done() {
        return done;
    }
}
