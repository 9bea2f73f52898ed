package io.s2mtls.cli.wiring;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.support.Invocation;
import picocli.CommandLine;

import java.lang.reflect.Constructor;

/**
 * Makes the commands picocli asks for, only those on the path being parsed (picocli makes the others
 * only when it renders their help). A command with a no-argument constructor is made directly and
 * attached to the invocation; this is the fast path, which loads no injector. A command with an
 * {@code @Inject} constructor is made by an injector over the same invocation, built on first need.
 */
public final class CommandFactory implements CommandLine.IFactory {
    private final Invocation invocation;
    private Injector injector;

    public CommandFactory(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        K made = hasNoArgumentConstructor(type) ? CommandLine.defaultFactory().create(type) : injector().getInstance(type);
        if (made instanceof BaseCommand command) {
            command.attach(invocation);
        }
        return made;
    }

    private static boolean hasNoArgumentConstructor(Class<?> type) {
        if (type.isInterface() || !type.getName().startsWith("io.s2mtls.")) {
            return true; // picocli's own classes, collections and converters: picocli's factory
        }
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            if (constructor.getParameterCount() == 0) {
                return true;
            }
        }
        return false;
    }

    private synchronized Injector injector() {
        if (injector == null) {
            injector = Guice.createInjector(new ConsoleModule(invocation), new CoreModule());
        }
        return injector;
    }
}
