package io.s2mtls.cli.wiring;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.command.agent.AgentCommand;
import io.s2mtls.cli.command.audit.AuditCommand;
import io.s2mtls.cli.command.ca.CaCommand;
import io.s2mtls.cli.command.cert.CertCommand;
import io.s2mtls.cli.command.completion.CompletionCommand;
import io.s2mtls.cli.command.csr.CsrCommand;
import io.s2mtls.cli.command.connect.ConnectCommand;
import io.s2mtls.cli.command.serverconfig.ServerConfigCommand;
import io.s2mtls.cli.command.user.UserCommands;
import io.s2mtls.cli.command.doctor.DoctorCommand;
import io.s2mtls.cli.command.policy.ApplyCommand;
import io.s2mtls.cli.command.policy.PlanCommand;
import io.s2mtls.cli.command.quickstart.QuickstartCommand;
import io.s2mtls.cli.command.store.StoreCommand;
import io.s2mtls.cli.command.subject.SubjectCommand;
import io.s2mtls.cli.support.GlobalOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.util.Map;

/**
 * {@code s2mtls}: the root of the command tree and the home of the global options, which every command
 * inherits. This is where commands are registered: the root lists the top-level commands, each group
 * (ca, cert, csr, store, ...) lists its own subcommands in its {@code @Command(subcommands = ...)}, one
 * class per command. Nothing else lists them; {@code CommandTreeTest} checks that every command class is
 * reachable from here.
 */
@Command(name = "s2mtls", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        scope = ScopeType.INHERIT, sortOptions = false, usageHelpAutoWidth = true, usageHelpWidth = 110,
        description = {
                "Certificate-based (mutual TLS) logins for SingleStore, end to end: a CA, client certificates,",
                "the exact REQUIRE SUBJECT string, and a record of what was issued, to whom, and until when."},
        subcommands = {
                QuickstartCommand.class,
                CaCommand.class,
                CsrCommand.class,
                CertCommand.class,
                SubjectCommand.class,
                UserCommands.class,
                ConnectCommand.class,
                ServerConfigCommand.class,
                PlanCommand.class,
                ApplyCommand.class,
                DoctorCommand.class,
                AuditCommand.class,
                AgentCommand.class,
                io.s2mtls.cli.command.metrics.MetricsCommand.class,
                io.s2mtls.cli.command.report.ReportCommand.class,
                StoreCommand.class,
                CompletionCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 done, 1 a check came out negative, 2 bad usage or input,",
                "3 an external system failed (database, Vault, network), 4 internal error.",
                "", "Start here:  s2mtls quickstart      Then:  s2mtls <command> --help"})
public final class RootCommand extends BaseCommand {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--store", paramLabel = "URI", scope = ScopeType.INHERIT, order = 100,
            description = "Where the CA and the inventory live: pkcs12:FILE or vault:MOUNT/PATH"
                    + " (default: env S2MTLS_STORE, else pkcs12:./s2mtls.p12).")
    void store(String uri) {
        options().store(uri);
    }

    @Option(names = "--store-password-file", paramLabel = "FILE", scope = ScopeType.INHERIT, order = 103,
            description = "The store password. Otherwise env S2MTLS_STORE_PASSWORD, otherwise a prompt on a terminal.")
    void storePasswordFile(String file) {
        options().storePasswordFile(file);
    }

    @Option(names = "--store-option", paramLabel = "KEY=VALUE", scope = ScopeType.INHERIT, order = 105,
            description = "An option for the store plugin (e.g. for vault: namespace=ns1, cacert=FILE).")
    void storeOption(Map<String, String> values) {
        options().storeOptions().putAll(values);
    }

    @Option(names = "--output", paramLabel = "text|json", scope = ScopeType.INHERIT, order = 101,
            description = "How data is printed on standard output (default: text).")
    void output(GlobalOptions.OutputFormat format) {
        options().output(format);
    }

    @Option(names = "--verbose", scope = ScopeType.INHERIT, order = 102,
            description = "Stack traces and debug detail on standard error.")
    void verbose(boolean verbose) {
        options().verbose(verbose);
    }

    @Option(names = "--plugin-path", paramLabel = "DIRS", scope = ScopeType.INHERIT, order = 104,
            description = "Directories (or jars) with plugin jars, ':'-separated (default: env S2MTLS_PLUGIN_PATH).")
    void pluginPath(String path) {
        options().pluginPath(path);
    }

    @Override
    protected int run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

}
