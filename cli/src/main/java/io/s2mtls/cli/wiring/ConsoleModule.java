package io.s2mtls.cli.wiring;

import com.google.inject.AbstractModule;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.GlobalOptions;
import io.s2mtls.cli.support.Invocation;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.cli.support.Secrets;
import io.s2mtls.cli.support.Session;

import static java.util.Objects.requireNonNull;

/**
 * The invocation's console, options and what is built from them, for commands that are still made by the
 * injector: the same instances the other commands get from their {@link Invocation}.
 */
public final class ConsoleModule extends AbstractModule {
    private final Invocation invocation;

    public ConsoleModule(Invocation invocation) {
        this.invocation = requireNonNull(invocation, "invocation is null");
    }

    @Override
    protected void configure() {
        binder().disableCircularProxies();
        bind(Invocation.class).toInstance(invocation);
        bind(Console.class).toInstance(invocation.console());
        bind(GlobalOptions.class).toInstance(invocation.options());
        bind(Printer.class).toProvider(invocation::printer);
        bind(Secrets.class).toProvider(invocation::secrets);
        bind(Session.class).toProvider(invocation::session);
    }
}
