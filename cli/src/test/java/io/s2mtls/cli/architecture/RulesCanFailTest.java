package io.s2mtls.cli.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.s2mtls.core.violationfixture.EnvironmentReader;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Each architecture rule, run on classes that break it on purpose, must fail: otherwise a rule that
 * matches nothing would pass forever.
 */
class RulesCanFailTest {

    @Test
    void rulesRejectViolations() {
        JavaClasses violations = new ClassFileImporter().importPackages("io.s2mtls.core.violationfixture",
                "io.s2mtls.adapters.alpha", "io.s2mtls.adapters.beta", "io.s2mtls.cli.violationfixture", "io.s2mtls.cyclea", "io.s2mtls.cycleb");
        assertThrows(AssertionError.class, () -> ArchitectureTest.CORE_IS_PURE.check(violations));
        JavaClasses environmentOnly = new ClassFileImporter().importClasses(EnvironmentReader.class);
        assertThrows(AssertionError.class, () -> ArchitectureTest.CORE_IS_PURE.check(environmentOnly));
        assertThrows(AssertionError.class, () -> ArchitectureTest.BOUNCY_CASTLE_IN_ONE_PACKAGE.check(violations));
        assertThrows(AssertionError.class, () -> ArchitectureTest.ADAPTERS_ARE_INDEPENDENT.check(violations));
        assertThrows(AssertionError.class, () -> ArchitectureTest.CLI_USES_ADAPTERS_ONLY_THROUGH_SERVICE_LOADER.check(violations));
        assertThrows(AssertionError.class, () -> ArchitectureTest.NO_PACKAGE_CYCLES.check(violations));
        assertThrows(AssertionError.class, () -> ArchitectureTest.CORE_HAS_NO_INJECTION_ANNOTATIONS.check(violations));
    }
}
