package io.s2mtls.cli.wiring;

import com.google.inject.AbstractModule;
import io.s2mtls.cli.command.RootCommand;
import io.s2mtls.cli.command.CaCommands;
import io.s2mtls.cli.command.CertCommands;
import io.s2mtls.cli.command.CsrCommands;
import io.s2mtls.cli.command.QuickstartCommand;
import io.s2mtls.cli.command.SubjectCommand;
import io.s2mtls.cli.command.db.ConnectCommand;
import io.s2mtls.cli.command.db.ServerConfigCommand;
import io.s2mtls.cli.command.db.UserCommands;
import io.s2mtls.cli.command.policy.ApplyCommand;
import io.s2mtls.cli.command.policy.PlanCommand;

import java.util.List;

/** Every command class, so picocli's factory can ask the injector for them. */
public final class CommandModule extends AbstractModule {
    /** The command classes built by the injector; anything else picocli makes itself. */
    public static final List<Class<?>> COMMANDS = List.of(
            RootCommand.class,
            QuickstartCommand.class,
            CaCommands.class, CaCommands.Create.class, CaCommands.Import.class, CaCommands.Show.class, CaCommands.Export.class,
            CsrCommands.class, CsrCommands.Create.class,
            CertCommands.class, CertCommands.Issue.class, CertCommands.Sign.class, CertCommands.Verify.class,
            CertCommands.Show.class, CertCommands.ListCommand.class, CertCommands.Export.class,
            SubjectCommand.class,
            io.s2mtls.cli.command.doctor.DoctorCommand.class,
            UserCommands.class, UserCommands.Create.class, UserCommands.Alter.class, UserCommands.Drop.class, UserCommands.Show.class,
            UserCommands.ListCommand.class, ConnectCommand.class, ServerConfigCommand.class,
            PlanCommand.class, ApplyCommand.class,
            io.s2mtls.cli.command.StoreCommands.class, io.s2mtls.cli.command.StoreCommands.Passwd.class,
            io.s2mtls.cli.command.CompletionCommand.class);

    /** Commands whose classes are package-private to the command package, bound through their lookup. */
    static final List<Class<?>> MORE = io.s2mtls.cli.command.Commands.packagePrivate();

    @Override
    protected void configure() {
        for (Class<?> command : COMMANDS) {
            bind(command);
        }
        for (Class<?> command : MORE) {
            bind(command);
        }
    }
}
