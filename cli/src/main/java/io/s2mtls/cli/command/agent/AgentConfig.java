package io.s2mtls.cli.command.agent;

import io.s2mtls.core.usecase.AgentPlan;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * What {@code s2mtls agent} keeps fresh, as its configuration file says (see {@link AgentConfigFile}).
 *
 * @param file        where it was read from, for messages
 * @param credentials each credential with its output directory, in the file's order
 */
public record AgentConfig(String file, List<Credential> credentials) {
    public AgentConfig {
        requireNonNull(file, "file is null");
        credentials = List.copyOf(credentials);
    }

    /**
     * One credential to keep fresh.
     *
     * @param name            its name in the store
     * @param outDir          where NAME-key.pem, NAME-cert.pem and ca-cert.pem are kept
     * @param owner           the user (and group) the files are given to, when the agent runs as root
     * @param secretMode      the mode of NAME-key.pem (and NAME.p12, NAME.p12.pass); certificates are 0644
     * @param p12             whether NAME.p12 is written too
     * @param p12PasswordFile the file holding NAME.p12's password (else S2MTLS_P12_PASSWORD, else a random one in NAME.p12.pass)
     * @param exec            the command run with /bin/sh -c after each renewal
     * @param window          its renewal window
     */
    public record Credential(String name, Path outDir, Optional<Owner> owner, Set<PosixFilePermission> secretMode, boolean p12,
                             Optional<Path> p12PasswordFile, Optional<String> exec, AgentPlan.Window window) {
        public Credential {
            requireNonNull(name, "name is null");
            requireNonNull(outDir, "outDir is null");
            requireNonNull(owner, "owner is null");
            secretMode = Set.copyOf(secretMode);
            requireNonNull(p12PasswordFile, "p12PasswordFile is null");
            requireNonNull(exec, "exec is null");
            requireNonNull(window, "window is null");
        }
    }

    /** {@code user} or {@code user:group}, as the configuration names them. */
    public record Owner(String user, Optional<String> group) {
        public Owner {
            requireNonNull(user, "user is null");
            requireNonNull(group, "group is null");
        }

        @Override
        public String toString() {
            return user + group.map(g -> ":" + g).orElse("");
        }
    }
}
