package io.s2mtls.adapters.alpha;

/** An adapter implementing a port from io.s2mtls.core.port, as it should; only RulesCanFailTest looks at it. */
public abstract class PortAdapter implements io.s2mtls.core.port.CredentialStore {
}
