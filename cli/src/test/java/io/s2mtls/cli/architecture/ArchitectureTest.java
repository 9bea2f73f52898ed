package io.s2mtls.cli.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shape of the design card, enforced: a pure core, Bouncy Castle in one package, adapters that
 * know only the core, and a CLI that meets adapters only through ServiceLoader.
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

    static final ArchRule ADAPTERS_ARE_INDEPENDENT = slices().matching("io.s2mtls.adapters.(*)..")
            .should().notDependOnEachOther()
            .because("each adapter depends on the core only, so each can be dropped in or left out");

    static final ArchRule ADAPTERS_DO_NOT_KNOW_THE_CLI = noClasses().that().resideInAPackage("io.s2mtls.adapters..")
            .should().dependOnClassesThat().resideInAPackage("io.s2mtls.cli..")
            .because("adapters are plugins of the core, usable by any host");

    static final ArchRule CLI_USES_ADAPTERS_ONLY_THROUGH_SERVICE_LOADER = noClasses().that().resideInAPackage("io.s2mtls.cli..")
            .should().dependOnClassesThat().resideInAPackage("io.s2mtls.adapters..")
            .because("the CLI finds store, signer and database plugins with ServiceLoader, like any third-party plugin");

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
    void onlyMainExits() {
        ONLY_MAIN_EXITS.check(classes);
    }
}
