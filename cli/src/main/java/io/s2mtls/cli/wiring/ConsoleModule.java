package io.s2mtls.cli.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.GlobalOptions;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.cli.support.Secrets;

import static java.util.Objects.requireNonNull;

/** The invocation's console and options, and what is built from them alone. */
public final class ConsoleModule extends AbstractModule {
    private final Console console;
    private final GlobalOptions options;

    public ConsoleModule(Console console, GlobalOptions options) {
        this.console = requireNonNull(console, "console is null");
        this.options = requireNonNull(options, "options is null");
    }

    @Override
    protected void configure() {
        binder().requireExplicitBindings();
        binder().disableCircularProxies();
        bind(Console.class).toInstance(console);
        bind(GlobalOptions.class).toInstance(options);
    }

    @Provides
    @Singleton
    Printer printer(Console console, GlobalOptions options) {
        return new Printer(console, options);
    }

    @Provides
    @Singleton
    Secrets secrets(Console console, GlobalOptions options) {
        return new Secrets(console, options);
    }
}
