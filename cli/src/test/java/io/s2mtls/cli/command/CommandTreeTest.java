package io.s2mtls.cli.command;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.s2mtls.cli.wiring.RootCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command tree has one shape: one command per source file, and one place where commands are
 * registered (the root's and each group's {@code @Command(subcommands = ...)}), from which every command
 * class is reachable. A command class nobody registers, or a file holding several commands, fails here.
 */
class CommandTreeTest {
    /**
     * Files that still hold several commands, until they are split like the others: each entry must still
     * be such a file (so the list only shrinks).
     */
    static final Set<String> NOT_YET_SPLIT = Set.of();

    /** Every class of the cli's production code annotated with {@code @Command}. */
    static Set<Class<?>> commandClasses() {
        ImportOption productionOnly = location -> !location.contains("/test-classes/") && !location.contains("-tests.jar");
        Set<Class<?>> commands = new LinkedHashSet<>();
        for (JavaClass type : new ClassFileImporter().withImportOption(productionOnly).importPackages("io.s2mtls.cli")) {
            if (type.isAnnotatedWith(Command.class)) {
                commands.add(type.reflect());
            }
        }
        assertTrue(commands.size() > 20, "too few command classes found (" + commands.size() + "): the checks below would pass vacuously");
        return commands;
    }

    /** The command classes reachable from {@code root} through {@code @Command(subcommands = ...)}. */
    static Set<Class<?>> reachable(Class<?> root) {
        Set<Class<?>> seen = new LinkedHashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            Class<?> command = todo.pop();
            if (!seen.add(command)) {
                continue;
            }
            Command annotation = command.getAnnotation(Command.class);
            if (annotation != null) {
                todo.addAll(List.of(annotation.subcommands()));
            }
        }
        return seen;
    }

    /** The top-level class whose source file holds {@code type}. */
    static Class<?> file(Class<?> type) {
        Class<?> outer = type;
        while (outer.getEnclosingClass() != null) {
            outer = outer.getEnclosingClass();
        }
        return outer;
    }

    /** Source files (by top-level class name) holding more than one command. */
    static Map<String, List<String>> filesWithSeveralCommands(Set<Class<?>> commands) {
        Map<String, List<String>> byFile = new TreeMap<>();
        for (Class<?> command : commands) {
            byFile.computeIfAbsent(file(command).getName(), f -> new ArrayList<>()).add(command.getSimpleName());
        }
        byFile.values().removeIf(list -> list.size() < 2);
        return byFile;
    }

    /** Command classes that the tree from {@code root} does not reach. */
    static Set<String> unreachable(Set<Class<?>> commands, Class<?> root) {
        Set<Class<?>> reached = reachable(root);
        Set<String> missing = new TreeSet<>();
        for (Class<?> command : commands) {
            if (!reached.contains(command)) {
                missing.add(command.getName());
            }
        }
        return missing;
    }

    @Test
    void everyCommandClassIsRegisteredInTheTree() {
        assertEquals(Set.of(), unreachable(commandClasses(), RootCommand.class),
                "command classes that no @Command(subcommands = ...) reachable from RootCommand lists:"
                        + " register each in its parent's subcommands, or delete it");
    }

    @Test
    void eachFileHoldsOneCommand() {
        Map<String, List<String>> several = filesWithSeveralCommands(commandClasses());
        Map<String, List<String>> unexpected = new TreeMap<>(several);
        unexpected.keySet().removeAll(NOT_YET_SPLIT);
        assertEquals(Map.of(), unexpected, "files with more than one @Command: give each command a file of its own"
                + " under command/<noun>/ and list it in its parent's subcommands");
        Set<String> stale = new TreeSet<>(NOT_YET_SPLIT);
        stale.removeAll(several.keySet());
        assertEquals(Set.of(), stale, "these files hold at most one command now: remove them from NOT_YET_SPLIT");
    }

    /** The checks themselves can fail: a nested second command and an unregistered one are both found. */
    @Test
    void theChecksFindWhatTheyAreFor() {
        Set<Class<?>> withFixtures = new LinkedHashSet<>(commandClasses());
        withFixtures.add(Fixture.class);
        withFixtures.add(Fixture.Nested.class);
        assertEquals(List.of("Fixture", "Nested"), filesWithSeveralCommands(withFixtures).get(CommandTreeTest.class.getName()));
        assertEquals(Set.of(Fixture.class.getName(), Fixture.Nested.class.getName()), unreachable(withFixtures, RootCommand.class));
        assertTrue(unreachable(withFixtures, Fixture.class).contains(RootCommand.class.getName()));
    }

    @Command(name = "fixture", subcommands = Fixture.Nested.class)
    static final class Fixture {
        @Command(name = "nested")
        static final class Nested {
        }
    }
}
