package io.s2mtls.cli.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shape of the design card, enforced: a pure core whose outbound ports live in one package, persisted
 * formats only in adapters, Bouncy Castle in one package, adapters that know only the core (and the
 * shared records and file helpers), a CLI that meets adapters only through ServiceLoader, and command
 * classes that call one use case each. {@link RulesCanFailTest} shows each rule failing on a violation.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        // Sibling modules arrive as jars (or class directories); their test-jars and test classes are left out.
        ImportOption productionOnly = location -> !location.contains("/test-classes/") && !location.contains("-tests.jar");
        classes = new ClassFileImporter()
                .withImportOption(productionOnly)
                .importPackages("io.s2mtls");
    }

    @Test
    void everyModuleIsImported() {
        for (String pkg : new String[]{"io.s2mtls.core.x509", "io.s2mtls.core.dn", "io.s2mtls.cli", "io.s2mtls.adapters.keystore",
                "io.s2mtls.adapters.vault", "io.s2mtls.adapters.jdbc"}) {
            assertTrue(classes.containPackage(pkg), "no classes imported from " + pkg + ": the rules below would pass vacuously");
        }
    }

    static final ArchRule CORE_IS_PURE = noClasses().that().resideInAPackage("io.s2mtls.core..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "com.google.inject..", "javax.inject..", "jakarta.inject..", "picocli..",
                    "com.fasterxml.jackson..", "java.sql..", "javax.sql..", "com.singlestore..",
                    "java.net.http..", "java.net..", "com.sun.net.httpserver..", "java.nio.file..", "java.nio.channels..")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.File")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileInputStream")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileOutputStream")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.RandomAccessFile")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileReader")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileWriter")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.ProcessBuilder")
            .orShould().callMethod(System.class, "getenv")
            .orShould().callMethod(System.class, "getenv", String.class)
            .orShould().callMethod(System.class, "getProperty", String.class)
            .orShould().callMethod(System.class, "getProperty", String.class, String.class)
            .orShould().accessField(System.class, "out")
            .orShould().accessField(System.class, "err")
            .orShould().accessField(System.class, "in")
            .because("the core is a pure domain: no framework, no database, no JSON, no network, no files, no environment");

    static final ArchRule BOUNCY_CASTLE_IN_ONE_PACKAGE = noClasses().that().resideInAPackage("io.s2mtls.core..")
            .and().resideOutsideOfPackage("io.s2mtls.core.x509")
            .should().dependOnClassesThat().resideInAPackage("org.bouncycastle..")
            .because("the model speaks JDK types and its own values; Bouncy Castle stays inside the X.509/PEM codec");

    /** The adapter packages every adapter (and, for files, the CLI) may use: the one set of persisted records and the one atomic file write. */
    static final String[] SHARED_ADAPTER_PACKAGES = {"io.s2mtls.adapters.records..", "io.s2mtls.adapters.files.."};

    static final ArchRule ADAPTERS_ARE_INDEPENDENT = slices().matching("io.s2mtls.adapters.(*)..")
            .should().notDependOnEachOther()
            .ignoreDependency(alwaysTrue(), resideInAnyPackage(SHARED_ADAPTER_PACKAGES))
            .because("each adapter depends on the core and the shared records and file helpers only, so each can be dropped in or left out");

    /** The packages where ports and the plugin SPI live; every core interface implemented outside the core is in one of them. */
    static final String PORTS = "io.s2mtls.core.port..";
    static final String SPI = "io.s2mtls.core.spi..";

    static final ArchRule OUTBOUND_PORTS_IN_ONE_PACKAGE = classes().that().resideInAnyPackage("io.s2mtls.adapters..", "io.s2mtls.cli..")
            .should(implementCoreInterfacesOnlyFrom(PORTS, SPI))
            .because("all outbound ports live in io.s2mtls.core.port (and the plugin SPI in io.s2mtls.core.spi):"
                    + " an interface of the core that an adapter implements is a port");

    static final ArchRule SPI_HOLDS_ONLY_PLUGIN_TYPES = classes().that().resideInAPackage(SPI).and().areInterfaces()
            .should().beAssignableTo("io.s2mtls.core.spi.PluginProvider")
            .orShould().haveFullyQualifiedName("io.s2mtls.core.spi.S2mtlsPlugin")
            .orShould().haveFullyQualifiedName("io.s2mtls.core.spi.PluginContext")
            .because("the SPI is the plugin entry class, its context and the providers (one shape); what a provider opens is a port in io.s2mtls.core.port");

    static final ArchRule PORTS_DO_NOT_KNOW_THE_SPI = noClasses().that().resideInAPackage(PORTS)
            .should().dependOnClassesThat().resideInAPackage(SPI)
            .because("a port is implemented by a plugin or by an embedding tool directly, without the plugin machinery");

    static final ArchRule NO_JACKSON_IN_CORE = noClasses().that().resideInAPackage("io.s2mtls.core..")
            .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson..")
            .orShould().haveNameMatching("(?i).*json[^.]*")
            .because("persisted formats live in the adapters (io.s2mtls.adapters.records): the core keeps no JSON of its own");

    static final ArchRule NO_JSON_METHODS_IN_CORE = noMethods().that().areDeclaredInClassesThat().resideInAPackage("io.s2mtls.core..")
            .should().haveNameMatching("(?i)(to|from|read|write|parse|as)json.*")
            .because("persisted formats live in the adapters (io.s2mtls.adapters.records): no core type reads or writes JSON");

    static final ArchRule COMMANDS_CALL_ONE_USE_CASE = classes().that().resideInAPackage("io.s2mtls.cli.command..")
            .and().areAnnotatedWith("picocli.CommandLine$Command")
            .should(callAtMostOneUseCaseMethod())
            .because("the core owns every workflow: a command parses, calls one use case and prints");

    /**
     * A use-case class: one in {@code io.s2mtls.core.usecase..} whose name ends in {@code UseCase}, the facade
     * {@code io.s2mtls.core.S2mtls} and the {@code UseCases} holder, or any type a public no-argument method of
     * the facade returns (so a use case kept elsewhere still counts).
     */
    static boolean isUseCase(JavaClass owner) {
        if (owner.getName().equals("io.s2mtls.core.S2mtls") || owner.getName().equals("io.s2mtls.core.usecase.UseCases")) {
            return true;
        }
        if (owner.getPackageName().startsWith("io.s2mtls.core.usecase") && owner.getSimpleName().endsWith("UseCase")) {
            return true;
        }
        return FACADE_ACCESSOR_TYPES.contains(owner.getName());
    }

    /** The return types of the facade's accessors, read from the facade's class file (not from the classes under test). */
    private static final Set<String> FACADE_ACCESSOR_TYPES = facadeAccessorTypes();

    private static Set<String> facadeAccessorTypes() {
        Set<String> types = new TreeSet<>();
        JavaClass facade = new ClassFileImporter().importClass(io.s2mtls.core.S2mtls.class);
        for (JavaMethod method : facade.getMethods()) {
            if (method.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC) && method.getRawParameterTypes().isEmpty()
                    && !method.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.STATIC)
                    && method.getRawReturnType().getPackageName().startsWith("io.s2mtls.core")) {
                types.add(method.getRawReturnType().getName());
            }
        }
        return types;
    }

    /** A call that only hands out a use case ({@code s2mtls.issuance()}): no parameters, and it returns a use-case class. */
    static boolean isAccessor(JavaMethodCall call) {
        return call.getTarget().getRawParameterTypes().isEmpty() && isUseCase(call.getTarget().getRawReturnType());
    }

    static ArchCondition<JavaClass> callAtMostOneUseCaseMethod() {
        return new ArchCondition<>("call at most one method of the core's use cases (accessors that return a use case do not count)") {
            @Override
            public void check(JavaClass command, ConditionEvents events) {
                Set<String> called = new TreeSet<>();
                for (JavaMethodCall call : command.getMethodCallsFromSelf()) {
                    if (isUseCase(call.getTargetOwner()) && !isAccessor(call)) {
                        called.add(call.getTargetOwner().getSimpleName() + "." + call.getName());
                    }
                }
                boolean ok = called.size() <= 1;
                events.add(new SimpleConditionEvent(command, ok, command.getName() + " calls " + called.size()
                        + " use-case methods " + called + (ok ? "" : "; move the workflow into one use case of the core")));
            }
        };
    }

    static ArchCondition<JavaClass> implementCoreInterfacesOnlyFrom(String... packages) {
        DescribedPredicate<JavaClass> allowed = resideInAnyPackage(packages);
        return new ArchCondition<>("implement only interfaces of the core that live in " + String.join(" or ", packages)) {
            @Override
            public void check(JavaClass implementation, ConditionEvents events) {
                for (JavaClass implemented : implementation.getAllRawInterfaces()) {
                    if (resideInAPackage("io.s2mtls.core..").test(implemented) && !allowed.test(implemented)) {
                        events.add(SimpleConditionEvent.violated(implementation, implementation.getName() + " implements "
                                + implemented.getName() + ", an interface of the core outside " + String.join(" and ", packages)
                                + "; move the port to io.s2mtls.core.port"));
                    }
                }
            }
        };
    }

    static final ArchRule ADAPTERS_DO_NOT_KNOW_THE_CLI = noClasses().that().resideInAPackage("io.s2mtls.adapters..")
            .should().dependOnClassesThat().resideInAPackage("io.s2mtls.cli..")
            .because("adapters are plugins of the core, usable by any host");

    static final ArchRule CLI_USES_ADAPTERS_ONLY_THROUGH_SERVICE_LOADER = noClasses().that().resideInAPackage("io.s2mtls.cli..")
            .should().dependOnClassesThat(resideInAPackage("io.s2mtls.adapters..").and(not(resideInAPackage("io.s2mtls.adapters.files.."))))
            .because("the CLI finds store, signer and database plugins with ServiceLoader, like any third-party plugin"
                    + " (it shares only the one atomic file write, io.s2mtls.adapters.files)");

    static final ArchRule CORE_DOES_NOT_KNOW_ADAPTERS_OR_CLI = noClasses().that().resideInAPackage("io.s2mtls.core..")
            .should().dependOnClassesThat().resideInAnyPackage("io.s2mtls.adapters..", "io.s2mtls.cli..")
            .because("dependencies point inwards");

    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("io.s2mtls.(**)")
            .should().beFreeOfCycles()
            .because("packages form layers");

    static final ArchRule CORE_HAS_NO_INJECTION_ANNOTATIONS = noClasses().that().resideInAPackage("io.s2mtls.core..")
            .should().beAnnotatedWith("com.google.inject.Inject")
            .orShould().dependOnClassesThat().resideInAnyPackage("com.google.inject..", "javax.inject..", "jakarta.inject..")
            .because("the core is assembled by the host's composition root, not by annotations");

    static final ArchRule ONLY_MAIN_EXITS = noClasses().that().doNotHaveFullyQualifiedName("io.s2mtls.cli.Main")
            .should().callMethod(System.class, "exit", int.class)
            .because("only main decides the process exit code");

    @Test
    void coreIsPure() {
        CORE_IS_PURE.check(classes);
    }

    @Test
    void bouncyCastleIsConfinedToTheCodec() {
        BOUNCY_CASTLE_IN_ONE_PACKAGE.check(classes);
    }

    @Test
    void adaptersAreIndependent() {
        ADAPTERS_ARE_INDEPENDENT.check(classes);
        ADAPTERS_DO_NOT_KNOW_THE_CLI.check(classes);
    }

    @Test
    void cliReachesAdaptersOnlyThroughServiceLoader() {
        CLI_USES_ADAPTERS_ONLY_THROUGH_SERVICE_LOADER.check(classes);
    }

    @Test
    void dependenciesPointInwards() {
        CORE_DOES_NOT_KNOW_ADAPTERS_OR_CLI.check(classes);
        CORE_HAS_NO_INJECTION_ANNOTATIONS.check(classes);
    }

    @Test
    void noPackageCycles() {
        NO_PACKAGE_CYCLES.check(classes);
    }

    @Test
    void outboundPortsLiveInOnePackage() {
        OUTBOUND_PORTS_IN_ONE_PACKAGE.check(classes);
        SPI_HOLDS_ONLY_PLUGIN_TYPES.check(classes);
        PORTS_DO_NOT_KNOW_THE_SPI.check(classes);
    }

    @Test
    void persistedFormatsLiveOnlyInAdapters() {
        NO_JACKSON_IN_CORE.check(classes);
        NO_JSON_METHODS_IN_CORE.check(classes);
    }

    @Test
    void commandsCallOneUseCaseEach() {
        COMMANDS_CALL_ONE_USE_CASE.check(classes);
    }

    @Test
    void onlyMainExits() {
        ONLY_MAIN_EXITS.check(classes);
    }
}
