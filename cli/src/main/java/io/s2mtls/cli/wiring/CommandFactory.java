package io.s2mtls.cli.wiring;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.GlobalOptions;
import io.s2mtls.cli.support.Invocation;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.cli.support.Secrets;
import io.s2mtls.cli.support.Session;
import io.s2mtls.core.S2mtls;
import picocli.CommandLine;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Makes the commands picocli asks for: those on the path being parsed, and those whose mixins, argument
 * groups or spec picocli fills while it builds the tree. Start-up time is spent here, so no injector is
 * built on the way:
 * <ul>
 *   <li>a command with a no-argument constructor is made directly and attached to the invocation
 *       ({@link BaseCommand#attach}); this is how commands are written;</li>
 *   <li>a command with an {@code @Inject} constructor gets its arguments from the invocation: the console,
 *       options, printer, secrets, session, database access, the core and any use case the core exposes,
 *       each also as a {@code Provider};</li>
 *   <li>only a constructor that asks for something else is left to an injector over the same invocation,
 *       built on first need ({@link ConsoleModule}, {@link CoreModule}).</li>
 * </ul>
 */
public final class CommandFactory implements CommandLine.IFactory {
    private final Invocation invocation;
    private Databases databases;
    private Injector injector;

    public CommandFactory(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        K made = make(type);
        if (made instanceof BaseCommand command) {
            command.attach(invocation);
        }
        return made;
    }

    private <K> K make(Class<K> type) throws Exception {
        if (type.isInterface() || !type.getName().startsWith("io.s2mtls.")) {
            return CommandLine.defaultFactory().create(type); // picocli's own classes, collections and converters
        }
        Constructor<?> injectable = null;
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            if (constructor.getParameterCount() == 0) {
                return CommandLine.defaultFactory().create(type);
            }
            if (constructor.isAnnotationPresent(com.google.inject.Inject.class) || constructor.isAnnotationPresent(jakarta.inject.Inject.class)) {
                injectable = constructor;
            }
        }
        if (injectable != null) {
            Type[] parameters = injectable.getGenericParameterTypes();
            Object[] arguments = new Object[parameters.length];
            boolean all = true;
            for (int i = 0; i < parameters.length && all; i++) {
                Optional<Object> argument = argument(parameters[i]);
                all = argument.isPresent();
                arguments[i] = argument.orElse(null);
            }
            if (all) {
                injectable.setAccessible(true);
                return type.cast(injectable.newInstance(arguments));
            }
        }
        return injector().getInstance(type);
    }

    /** The value for a constructor parameter, or empty when only the injector knows it. */
    private Optional<Object> argument(Type parameter) {
        if (parameter instanceof ParameterizedType generic && (generic.getRawType() == com.google.inject.Provider.class
                || generic.getRawType() == jakarta.inject.Provider.class) && generic.getActualTypeArguments()[0] instanceof Class<?> of) {
            Optional<Supplier<Object>> supplier = supplier(of);
            return supplier.map(s -> (com.google.inject.Provider<Object>) s::get);
        }
        return parameter instanceof Class<?> type ? supplier(type).map(Supplier::get) : Optional.empty();
    }

    /** How to get a value of {@code type} from the invocation, without getting it yet. */
    private Optional<Supplier<Object>> supplier(Class<?> type) {
        if (type == Invocation.class) {
            return Optional.of(() -> invocation);
        } else if (type == Console.class) {
            return Optional.of(invocation::console);
        } else if (type == GlobalOptions.class) {
            return Optional.of(invocation::options);
        } else if (type == Printer.class) {
            return Optional.of(invocation::printer);
        } else if (type == Secrets.class) {
            return Optional.of(invocation::secrets);
        } else if (type == Session.class) {
            return Optional.of(invocation::session);
        } else if (type == S2mtls.class) {
            return Optional.of(invocation::core);
        } else if (type == Databases.class) {
            return Optional.of(this::databases);
        }
        for (Method accessor : S2mtls.class.getMethods()) {
            if (accessor.getParameterCount() == 0 && accessor.getReturnType() == type && !Modifier.isStatic(accessor.getModifiers())) {
                return Optional.of(() -> {
                    try {
                        return accessor.invoke(invocation.core());
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException("cannot get " + type.getName() + " from the core", e);
                    }
                });
            }
        }
        return Optional.empty();
    }

    private synchronized Databases databases() {
        if (databases == null) {
            databases = new Databases(invocation.session(), invocation.console(), invocation.secrets(), invocation.printer());
        }
        return databases;
    }

    private synchronized Injector injector() {
        if (injector == null) {
            injector = Guice.createInjector(new ConsoleModule(invocation), new CoreModule());
        }
        return injector;
    }
}
