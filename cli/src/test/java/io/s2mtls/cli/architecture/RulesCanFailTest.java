package io.s2mtls.cli.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.s2mtls.adapters.alpha.AlphaAdapter;
import io.s2mtls.adapters.alpha.PortAdapter;
import io.s2mtls.adapters.alpha.StrayPortAdapter;
import io.s2mtls.adapters.alpha.UsesSharedRecords;
import io.s2mtls.adapters.beta.BetaAdapter;
import io.s2mtls.cli.command.violationfixture.OneUseCaseCommand;
import io.s2mtls.cli.command.violationfixture.TwoUseCasesCommand;
import io.s2mtls.core.port.violationfixture.PortUsingSpi;
import io.s2mtls.core.spi.violationfixture.PortInSpi;
import io.s2mtls.core.violationfixture.EnvironmentReader;
import io.s2mtls.core.violationfixture.NamedJsonInCore;
import io.s2mtls.core.violationfixture.StrayPort;
import io.s2mtls.core.violationfixture.UsesJackson;
import io.s2mtls.core.violationfixture.WritesItsOwnFormat;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each architecture rule, run on classes that break it on purpose, must fail: otherwise a rule that
 * matches nothing would pass forever. The newer rules are also run on a fixture that keeps them, so a
 * rule that fails on everything would be caught too.
 */
class RulesCanFailTest {

    private static JavaClasses only(Class<?>... classes) {
        return new ClassFileImporter().importClasses(classes);
    }

    private static void fails(ArchRule rule, JavaClasses classes, String expected) {
        AssertionError error = assertThrows(AssertionError.class, () -> rule.check(classes));
        assertTrue(error.getMessage().contains(expected), "the rule failed for another reason than " + expected + ":\n" + error.getMessage());
    }

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

    @Test
    void adaptersMayShareOnlyTheRecordsAndFilesPackages() {
        fails(ArchitectureTest.ADAPTERS_ARE_INDEPENDENT, only(AlphaAdapter.class, BetaAdapter.class), "AlphaAdapter");
        ArchitectureTest.ADAPTERS_ARE_INDEPENDENT.check(only(UsesSharedRecords.class, io.s2mtls.adapters.records.AuditRecord.class, BetaAdapter.class));
    }

    @Test
    void aCoreInterfaceImplementedOutsideThePortPackageIsRefused() {
        fails(ArchitectureTest.OUTBOUND_PORTS_IN_ONE_PACKAGE, only(StrayPortAdapter.class, StrayPort.class),
                "implements io.s2mtls.core.violationfixture.StrayPort");
        ArchitectureTest.OUTBOUND_PORTS_IN_ONE_PACKAGE.check(only(PortAdapter.class, io.s2mtls.core.port.CredentialStore.class));
    }

    @Test
    void theSpiHoldsOnlyPluginTypesAndPortsDoNotKnowIt() {
        fails(ArchitectureTest.SPI_HOLDS_ONLY_PLUGIN_TYPES, only(PortInSpi.class), "PortInSpi");
        ArchitectureTest.SPI_HOLDS_ONLY_PLUGIN_TYPES.check(only(io.s2mtls.core.spi.S2mtlsPlugin.class, io.s2mtls.core.spi.PluginContext.class,
                io.s2mtls.core.spi.CredentialStoreProvider.class, io.s2mtls.core.spi.PluginProvider.class));
        fails(ArchitectureTest.PORTS_DO_NOT_KNOW_THE_SPI, only(PortUsingSpi.class), "PortUsingSpi");
        ArchitectureTest.PORTS_DO_NOT_KNOW_THE_SPI.check(only(io.s2mtls.core.port.CredentialStore.class, io.s2mtls.core.port.StoreIndex.class));
    }

    @Test
    void persistedFormatsInTheCoreAreRefused() {
        fails(ArchitectureTest.NO_JACKSON_IN_CORE, only(UsesJackson.class), "com.fasterxml.jackson");
        fails(ArchitectureTest.NO_JACKSON_IN_CORE, only(NamedJsonInCore.class), "NamedJsonInCore");
        fails(ArchitectureTest.NO_JSON_METHODS_IN_CORE, only(WritesItsOwnFormat.class), "toJsonLine");
        fails(ArchitectureTest.NO_JSON_METHODS_IN_CORE, only(WritesItsOwnFormat.class), "fromJsonLine");
        ArchitectureTest.NO_JACKSON_IN_CORE.check(only(EnvironmentReader.class, StrayPort.class));
        ArchitectureTest.NO_JSON_METHODS_IN_CORE.check(only(EnvironmentReader.class, StrayPort.class, NamedJsonInCore.class));
    }

    @Test
    void aCommandCallingTwoUseCaseMethodsIsRefused() {
        fails(ArchitectureTest.COMMANDS_CALL_ONE_USE_CASE, only(TwoUseCasesCommand.class), "calls 2 use-case methods [InventoryUseCase.list, IssuanceUseCase.issue]");
        // one method called twice, accessors (s2mtls.issuance()) and values of the use-case package (IssueCommand) do not count
        ArchitectureTest.COMMANDS_CALL_ONE_USE_CASE.check(only(OneUseCaseCommand.class));
    }
}
