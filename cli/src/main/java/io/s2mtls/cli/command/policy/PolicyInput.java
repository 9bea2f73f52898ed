package io.s2mtls.cli.command.policy;

import io.s2mtls.cli.command.db.AdminConnectionOptions;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.core.policy.Policy;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** What plan and apply share (a mixin, not a base class): the policy file and the database connection. */
final class PolicyInput {
    static final int OK = 0;
    static final int CHANGES = 1;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", order = 0, description = "The policy file (YAML).")
    String file;
    @Mixin
    AdminConnectionOptions adminConnection;
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** The policy file, read (within the size limit for lists) and bound. */
    Policy policy(Console console) {
        return PolicyFile.parse(new String(Files2.read(console.path(file), "-f", Files2.MAX_LIST_BYTES), StandardCharsets.UTF_8), file);
    }

    /** The admin user name the connection logs in with (as the database options choose it). */
    Optional<String> adminUserName(Console console) {
        OptionSpec option = spec.findOption("--admin-user");
        return Optional.ofNullable(option == null ? null : (String) option.getValue())
                .or(() -> console.env(Databases.ADMIN_USER_ENV)).or(() -> Optional.of("root"));
    }
}
